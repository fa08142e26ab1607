package io.promcc.it.bench;

import io.promcc.it.LogFile;
import io.promcc.it.PrometheusServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus' own reload times, read from its log: the {@code totalDuration} of each line
 * "Completed loading of configuration file" (a Go duration such as {@code 412.5ms} or
 * {@code 1.02s}), in the order they were logged. Prometheus measures it from the start of the
 * load to its end, so it is what a controller's change-to-loaded latency is compared with.
 */
final class ReloadTimes {
  private static final Pattern TOTAL = Pattern.compile("totalDuration=(\\S+)");
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|μs|ms|s|m|h)");

  private ReloadTimes() {}

  /** Every completed load's {@code totalDuration} so far (the first load at start included). */
  static List<Duration> of(LogFile log) {
    List<Duration> times = new ArrayList<>();
    for (String line : log.lines()) {
      if (PrometheusServer.CONFIG_LOADED.matcher(line).find()) {
        Matcher m = TOTAL.matcher(line);
        if (m.find()) {
          times.add(goDuration(m.group(1)));
        }
      }
    }
    return times;
  }

  /** The last completed load after the first {@code skip}, if there is one. */
  static Optional<Duration> lastAfter(LogFile log, int skip) {
    List<Duration> times = of(log);
    return times.size() > skip ? Optional.of(times.get(times.size() - 1)) : Optional.empty();
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
