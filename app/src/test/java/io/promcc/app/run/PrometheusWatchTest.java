package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.status.HealthReport;
import io.promcc.app.status.LoopHealth;
import io.promcc.core.port.FakePrometheusControl;
import io.promcc.core.port.LoadGauges;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ScrapeDiscovery;
import io.promcc.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Each probe of Prometheus tells readiness whether it answered. */
class PrometheusWatchTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
  private final LoopHealth health = new LoopHealth(clock, LoopHealth.Bounds.DEFAULTS);
  private final FakePrometheusControl prometheus =
      new FakePrometheusControl(clock, TreeMap::new);
  private final PrometheusWatch watch = new PrometheusWatch(prometheus, health);

  private static ReconcileResult reloaded() {
    return new ReconcileResult(Outcome.RELOADED, "", Optional.of("state"), Optional.of("config"),
        List.of(), List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(),
        true, false, true, Optional.empty(), Map.of(), true, List.of(),
        ScrapeDiscovery.NOT_CHECKED);
  }

  @Test
  void aPrometheusGoneBetweenReconcilesMakesTheControllerUnreadyUntilItAnswers() {
    health.sourcesSynced();
    health.reconcileStarted();
    health.reconcileFinished(reloaded());
    watch.probeOnce();
    prometheus.setUp(false);

    for (int i = 0; i < 3; i++) {
      clock.advance(PrometheusWatch.PERIOD);
      watch.probeOnce();
    }
    HealthReport gone = health.readiness();
    prometheus.setUp(true);
    clock.advance(PrometheusWatch.PERIOD);
    watch.probeOnce();

    assertFalse(gone.ok(), gone.detail());
    assertTrue(gone.detail().startsWith("prometheus-unavailable: 3 probes in a row got no answer "
        + "from prometheus, the first 10s ago (its last answer 15s ago); the last: "),
        gone.detail());
    assertTrue(health.readiness().ok(), health.readiness().detail());
    assertEquals(Duration.ofSeconds(5), PrometheusWatch.PERIOD, "the period docs give");
  }

  @Test
  void noProbeIsSentWhileAReloadIsInFlightAndOneItOverlapsDoesNotCount() {
    health.sourcesSynced();
    health.reconcileStarted();
    health.reconcileFinished(reloaded());
    int[] asked = {0};
    // the third probe is answered late: a reconcile's reload was asked meanwhile, and held it
    PrometheusWatch overlapped = new PrometheusWatch(new Unanswering(() -> {
      if (++asked[0] == 3) {
        health.reconcileStarted();
        health.reloadAsked();
      }
    }), health);

    for (int i = 0; i < 3; i++) {
      clock.advance(PrometheusWatch.PERIOD);
      overlapped.probeOnce();
    }
    HealthReport afterOverlap = health.readiness();
    clock.advance(PrometheusWatch.PERIOD);
    overlapped.probeOnce(); // the reload is still in flight: not sent

    assertTrue(afterOverlap.ok(), afterOverlap.detail());
    assertEquals(3, asked[0], "probes sent");
  }

  /** A Prometheus that never answers; {@code asked} runs as each readiness ask begins. */
  private record Unanswering(Runnable asked) implements PrometheusControl {
    @Override
    public void awaitReady(Duration timeout) {
      asked.run();
      throw new PrometheusUnavailableException("GET /-/ready timed out");
    }

    @Override
    public ReloadAck reload() {
      throw new PrometheusUnavailableException("no reload");
    }

    @Override
    public RuntimeInfo runtimeInfo() {
      throw new PrometheusUnavailableException("GET /api/v1/status/runtimeinfo timed out");
    }

    @Override
    public String loadedConfig() {
      throw new PrometheusUnavailableException("no config");
    }

    @Override
    public LoadGauges gauges() {
      return LoadGauges.NONE;
    }
  }
}
