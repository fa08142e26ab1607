package io.promcc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What every harness reports: medians of repeated measurements, durations in readable units, and
 * the host's load (numbers from a busy machine must say so). Stateless and thread-safe.
 */
final class Stats {
  private Stats() {}

  /**
   * The median; for an even count the lower of the two middle values (a real measurement, never
   * an average of two).
   *
   * @throws IllegalArgumentException if there are no values
   */
  static long median(Collection<Long> values) {
    return percentile(values, 50); // the nearest rank of 50 is that lower middle
  }

  /**
   * The nearest-rank percentile {@code p} (1 to 100): the smallest value at or above which
   * {@code p} percent of the values lie; a real measurement.
   *
   * @throws IllegalArgumentException if there are no values
   */
  static long percentile(Collection<Long> values, int p) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted[Math.max(1, (int) Math.ceil(p / 100.0 * sorted.length)) - 1];
  }

  /** The largest value. */
  static long max(Collection<Long> values) {
    return values.stream().mapToLong(Long::longValue).max()
        .orElseThrow(() -> new IllegalArgumentException("no values"));
  }

  /** Nanoseconds as milliseconds with one decimal, e.g. {@code 12.3 ms}. */
  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  /** Nanoseconds as seconds with two decimals, e.g. {@code 1.23 s}. */
  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  /** Nanoseconds as microseconds with one decimal, e.g. {@code 12.3 µs}. */
  static String micros(long nanos) {
    return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
  }

  /** Each value in milliseconds, rounded: {@code [12, 9, 15]}. */
  static String rawMillis(List<Long> nanos) {
    return nanos.stream().map(x -> String.format(Locale.ROOT, "%.0f", x / 1e6)).toList()
        .toString();
  }

  /** {@code a / b} as {@code 0.0360 (1/27.8)}. */
  static String ratio(long a, long b) {
    double ratio = (double) a / b;
    return String.format(Locale.ROOT, "%.4f (1/%.1f)", ratio, 1 / ratio);
  }

  /** The first three fields of {@code /proc/loadavg}, or {@code unknown}. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
          .strip().split(" ");
      return String.join(" ", List.of(fields).subList(0, Math.min(3, fields.length)));
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Cores and load, for the first and last line of every harness' output. */
  static String machine() {
    return Runtime.getRuntime().availableProcessors() + " cores, load average " + loadAverage()
        + ", Java " + System.getProperty("java.version");
  }
}
