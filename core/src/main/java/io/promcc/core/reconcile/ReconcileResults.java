package io.promcc.core.reconcile;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.Observation;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@link ReconcileResult} of a {@link Reconciler#reconcile()}: of a delivery, of a failure
 * while observing and of one after it (planning or delivering), and the message of a failure no
 * port declares. Keeps no state.
 */
final class ReconcileResults {
  private ReconcileResults() {}

  /**
   * The message of a failure no port declares (a source or planner breaking its contract, a
   * bug), with where it was thrown: core logs nothing, so this is all a log line will show.
   */
  static String unexpected(RuntimeException e) {
    StackTraceElement[] frames = e.getStackTrace();
    return "unexpected failure: " + e + (frames.length > 0 ? " at " + frames[0] : "");
  }

  /**
   * What a delivery of {@code desired} did, with what the planner made of each cluster: the
   * complete view, whatever the outcome; and what Prometheus said of its scrape discovery.
   */
  static ReconcileResult result(Delivered delivered, ScrapeDiscovery discovery,
      DesiredState desired, Observation observation, Observer.Observed observed,
      PhaseTimer timer) {
    ClusterStates states = ClusterStates.of(desired, observation);
    return new ReconcileResult(delivered.outcome(), delivered.message(),
        Optional.of(desired.hash()), Optional.of(desired.configHash()), delivered.written(),
        delivered.deleted(), desired.clusters(), states.degraded(), states.waiting(),
        states.rejected(), states.notAfter(), delivered.inSync(), delivered.rolledBack(),
        delivered.desiredReloadAsked(), observed.nextAttention(), timer.durations(), true,
        delivered.verifiedReloads(), discovery);
  }

  /** A failure while observing: nothing was planned. */
  static ReconcileResult failed(Outcome outcome, String message, PhaseTimer timer) {
    return new ReconcileResult(outcome, message, Optional.empty(), Optional.empty(), List.of(),
        List.of(),
        List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(), false, false,
        false, Optional.empty(), timer.durations(), false);
  }

  /**
   * A failure after observing: of planning, or of delivery; {@code desired} null if unplanned.
   * Not a complete view: it names the observation's rejections only, and the files a write
   * that failed part way had {@code written} and {@code deleted}; {@code desiredRefused} if a
   * check refused the desired state (see {@link ReconcileResult#desiredRefused()}).
   */
  static ReconcileResult failedAfterObserving(String message, DesiredState desired,
      Observation observation, Observer.Observed observed, PhaseTimer timer,
      List<String> written, List<String> deleted, boolean desiredRefused) {
    return new ReconcileResult(Outcome.FAILED, message,
        Optional.ofNullable(desired).map(DesiredState::hash),
        Optional.ofNullable(desired).map(DesiredState::configHash), written, deleted,
        List.of(), new TreeMap<>(), List.of(), observation.rejections(), new TreeMap<>(), false,
        false, false, observed.nextAttention(), timer.durations(), false, List.of(),
        ScrapeDiscovery.NOT_CHECKED, desiredRefused);
  }
}
