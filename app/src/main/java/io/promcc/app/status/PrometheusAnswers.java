package io.promcc.app.status;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether Prometheus answers the probes made of it between reconciles, for readiness: it counts
 * as unavailable once {@link LoopHealth.Bounds#prometheusFailures()} probes in a row got no
 * answer (3 by default, so one slow or lost answer changes nothing), and the first answer after
 * them ends it. With the defaults (a probe every 5 s, {@code --prometheus-probe-period}, and 3
 * failures), a Prometheus whose port closed (each probe refused at once) is unavailable within
 * 15 s; one that hangs, within 3 × (5 s + the request timeout).
 *
 * <p>Not thread-safe: {@link LoopHealth} guards it.
 */
final class PrometheusAnswers {
  private final int failuresForUnavailable;
  private Instant lastAnswerAt; // null until the first answer
  private Instant firstFailureAt; // null unless the last probe failed
  private int failuresInARow;
  private String lastProblem = "";

  /** @param failuresForUnavailable how many probes in a row must fail; at least 1 */
  PrometheusAnswers(int failuresForUnavailable) {
    this.failuresForUnavailable = failuresForUnavailable;
  }

  /** How many probes in a row got no answer since the last answer. */
  int failuresInARow() {
    return failuresInARow;
  }

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
    if (failuresInARow < failuresForUnavailable) {
      return Optional.empty();
    }
    return Optional.of("prometheus-unavailable: " + failuresInARow
        + (failuresInARow == 1 ? " probe" : " probes") + " in a row got no answer from "
        + "prometheus, the first " + ago(firstFailureAt, now) + " ("
        + (lastAnswerAt == null ? "no answer yet" : "its last answer " + ago(lastAnswerAt, now))
        + "); the last: " + lastProblem);
  }

  private static String ago(Instant then, Instant now) {
    return Text.duration(Duration.between(then, now)) + " ago";
  }
}
