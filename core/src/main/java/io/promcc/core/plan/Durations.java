package io.promcc.core.plan;

import java.util.regex.Pattern;

/** Prometheus' duration syntax, e.g. {@code 1m30s}, {@code 500ms}, {@code 0}. */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile(
      "(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?|0");

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
    return text != null && !text.isEmpty() && DURATION.matcher(text).matches()
        && millisOrNegative(text) >= 0;
  }

  /** Milliseconds of a valid duration. */
  static long toMillis(String text) {
    long millis = DURATION.matcher(text).matches() ? millisOrNegative(text) : -1;
    if (millis < 0) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    return millis;
  }

  /** The milliseconds of a duration in the syntax, or -1 past Prometheus' range. */
  private static long millisOrNegative(String text) {
    var matcher = DURATION.matcher(text);
    matcher.matches();
    long[] unitMillis = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};
    long total = 0;
    for (int unit = 0; unit < unitMillis.length; unit++) {
      String digits = matcher.group(2 + 2 * unit);
      if (digits != null) {
        // as Prometheus' model.ParseDuration: out of range, not wrapped around. No count of
        // more than 13 digits (leading zeros aside) fits MAX_MILLIS in any unit
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 13
            || Long.parseLong(significant) > MAX_MILLIS / unitMillis[unit]) {
          return -1;
        }
        long value = Long.parseLong(significant);
        total += value * unitMillis[unit];
        if (total > MAX_MILLIS) {
          return -1;
        }
      }
    }
    return total;
  }
}
