package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Instant;
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
}
