package io.promcc.app.loop;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * What the loop's log says of each run, and, once a stop that gave up waiting for a run has
 * logged its last line, that what it logs comes after the stop: each line is decided and logged
 * under the {@link StopEnd}'s lock, as is whether a run is going on, which the stop's last line
 * names. {@link #log} on the loop's thread under its lock; the others from any thread.
 */
final class RunLog {
  private static final System.Logger LOG = System.getLogger(ReconcileLoop.class.getName());
  /** How long a failure repeated as before is logged in one short line before again in full. */
  private static final Duration FULL_FAILURE_REMINDER = Duration.ofMinutes(10);
  private final Clock clock;
  private final StopEnd stopEnd;
  private final ConditionLog conditionLog = new ConditionLog();
  private boolean running; // a run began and its end was not logged; guarded by stopEnd
  private Outcome lastLoggedOutcome;
  private String lastLoggedMessage;
  private Set<Rejection> lastLoggedRejected = Set.of();
  /** When a failed run was last logged in full, or null after a success. */
  private Instant lastFullFailureLogAt;

  RunLog(Clock clock, StopEnd stopEnd) {
    this.clock = requireNonNull(clock, "clock == null");
    this.stopEnd = requireNonNull(stopEnd, "stopEnd == null");
  }

  /** A run begins: it is going on until its end is logged ({@link #log}, {@link #ended}). */
  void began() {
    synchronized (stopEnd) {
      running = true;
    }
  }

  /** Whether a run is going on: one began, and its end was not logged. */
  boolean running() {
    synchronized (stopEnd) {
      return running;
    }
  }

  /** Logs what a run threw that it should not have (it goes on as a failed run). */
  void failedUnexpectedly(RuntimeException e) {
    synchronized (stopEnd) {
      LOG.log(Level.ERROR, stopEnd.late() + "reconcile failed unexpectedly", e);
    }
  }

  /**
   * Logs the end of the loop by {@code e}, in one line (the thread that rethrows it prints its
   * stack trace): a run going on ends with it.
   */
  void ended(Throwable e) {
    synchronized (stopEnd) {
      running = false;
      LOG.log(Level.ERROR, stopEnd.late() + "the reconcile loop ended: {0}", e.toString());
    }
  }

  /**
   * Logs what a run did: always when it wrote, reloaded or failed, and when something is left
   * out that was not before (a rejected Service changes no config, but must be named); a quiet
   * resync is silent. A run the stop interrupted is named so, at INFO: its failure is the stop
   * itself (each file the store touched is whole, the rest keep their old contents). The run
   * ends with it: its lines and its end are on one side of a stop's last line.
   *
   * @param retry when the run is retried, for a failure's line ("" for none)
   */
  void log(ReconcileResult result, String retry, boolean interrupted) {
    synchronized (stopEnd) { // its end: every line of it on one side of the stop's last line
      running = false;
      logLines(result, retry, interrupted, stopEnd.late());
    }
  }

  private void logLines(ReconcileResult result, String retry, boolean interrupted, String late) {
    boolean news = result.outcome() != lastLoggedOutcome
        || !RepeatedFailure.same(result.message(), lastLoggedMessage);
    lastLoggedOutcome = result.outcome();
    lastLoggedMessage = result.message();
    Set<Rejection> before = lastLoggedRejected;
    lastLoggedRejected = new HashSet<>(result.rejected());
    boolean newlyLeftOut = !before.containsAll(lastLoggedRejected);
    // a certificate request the stop ended is no condition; the rest the run found is
    conditionLog.log(result, interrupted, late);
    if (result.outcome() == Outcome.UNCHANGED && !news && !newlyLeftOut) {
      return;
    }
    if (interrupted && !result.success()) {
      LOG.log(Level.INFO, late + "reconcile interrupted by the stop: " + result);
      return;
    }
    if (result.success()) {
      lastFullFailureLogAt = null;
      LOG.log(Level.INFO, late + "reconcile " + result);
    } else if (!news && !newlyLeftOut && result.written().isEmpty()
        && result.deleted().isEmpty() && lastFullFailureLogAt != null
        && clock.instant().isBefore(lastFullFailureLogAt.plus(FULL_FAILURE_REMINDER))) {
      // the message (Prometheus' refusal can take many lines) was just logged in full
      LOG.log(Level.WARNING, late + "reconcile " + result.outcome().label() + " as before"
          + retry);
      return;
    } else {
      lastFullFailureLogAt = clock.instant();
      LOG.log(Level.WARNING, late + "reconcile " + result + retry);
    }
    result.rejected().forEach(r -> {
      if (news || !before.contains(r)) {
        LOG.log(Level.WARNING, late + "left out: " + r);
      }
    });
  }
}
