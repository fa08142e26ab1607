package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.port.ReloadAck;
import io.promcc.core.testing.ThrowawayCa;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection to a Prometheus over https with a CA bundle is not kept past {@link
 * PrometheusTrust#SESSION_TIMEOUT}: a kept one is not verified again, and calls every few
 * seconds (a resync, the targets' reads) would keep it, verified once, for ever; so a CA taken
 * out of the bundle, or one expired since, would go on passing it. Its age is timed on an
 * injected ticker.
 */
class HttpsConnectionAgeTest extends HttpPrometheusControlTestSupport {
  @TempDir Path temp;

  /** Nanoseconds, moved by hand. */
  private final AtomicLong ticker = new AtomicLong(-5_000_000_000L);

  @Test
  void aConnectionIsUsedForAMinuteAtMost() throws Exception {
    ThrowawayCa ca = ThrowawayCa.create("prometheus ca");
    ThrowawayCa.Issued issued = ca.issueServer();
    server.useHttps(ThrowawayCa.serverContext(issued.privateKey(), issued.certificate(),
        ca.certificate()).getSocketFactory());
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(200).build()); // kept alive
    }
    PrometheusTrust bundle = PrometheusTrust.read(Files.writeString(
        temp.resolve("prometheus-ca.pem"), ca.certificatePem()), Clock.systemUTC(), ticker::get);
    PrometheusAdapterSettings settings = settings(
        URI.create("https://127.0.0.1:" + server.getPort() + "/")).caBundle(bundle).build();
    HttpPrometheusControl control = new HttpPrometheusControl(
        HttpPrometheusControl.newHttpClient(settings, ticker::get), settings, clock);

    assertEquals(ReloadAck.LOADED, control.reload());
    ticker.addAndGet(PrometheusTrust.SESSION_TIMEOUT.minusNanos(1).toNanos());
    assertEquals(ReloadAck.LOADED, control.reload());
    ticker.addAndGet(1);
    assertEquals(ReloadAck.LOADED, control.reload());

    assertEquals(0, take().getConnectionIndex());
    assertEquals(0, take().getConnectionIndex()); // kept within the minute
    assertEquals(1, take().getConnectionIndex()); // a new one after it
  }
}
