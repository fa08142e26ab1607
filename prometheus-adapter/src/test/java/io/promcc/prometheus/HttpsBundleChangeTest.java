package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.testing.MutableClock;
import io.promcc.core.testing.ThrowawayCa;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a CA bundle, a call to Prometheus reads the bundle again when a read is due (at most
 * once per {@link BundleRereads#INTERVAL} since any read, timed here on an injected ticker),
 * whether or not it makes a TLS handshake, and a client is made again only when what the bundle
 * trusts changed: a connection kept open (which no handshake verifies again) is then left, so a
 * CA taken out stops verifying at the first call a read is due at; while the bundle is
 * unchanged, the connection is kept, and no client is made again (each holds a thread and its
 * connections until the JVM collects it).
 */
class HttpsBundleChangeTest extends HttpPrometheusControlTestSupport {
  @TempDir Path temp;

  private final ThrowawayCa old = ThrowawayCa.create("old prometheus ca");
  private final ThrowawayCa kept = ThrowawayCa.create("kept prometheus ca");
  /** Nanoseconds, moved by hand. */
  private final AtomicLong ticker = new AtomicLong(-5_000_000_000L);
  private Path file;
  private HttpPrometheusControl control;

  /** A Prometheus whose certificate the old CA signed, its answers keeping the connection. */
  @BeforeEach
  void serve() throws Exception {
    ThrowawayCa.Issued issued = old.issueServer();
    server.useHttps(ThrowawayCa.serverContext(issued.privateKey(), issued.certificate(),
        old.certificate()).getSocketFactory());
    for (int i = 0; i < 4; i++) {
      server.enqueue(new MockResponse.Builder().code(200).build()); // kept alive
    }
    file = Files.writeString(temp.resolve("prometheus-ca.pem"),
        old.certificatePem() + kept.certificatePem());
    PrometheusTrust bundle = PrometheusTrust.read(file, Clock.systemUTC(), ticker::get,
        PATIENT_REREAD);
    control = control(settings(URI.create("https://127.0.0.1:" + server.getPort() + "/"))
        .caBundle(bundle).build());
  }

  @Test
  void aCaTakenOutStopsVerifyingAKeptConnectionAtTheFirstCallAReadIsDueAt() throws Exception {
    assertEquals(ReloadAck.LOADED, control.reload());
    Files.writeString(file, kept.certificatePem());

    ticker.addAndGet(BundleRereads.INTERVAL.minusNanos(1).toNanos());
    assertEquals(ReloadAck.LOADED, control.reload()); // no read is due: the connection is kept
    ticker.addAndGet(1);
    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        control::reload);

    assertTrue(e.getMessage().contains("failed: its tls certificate is not trusted by the ca "
        + "bundle \"" + file + "\""), e.getMessage());
    assertEquals(0, take().getConnectionIndex());
    assertEquals(0, take().getConnectionIndex());
  }

  @Test
  void anUnchangedBundleKeepsTheConnectionAndTheClient() throws Exception {
    for (int i = 0; i < 4; i++) {
      assertEquals(ReloadAck.LOADED, control.reload());
      ticker.addAndGet(Duration.ofMinutes(7).toNanos()); // a read is due at each call
    }

    for (int i = 0; i < 4; i++) {
      assertEquals(0, take().getConnectionIndex());
    }
  }
  /**
   * A CA of the bundle that expires with no change of the file stops verifying a connection
   * kept open at the first call a read is due at, as a CA taken out does.
   */
  @Test
  void aCaThatExpiresStopsVerifyingAKeptConnectionAtTheFirstCallAReadIsDueAt()
      throws Exception {
    Instant now = Instant.now();
    ThrowawayCa expiring = ThrowawayCa.create("expiring prometheus ca",
        now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)));
    ThrowawayCa.Issued issued = expiring.issueServer();
    server.useHttps(ThrowawayCa.serverContext(issued.privateKey(), issued.certificate(),
        expiring.certificate()).getSocketFactory());
    Files.writeString(file, expiring.certificatePem() + kept.certificatePem());
    MutableClock clock = new MutableClock(now);
    HttpPrometheusControl expiringControl = control(settings(URI.create("https://127.0.0.1:"
        + server.getPort() + "/")).caBundle(PrometheusTrust.read(file, clock, ticker::get,
            PATIENT_REREAD)).build());

    assertEquals(ReloadAck.LOADED, expiringControl.reload());
    // past the expiring CA, not the kept one (valid 2 days from its making, to the second)
    clock.advance(Duration.ofDays(1).plusHours(1));
    ticker.addAndGet(BundleRereads.INTERVAL.toNanos()); // a read is due: the file is the same
    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        expiringControl::reload);

    assertTrue(e.getMessage().contains("failed: its tls certificate is signed by \"CN=expiring "
        + "prometheus ca\" of the ca bundle \"" + file + "\", which expired at "),
        e.getMessage());
    assertEquals(0, take().getConnectionIndex());
  }
}
