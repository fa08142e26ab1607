package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.status.HealthReport;
import io.promcc.app.status.LoopHealth;
import io.promcc.core.port.FakePrometheusControl;
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
}
