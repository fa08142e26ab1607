package io.promcc.core.model;

/** Checks on free text that ends up in label values and log lines. */
public final class Text {
  /** Longest label value or provider name accepted. */
  public static final int MAX_VALUE_LENGTH = 1024;

  private Text() {}

  /**
   * Returns {@code value} if it is non-empty, at most 1024 characters and free of control
   * characters; label values reach metrics, logs and YAML, where a newline would be a surprise.
   *
   * @throws InvalidValueException naming {@code owner} otherwise
   */
  public static String requirePrintable(String value, String owner) {
    if (value == null || value.isEmpty()) {
      throw new InvalidValueException(owner, value, "must not be empty");
    }
    if (value.length() > MAX_VALUE_LENGTH) {
      throw new InvalidValueException(owner, value,
          "must be at most " + MAX_VALUE_LENGTH + " characters long");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        throw new InvalidValueException(owner, value, "must not contain control characters");
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidValueException(owner, value, "must be valid unicode text");
      }
    }
    return value;
  }
}
