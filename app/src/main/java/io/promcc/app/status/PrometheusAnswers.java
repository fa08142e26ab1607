package io.promcc.app.status;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether Prometheus answers the probes made of it between reconciles, for readiness: it counts
 * as unavailable once {@link #FAILURES_IN_A_ROW} probes in a row got no answer, so one slow or
 * lost answer changes nothing, and the first answer after them ends it. With the controller's
 * probe every 5 s, a Prometheus whose port closed (each probe refused at once) is unavailable
 * within 15 s; one that hangs, within 3 × (5 s + the request timeout).
 *
 * <p>Not thread-safe: {@link LoopHealth} guards it.
 */
final class PrometheusAnswers {
  /** How many probes in a row must fail before Prometheus counts as unavailable. */
  static final int FAILURES_IN_A_ROW = 3;

  private Instant lastAnswerAt; // null until the first answer
  private Instant firstFailureAt; // null unless the last probe failed
  private int failuresInARow;
  private String lastProblem = "";

  void answered(Instant now) {
    lastAnswerAt = now;
    firstFailureAt = null;
    failuresInARow = 0;
    lastProblem = "";
  }

  void unanswered(Instant now, String why) {
    requireNonNull(why, "why == null");
    if (failuresInARow == 0) {
      firstFailureAt = now;
    }
    failuresInARow++;
    lastProblem = why;
  }

  /** Why Prometheus counts as unavailable at {@code now}, if it does; one line. */
  Optional<String> unavailable(Instant now) {
    if (failuresInARow < FAILURES_IN_A_ROW) {
      return Optional.empty();
    }
    return Optional.of("prometheus-unavailable: " + failuresInARow + " probes in a row got no "
        + "answer from prometheus, the first " + ago(firstFailureAt, now) + " ("
        + (lastAnswerAt == null ? "no answer yet" : "its last answer " + ago(lastAnswerAt, now))
        + "); the last: " + lastProblem);
  }

  private static String ago(Instant then, Instant now) {
    return Text.duration(Duration.between(then, now)) + " ago";
  }
}
