package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CA taken out of the bundle alone (no certificate of Prometheus fails) stops verifying
 * without a restart: a call, and a full handshake that the bundle verifies, have it read again
 * when a read is due (at most once per {@link BundleRereads#INTERVAL} since any read, the
 * start's included, timed here on an injected ticker), and a read that finds it changed checks
 * that handshake's chain with the bundle as read and drops the cached TLS sessions.
 */
class HttpsCaRemovalTest extends HttpPrometheusControlTestSupport {
  @TempDir Path temp;

  private final ThrowawayCa old = ThrowawayCa.create("old prometheus ca");
  private final ThrowawayCa kept = ThrowawayCa.create("kept prometheus ca");
  /** Nanoseconds, moved by hand. */
  private final AtomicLong ticker = new AtomicLong(987_654_321L);
  private final MockWebServer second = new MockWebServer();
  private final MockWebServer third = new MockWebServer();

  @AfterEach
  void stopOthers() {
    second.close();
    third.close();
  }

  /** Serves over https a certificate of {@code ca}, each answer closing its connection. */
  private static void serve(MockWebServer served, ThrowawayCa ca, int answers)
      throws GeneralSecurityException, IOException {
    ThrowawayCa.Issued issued = ca.issueServer();
    served.useHttps(ThrowawayCa.serverContext(issued.privateKey(), issued.certificate(),
        ca.certificate()).getSocketFactory());
    for (int i = 0; i < answers; i++) {
      served.enqueue(new MockResponse.Builder().code(200).addHeader("Connection", "close")
          .build());
    }
  }

  private HttpPrometheusControl controlOf(MockWebServer served, PrometheusTrust bundle) {
    return control(settings(URI.create("https://127.0.0.1:" + served.getPort() + "/"))
        .caBundle(bundle).build());
  }

  /**
   * The old CA taken out, the kept one left: a full handshake with a Prometheus whose
   * certificate the old CA signed is verified by what was read while no read is due, and
   * refused at the first one after a read is due; a connection to the first Prometheus then
   * makes a full handshake (its session dropped), refused as well, where it resumed.
   */
  @Test
  void aCaTakenOutStopsVerifyingAtTheFirstFullHandshakeOnceAReadIsDue() throws Exception {
    second.start(InetAddress.getLoopbackAddress(), 0);
    third.start(InetAddress.getLoopbackAddress(), 0);
    serve(server, old, 2);
    serve(second, old, 1);
    serve(third, old, 1);
    Path file = Files.writeString(temp.resolve("prometheus-ca.pem"),
        old.certificatePem() + kept.certificatePem());
    PrometheusTrust bundle = PrometheusTrust.read(file, Clock.systemUTC(), ticker::get,
        PATIENT_REREAD);
    HttpPrometheusControl first = controlOf(server, bundle);
    assertEquals(ReloadAck.LOADED, first.reload()); // a full handshake, and a read
    Files.writeString(file, kept.certificatePem());

    ticker.addAndGet(BundleRereads.INTERVAL.minusNanos(1).toNanos());
    assertEquals(ReloadAck.LOADED, controlOf(second, bundle).reload()); // no read is due
    ticker.addAndGet(1);
    PrometheusUnavailableException refused = assertThrows(PrometheusUnavailableException.class,
        () -> controlOf(third, bundle).reload());
    PrometheusUnavailableException resumed = assertThrows(PrometheusUnavailableException.class,
        first::reload);

    for (PrometheusUnavailableException e : new PrometheusUnavailableException[] {
        refused, resumed}) {
      assertTrue(e.getMessage().contains("failed: its tls certificate is not trusted by the ca "
          + "bundle \"" + file + "\""), e.getMessage());
    }
  }

  /**
   * A full handshake that the bundle verifies reads it at most once per interval: with no read
   * due, a CA taken out still verifies (a handshake does not wait for a file at each
   * connection).
   */
  @Test
  void aVerifiedHandshakeReadsTheBundleAtMostOncePerInterval() throws Exception {
    second.start(InetAddress.getLoopbackAddress(), 0);
    serve(server, old, 1);
    serve(second, old, 1);
    Path file = Files.writeString(temp.resolve("prometheus-ca.pem"),
        old.certificatePem() + kept.certificatePem());
    PrometheusTrust bundle = PrometheusTrust.read(file, Clock.systemUTC(), ticker::get,
        PATIENT_REREAD);
    assertEquals(ReloadAck.LOADED, controlOf(server, bundle).reload());
    Files.writeString(file, kept.certificatePem());
    ticker.addAndGet(Duration.ofSeconds(5).toNanos());

    assertEquals(ReloadAck.LOADED, controlOf(second, bundle).reload());
  }
}
