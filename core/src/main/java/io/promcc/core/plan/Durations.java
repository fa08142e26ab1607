package io.promcc.core.plan;

import java.util.regex.Pattern;

/** Prometheus' duration syntax, e.g. {@code 1m30s}, {@code 500ms}, {@code 0}. */
public final class Durations {
  private static final Pattern DURATION = Pattern.compile(
      "(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?|0");

  private Durations() {}

  /** The duration {@code text} names, or empty if it is not in Prometheus' syntax. */
  public static java.util.Optional<java.time.Duration> parse(String text) {
    return isValid(text) ? java.util.Optional.of(java.time.Duration.ofMillis(toMillis(text)))
        : java.util.Optional.empty();
  }

  static boolean isValid(String text) {
    return text != null && !text.isEmpty() && DURATION.matcher(text).matches();
  }

  /** Milliseconds of a valid duration. */
  static long toMillis(String text) {
    var matcher = DURATION.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    long[] unitMillis = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};
    long total = 0;
    for (int unit = 0; unit < unitMillis.length; unit++) {
      String digits = matcher.group(2 + 2 * unit);
      if (digits != null) {
        total += Long.parseLong(digits) * unitMillis[unit];
      }
    }
    return total;
  }
}
