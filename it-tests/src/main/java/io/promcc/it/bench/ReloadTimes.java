package io.promcc.it.bench;

import io.promcc.it.LogFile;
import io.promcc.it.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus' own reload times, read from its log: each line "Completed loading of
 * configuration file" gives when the load ended ({@code ts}, Prometheus' clock) and its
 * {@code totalDuration} (a Go duration such as {@code 412.5ms} or {@code 1.02s}), in the order
 * they were logged. Prometheus measures the duration from the start of the load to its end, so
 * it is what a controller's change-to-loaded latency is compared with; the end is when
 * Prometheus has the new config, whoever asks for it later.
 */
final class ReloadTimes {
  private static final Pattern TS = Pattern.compile("(?:^|\\s)ts=(\\S+)");
  private static final Pattern TOTAL = Pattern.compile("totalDuration=(\\S+)");
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|μs|ms|s|m|h)");

  /**
   * One completed load.
   *
   * @param end when it ended, as Prometheus logged it (to its log's precision, a millisecond)
   * @param took its {@code totalDuration}
   */
  record Load(Instant end, Duration took) {}

  private ReloadTimes() {}

  /** Every completed load so far (the first load at start included). */
  static List<Load> of(LogFile log) {
    List<Load> loads = new ArrayList<>();
    for (String line : log.lines()) {
      if (PrometheusServer.CONFIG_LOADED.matcher(line).find()) {
        Matcher ts = TS.matcher(line);
        Matcher total = TOTAL.matcher(line);
        if (ts.find() && total.find()) {
          loads.add(new Load(Instant.parse(ts.group(1)), goDuration(total.group(1))));
        }
      }
    }
    return loads;
  }

  /** The last completed load after the first {@code skip}, if there is one. */
  static Optional<Load> lastAfter(LogFile log, int skip) {
    List<Load> loads = of(log);
    return loads.size() > skip ? Optional.of(loads.get(loads.size() - 1)) : Optional.empty();
  }

  /**
   * A Go {@code time.Duration} as printed ({@code 1h2m3.5s}, {@code 12.3ms}, {@code 950µs},
   * {@code 0s}).
   *
   * @throws IllegalArgumentException if it is not one
   */
  static Duration goDuration(String text) {
    String rest = text.startsWith("\"") && text.endsWith("\"") && text.length() > 1
        ? text.substring(1, text.length() - 1) : text;
    Matcher m = PART.matcher(rest);
    double nanos = 0;
    int at = 0;
    while (m.find() && m.start() == at) {
      double value = Double.parseDouble(m.group(1));
      nanos += value * switch (m.group(2)) {
        case "ns" -> 1;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        case "h" -> 3600e9;
        default -> 1e3; // us, µs (micro sign), μs (Greek mu)
      };
      at = m.end();
    }
    if (at == 0 || at != rest.length()) {
      throw new IllegalArgumentException("not a Go duration: \"" + text + "\"");
    }
    return Duration.ofNanos(Math.round(nanos));
  }
}
