package io.promcc.app.loop;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;

/**
 * What the loop's lines say of the retry of a failed reconcile: when, and what else brings it
 * on. Stateless.
 */
final class RetryNote {
  private RetryNote() {}

  /**
   * The line's end, e.g. {@code "; retrying in 640 ms (1 in a row)"}.
   *
   * @param desiredRefused a check refused the desired state of a {@code failed} run, whose
   *     backoff an edit of the base config or profile ends as a {@code rejected} run's
   * @param wait until the retry; zero: now, for a change read while the run ran
   * @param failures the failures in a row
   * @param editSeen a rejected run's retry was brought forward to {@code wait} by an edit of the
   *     base config or profile read while it ran
   * @param editHeld how long from now an edit of the base config or profile cannot bring a
   *     rejected run's retry forward ({@link Schedule#EARLY_RETRY_SPACING})
   */
  static String of(Outcome outcome, boolean desiredRefused, Duration wait, int failures,
      boolean editSeen, Duration editHeld) {
    String inARow = " (" + failures + " in a row)";
    boolean editEnds = outcome == Outcome.REJECTED || desiredRefused;
    if (wait.isZero()) {
      String meanwhile = editEnds ? "the base config or profile changed" : switch (outcome) {
        case PROMETHEUS_UNAVAILABLE -> "prometheus answered again";
        default -> "the cluster source changed";
      };
      return "; retrying now: " + meanwhile + " meanwhile" + inARow;
    }
    String retrying = "; retrying in " + wait.toMillis() + " ms" + inARow;
    if (outcome == Outcome.SOURCE_NOT_READY) {
      return retrying + " or at the source's next change";
    }
    if (outcome == Outcome.PROMETHEUS_UNAVAILABLE) {
      return retrying + " or when prometheus answers again";
    }
    if (!editEnds || (!editSeen && editHeld.compareTo(wait) >= 0)) {
      return retrying;
    }
    String spacing = "an edit brings a retry forward once per "
        + Schedule.EARLY_RETRY_SPACING.toSeconds() + " s";
    if (editSeen) {
      return retrying + ": the base config or profile changed meanwhile, and " + spacing;
    }
    if (editHeld.isZero()) {
      return retrying + " or at the next edit of the base config or profile";
    }
    return retrying + " or at an edit of the base config or profile from " + editHeld.toMillis()
        + " ms on (" + spacing + ")";
  }

  /**
   * The line of a probe's answer that ended the backoff of a {@code prometheus-unavailable}
   * run, {@code left} before its end.
   */
  static String answeredAgain(Duration left, int failures) {
    return "prometheus answers again: retrying the reconcile that found it unavailable now, "
        + left.toMillis() + " ms before the end of its backoff (" + failures + " in a row)";
  }
}
