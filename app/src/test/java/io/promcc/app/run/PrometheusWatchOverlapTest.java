package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.app.settings.PrometheusProbe;
import io.promcc.app.status.LoopHealth;
import io.promcc.app.status.PrometheusProbeMetrics;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A probe a reconcile's reload overlapped is no verdict on Prometheus, for the answers told to
 * the loop as for readiness: the load may have held its answer, and the reconcile tells how it
 * ended. An answer after it is no answer after none, so a run that found Prometheus unavailable
 * for a reload past its timeout keeps its backoff.
 */
class PrometheusWatchOverlapTest {
  private static final Duration PERIOD = PrometheusProbe.DEFAULTS.period();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
  private final LoopHealth health = new LoopHealth(clock, LoopHealth.Bounds.DEFAULTS);
  private final PrometheusProbeMetrics metrics =
      new PrometheusProbeMetrics(new PrometheusRegistry(), health);
  /** Whether the next ask is answered. */
  private boolean answers = true;
  /** Runs as each ask begins. */
  private Runnable asked = () -> { };
  private int told;
  private final PrometheusWatch watch = new PrometheusWatch(
      new ScriptedReadiness(() -> asked.run(), () -> answers), health, PERIOD,
      metrics, PrometheusWatch.Pause.SYSTEM, () -> told++);

  private static ReconcileResult unavailable() {
    return new ReconcileResult(Outcome.PROMETHEUS_UNAVAILABLE, "reload timed out",
        Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), new TreeMap<>(),
        List.of(), List.of(), new TreeMap<>(), false, false, true, Optional.empty(),
        new TreeMap<>());
  }

  private void probe() {
    clock.advance(PERIOD);
    watch.probeOnce();
  }

  @Test
  void anAnswerAfterAProbeAReloadOverlappedIsNoAnswerAfterNone() {
    health.sourcesSynced();
    probe();
    assertEquals(1, told, "the first answer");

    // a reconcile asks a reload while a probe waits for its answer, which does not come in time
    answers = false;
    asked = () -> {
      health.reconcileStarted();
      health.reloadAsked();
    };
    probe();
    health.reconcileFinished(unavailable()); // the load went past --reload-timeout
    answers = true;
    asked = () -> { };
    probe();
    assertEquals(1, told, "an answer after a probe a reload overlapped was told as one after "
        + "none");

    // a probe without an answer outside a reload is one
    answers = false;
    probe();
    answers = true;
    probe();
    assertEquals(2, told, "an answer after a probe without one");
  }
}
