package io.promcc.core.plan;

import java.util.regex.Pattern;

/** Prometheus' duration syntax, e.g. {@code 1m30s}, {@code 500ms}, {@code 0}. */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile(
      "(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?|0");

  /**
   * Prometheus' words for a duration written {@code Null} or {@code NULL}, which its YAML hands
   * the duration as the empty text ({@code ~} is none).
   */
  static final String EMPTY = "empty duration string";

  /** Prometheus' longest duration: {@code int64} nanoseconds, in milliseconds. */
  static final long MAX_MILLIS = Long.MAX_VALUE / 1_000_000;

  private Durations() {}

  /** The duration {@code text} names, or empty if it is not in Prometheus' syntax. */
  public static java.util.Optional<java.time.Duration> parse(String text) {
    return isValid(text) ? java.util.Optional.of(java.time.Duration.ofMillis(toMillis(text)))
        : java.util.Optional.empty();
  }

  /** In the syntax, and in Prometheus' range: at most {@link #MAX_MILLIS} (about 292 years). */
  static boolean isValid(String text) {
    return text != null && !text.isEmpty() && millisOrNegative(text) >= 0;
  }

  /** Whether {@code text} is a valid duration of 0, which Prometheus reads as none set. */
  static boolean isZero(String text) {
    return text != null && !text.isEmpty() && millisOrNegative(text) == 0;
  }

  /** Milliseconds of a valid duration. */
  static long toMillis(String text) {
    long millis = millisOrNegative(text);
    if (millis < 0) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    return millis;
  }

  /** The milliseconds of {@code text}, or -1 if it is not in the syntax or past the range. */
  private static long millisOrNegative(String text) {
    var matcher = DURATION.matcher(text);
    if (!matcher.matches()) {
      return -1;
    }
    long[] unitMillis =
        {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};
    long total = 0;
    for (int unit = 0; unit < unitMillis.length; unit++) {
      String digits = matcher.group(2 + 2 * unit);
      if (digits != null) {
        // as Prometheus' model.ParseDuration: out of range, not wrapped around. No count of
        // more than 13 significant digits fits MAX_MILLIS in any unit
        int first = 0;
        while (first < digits.length() - 1 && digits.charAt(first) == '0') {
          first++;
        }
        if (digits.length() - first > 13) {
          return -1;
        }
        long value = Long.parseLong(digits, first, digits.length(), 10);
        if (value > MAX_MILLIS / unitMillis[unit]) {
          return -1;
        }
        total += value * unitMillis[unit];
        if (total > MAX_MILLIS) {
          return -1;
        }
      }
    }
    return total;
  }
}
