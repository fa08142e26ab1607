package io.promcc.core.model;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Prometheus' rules for label names, as the model checks the names of cluster labels and of the
 * settings' labels: a caller may check a name with them before it builds a {@link GuestCluster}
 * or {@link ControllerSettings}, whose constructors would refuse it. Stateless and thread-safe.
 */
public final class LabelNames {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private LabelNames() {}

  /** True if {@code name} is a legal Prometheus label name that is not reserved ({@code __*}). */
  public static boolean isValidTargetLabel(String name) {
    return name != null && NAME.matcher(name).matches() && !name.startsWith("__");
  }

  /** True if {@code name} is a legal Prometheus label name, reserved ones included. */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Why a label set on every target must not be named {@code name}, a valid name: {@code le} and
   * {@code quantile} are labels of every histogram bucket and summary quantile scraped, and with
   * {@code honor_labels: false} Prometheus keeps the target's value and renames the series' own
   * {@code exported_le} or {@code exported_quantile}. Empty for any other name.
   *
   * @return a lower-case phrase that follows the label's name, e.g. {@code collides with ...}
   */
  public static Optional<String> seriesLabelProblem(String name) {
    String series;
    String consequence;
    if ("le".equals(name)) {
      series = "histogram bucket";
      consequence = "histogram_quantile would find no buckets";
    } else if ("quantile".equals(name)) {
      series = "summary quantile";
      consequence = "queries by quantile would find no series";
    } else {
      return Optional.empty();
    }
    return Optional.of("collides with the label of every scraped " + series + ", which "
        + "Prometheus would rename " + Quoting.quote("exported_" + name) + " (" + consequence
        + ")");
  }

  /**
   * Returns {@code name} if it is a usable target label ({@link #isValidTargetLabel}).
   *
   * @param owner what the name is for, named in the exception, e.g. {@code cluster id label}
   * @throws InvalidValueException naming {@code owner} if {@code name} is not a usable target label
   */
  public static String requireTargetLabel(String name, String owner) {
    if (!isValidTargetLabel(name)) {
      throw new InvalidValueException(owner, name,
          "must match [a-zA-Z_][a-zA-Z0-9_]* and not start with \"__\"");
    }
    return name;
  }
}
