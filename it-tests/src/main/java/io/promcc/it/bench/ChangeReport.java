package io.promcc.it.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a change-to-loaded measure in a results table: the controller's latency,
 * Prometheus' own reload time of the same changes in the same run, and the difference per
 * change (latency minus reload: what the controller, its debounce included, adds).
 */
final class ChangeReport {
  private ChangeReport() {}

  /**
   * Table rows {@code | measure | size | result | must |}.
   *
   * @param latencies change to job loaded, one per change
   * @param reloadTimes Prometheus' {@code totalDuration} of the load that ended each change,
   *     in the same order
   * @param multiLoad how many changes took more than one load
   */
  static List<String> lines(List<Duration> latencies, List<Duration> reloadTimes, int multiLoad,
      String measure, String size) {
    if (latencies.size() != reloadTimes.size()) {
      throw new IllegalArgumentException(latencies.size() + " latencies but "
          + reloadTimes.size() + " reload times");
    }
    List<Duration> differences = new ArrayList<>();
    for (int i = 0; i < latencies.size(); i++) {
      differences.add(latencies.get(i).minus(reloadTimes.get(i)));
    }
    return List.of(
        row(measure, size, Stats.of(latencies)),
        row("Prometheus' own reload of the same changes (totalDuration in its log; "
            + multiLoad + " changes took more than one load, the last is counted)", size,
            Stats.of(reloadTimes)),
        row("difference per change (latency minus Prometheus' reload)", size,
            Stats.of(differences)));
  }

  /** One row summarising {@code values}. */
  static String row(String measure, String size, List<Duration> values) {
    return row(measure, size, Stats.of(values));
  }

  private static String row(String measure, String size, Stats stats) {
    return "| " + measure + " | " + size + " | median " + Stats.seconds(stats.median())
        + ", p99 " + Stats.seconds(stats.p99()) + " (" + stats + ") | |";
  }
}
