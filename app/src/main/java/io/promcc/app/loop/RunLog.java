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
 * What the loop's log says of each run, and, once a stop gave up waiting for a run, that what it
 * logs comes after the stop. {@link #log} on the loop's thread under its lock; {@link #late()}
 * and {@link #givenUp()} from any thread.
 */
final class RunLog {
  private static final System.Logger LOG = System.getLogger(ReconcileLoop.class.getName());
  /** How long a failure repeated as before is logged in one short line before again in full. */
  private static final Duration FULL_FAILURE_REMINDER = Duration.ofMinutes(10);
  /** How each line logged after a stop that gave up on the loop begins. */
  static final String AFTER_THE_STOP = "after the stop: ";

  private final Clock clock;
  private final ConditionLog conditionLog = new ConditionLog();
  private volatile boolean givenUp;
  private Outcome lastLoggedOutcome;
  private String lastLoggedMessage;
  private Set<Rejection> lastLoggedRejected = Set.of();
  /** When a failed run was last logged in full, or null after a success. */
  private Instant lastFullFailureLogAt;

  RunLog(Clock clock) {
    this.clock = requireNonNull(clock, "clock == null");
  }

  /** A stop gave up waiting for the loop: its lines from now on say they come after it. */
  void givenUp() {
    givenUp = true;
  }

  /** What a line of the loop begins with: {@link #AFTER_THE_STOP} once given up, else nothing. */
  String late() {
    return givenUp ? AFTER_THE_STOP : "";
  }

  /**
   * Logs what a run did: always when it wrote, reloaded or failed, and when something is left
   * out that was not before (a rejected Service changes no config, but must be named); a quiet
   * resync is silent. A run the stop interrupted is named so, at INFO: its failure is the stop
   * itself (each file the store touched is whole, the rest keep their old contents).
   *
   * @param retry when the run is retried, for a failure's line ("" for none)
   */
  void log(ReconcileResult result, String retry, boolean interrupted) {
    String late = late();
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
