package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * promcc_reloads_total counts "reloads of Prometheus asked for by a reconcile" (docs/metrics.md),
 * here over the real reconciler.
 */
class ReloadsCountedTest {
  @Test
  void aFirstStartWithPrometheusDownCountsNoReload() {
    ReconcilerRig rig = new ReconcilerRig().with("a");
    ControllerMetrics metrics = new ControllerMetrics("1.2.3");
    rig.prometheus.setUp(false); // starting: nothing verified yet, nothing answers

    ReconcileResult result = rig.reconcile();
    metrics.reconciled(result, Instant.parse("2026-11-25T12:00:01Z"));

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome());
    assertEquals(0, rig.prometheus.reloads(), "no reload was sent");
    assertEquals(0, Exposition.of(metrics.registry())
        .value("promcc_reloads_total{result=\"unavailable\"}"),
        "a reload counted that was never asked for: " + result.message());
  }

  /**
   * A rule file broken by someone else: the new config is refused, the rollback's reload of the
   * verified config too, and later reloads of the verified config while the config waits count
   * in promcc_verified_reloads_total, one per reload made.
   */
  @Test
  void reloadsOfTheVerifiedConfigWhileAConfigWaitsCountOncePerReload() {
    ReconcilerRig rig = new ReconcilerRig().with("a");
    ControllerMetrics metrics = new ControllerMetrics("1.2.3");
    boolean[] broken = {false};
    rig.prometheus.failApplyingWhen(files -> broken[0] ? Optional.of("failed to reload "
        + "config: one or more errors occurred while applying the new configuration")
        : Optional.empty());
    metrics.reconciled(rig.reconcile(), rig.clock.instant());
    broken[0] = true;
    rig.with("b");

    List<ReconcileResult> results = new ArrayList<>();
    for (int i = 0; i < 6; i++) { // refused, then waits: 6 minutes
      results.add(rig.reconcile());
      metrics.reconciled(results.get(i), rig.clock.instant());
      rig.clock.advance(Duration.ofMinutes(1));
    }
    Exposition e = Exposition.of(metrics.registry());

    assertEquals(4, rig.prometheus.reloads(), "a's, b's, the rollback's, one after 5 minutes: "
        + results);
    assertEquals(2, e.value("promcc_verified_reloads_total{result=\"rejected\"}"),
        results.toString());
    assertEquals(1, e.value("promcc_reloads_total{result=\"rejected\"}"), "b's config");
  }
}
