package io.promcc.it.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a change-to-loaded measure in a results table: the latency as the harness' poll
 * saw it and to the end of the load as Prometheus logged it, Prometheus' own reload time of the
 * same changes in the same run, and two differences per change: polled latency minus reload, and
 * logged latency minus reload (the change to the start of the load that carried it: what the
 * controller, its debounce included, adds, without the poll's own delay).
 */
final class ChangeReport {
  private ChangeReport() {}

  /**
   * Table rows {@code | measure | size | result | must |}.
   *
   * @param latencies change to job loaded, one per change, as the harness' poll saw it
   * @param logged change to the end of the load that ended it, as Prometheus logged it (the
   *     harness' and Prometheus' clocks are one machine's), in the same order
   * @param reloadTimes Prometheus' {@code totalDuration} of the load that ended each change,
   *     in the same order
   * @param multiLoad how many changes took more than one load
   */
  static List<String> lines(List<Duration> latencies, List<Duration> logged,
      List<Duration> reloadTimes, int multiLoad, String measure, String size) {
    if (latencies.size() != reloadTimes.size() || logged.size() != reloadTimes.size()) {
      throw new IllegalArgumentException(latencies.size() + " latencies, " + logged.size()
          + " logged latencies but " + reloadTimes.size() + " reload times");
    }
    return List.of(
        row(measure, size, Stats.of(latencies)),
        row("the same changes to the end of the load that carried them, as Prometheus logged "
            + "it (its line's ts; one machine's clock, no poll)", size, Stats.of(logged)),
        row("Prometheus' own reload of the same changes (totalDuration in its log; "
            + multiLoad + " changes took more than one load, the last is counted)", size,
            Stats.of(reloadTimes)),
        row("difference per change (latency minus Prometheus' reload)", size,
            Stats.of(minus(latencies, reloadTimes))),
        row("change to the start of that load (logged latency minus Prometheus' reload)",
            size, Stats.of(minus(logged, reloadTimes))));
  }

  private static List<Duration> minus(List<Duration> a, List<Duration> b) {
    List<Duration> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(a.get(i).minus(b.get(i)));
    }
    return out;
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
