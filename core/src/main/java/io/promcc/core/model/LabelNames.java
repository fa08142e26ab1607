package io.promcc.core.model;

import java.util.regex.Pattern;

/** Prometheus' rules for label names. */
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
