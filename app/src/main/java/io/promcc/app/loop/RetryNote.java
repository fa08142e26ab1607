package io.promcc.app.loop;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;

/** What the line of a failed reconcile says of its retry: when, and what else brings it on. */
final class RetryNote {
  private RetryNote() {}

  /**
   * The line's end, e.g. {@code "; retrying in 640 ms (1 in a row)"}.
   *
   * @param wait until the retry; zero: now, for a change read while the run ran
   * @param failures the failures in a row
   * @param editSeen a rejected run's retry was brought forward to {@code wait} by an edit of the
   *     base config or profile read while it ran
   * @param editHeld how long from now an edit of the base config or profile cannot bring a
   *     rejected run's retry forward ({@link Schedule#EARLY_RETRY_SPACING})
   */
  static String of(Outcome outcome, Duration wait, int failures, boolean editSeen,
      Duration editHeld) {
    String inARow = " (" + failures + " in a row)";
    if (wait.isZero()) {
      return "; retrying now: the " + (outcome == Outcome.REJECTED ? "base config or profile"
          : "cluster source") + " changed meanwhile" + inARow;
    }
    String retrying = "; retrying in " + wait.toMillis() + " ms" + inARow;
    if (outcome == Outcome.SOURCE_NOT_READY) {
      return retrying + " or at the source's next change";
    }
    if (outcome != Outcome.REJECTED || (!editSeen && editHeld.compareTo(wait) >= 0)) {
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
}
