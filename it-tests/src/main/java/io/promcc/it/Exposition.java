package io.promcc.it;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads values from a Prometheus text-format page ({@code /metrics} of the controller or of
 * Prometheus). Thread-safe (no state).
 */
public final class Exposition {
  private static final Pattern SAMPLE_LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{.*\\})?) (\\S+)(?: -?\\d+)?$");

  private Exposition() {}

  /**
   * The value of {@code series} (name and labels written exactly as exposed, e.g.
   * {@code promcc_reloads_total{result="success"}}), if present.
   */
  public static OptionalDouble value(String page, String series) {
    for (String line : page.split("\n")) {
      Matcher m = SAMPLE_LINE.matcher(line);
      if (m.matches() && m.group(1).equals(series)) {
        return OptionalDouble.of(parse(m.group(2)));
      }
    }
    return OptionalDouble.empty();
  }

  /** The sum of every series named {@code name}, whatever its labels. */
  public static double sum(String page, String name) {
    double sum = 0;
    for (String line : page.split("\n")) {
      Matcher m = SAMPLE_LINE.matcher(line);
      if (m.matches() && (m.group(1).equals(name) || m.group(1).startsWith(name + "{"))) {
        sum += parse(m.group(2));
      }
    }
    return sum;
  }

  private static double parse(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }
}
