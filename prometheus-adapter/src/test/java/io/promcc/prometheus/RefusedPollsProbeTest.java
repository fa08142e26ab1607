package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.testing.FreePorts;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The wait for Prometheus to be ready polls a port nothing listens on yet (Prometheus starts
 * after promcc's first write): each poll's refusal comes from the JDK's client without words, and
 * was told by a plain connect on a thread of its own, one per poll. A refusal once told is told
 * again for the wait's later polls without a connect; the next wait probes again.
 */
class RefusedPollsProbeTest extends HttpPrometheusControlTestSupport {
  /** How long a probe's thread is waited for here: only a failure reaches it. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void aWaitOnAPortNothingListensOnProbesItOnce() {
    URI uri = URI.create("http://127.0.0.1:" + FreePorts.next() + "/");
    PrometheusAdapterSettings settings = settings(uri).build();
    List<String> probed = new CopyOnWriteArrayList<>();
    ConnectProbe probe = new ConnectProbe((host, port, millis) -> {
      probed.add(host + " " + port);
      ConnectProbe.connect(host, port, millis);
    }, PATIENCE);
    HttpPrometheusControl control = new HttpPrometheusControl(
        HttpPrometheusControl.newHttpClient(settings), settings, clock, d -> {
          sleeps.add(d);
          clock.advance(d);
        }, HttpPrometheusControl.MAX_LARGE_ANSWER, HttpPrometheusControl.MAX_SMALL_ANSWER, probe);

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control.awaitReady(Duration.ofSeconds(1)));

    assertTrue(sleeps.size() >= 4, "polls: " + (sleeps.size() + 1));
    assertTrue(e.getMessage().endsWith("last answer: GET /-/ready to prometheus at \"" + uri
        + "\" failed: connection refused"), e.getMessage());
    String where = uri.getHost() + " " + uri.getPort();
    assertEquals(List.of(where), probed, "the probe's connects in " + (sleeps.size() + 1)
        + " polls");

    assertThrows(PrometheusUnavailableException.class, () -> control.awaitReady(Duration.ZERO));
    assertEquals(List.of(where, where), probed, "the next wait probes again");
  }
}
