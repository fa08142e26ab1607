package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.status.LoopHealth;
import io.promcc.core.port.FakePrometheusControl;
import io.promcc.core.port.PrometheusControl;
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

/** The reconciler's control tells readiness of each reload, which holds Prometheus' answers. */
class ReloadsToldTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
  private final LoopHealth health = new LoopHealth(clock, LoopHealth.Bounds.DEFAULTS);
  private final FakePrometheusControl prometheus =
      new FakePrometheusControl(clock, TreeMap::new);
  private final PrometheusControl reconcilers =
      ControllerModule.reconcilersControl(Optional.of(prometheus), health).orElseThrow();

  private static ReconcileResult failed() {
    return new ReconcileResult(Outcome.PROMETHEUS_UNAVAILABLE, "", Optional.of("state"),
        Optional.of("config"), List.of(), List.of(), List.of(), new TreeMap<>(), List.of(),
        List.of(), new TreeMap<>(), false, false, true, Optional.empty(), Map.of(), true,
        List.of(), ScrapeDiscovery.NOT_CHECKED);
  }

  @Test
  void aReloadOfTheReconcilersControlPausesTheProbesUntilTheReconcileEnds() {
    health.reconcileStarted();
    assertTrue(health.prometheusProbeStarts().isPresent(), "before the reload");

    reconcilers.reload();

    assertEquals(1, prometheus.reloads());
    assertTrue(health.prometheusProbeStarts().isEmpty(), "while the reload is in flight");
    health.reconcileFinished(failed());
    assertTrue(health.prometheusProbeStarts().isPresent(), "once the reconcile ended");
  }

  @Test
  void everyOtherCallIsTheDelegatesAndTellsNothing() {
    health.reconcileStarted();

    assertEquals(prometheus.lastLoadInstant(), reconcilers.gauges().lastLoadInstant());
    assertEquals(prometheus.runtimeInfo(), reconcilers.runtimeInfo());
    assertEquals(prometheus.failedScrapeDiscoveryConfigs(),
        reconcilers.gauges().failedScrapeDiscoveryConfigs());
    assertEquals(prometheus.loadedConfig(), reconcilers.loadedConfig());
    reconcilers.awaitReady(Duration.ZERO);

    assertFalse(health.prometheusProbeStarts().isEmpty(), "no reload: the probes go on");
    assertTrue(ControllerModule.reconcilersControl(Optional.empty(), health).isEmpty());
  }
}
