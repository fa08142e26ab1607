package io.promcc.core.model;

/** Quotes values for error messages so that control characters and long input stay readable. */
public final class Quoting {
  private static final int MAX_SHOWN = 120;

  private Quoting() {}

  /**
   * Returns {@code value} in double quotes, with quotes, backslashes and control characters
   * escaped and anything past 120 characters elided; {@code null} becomes {@code <null>}.
   */
  public static String quote(String value) {
    if (value == null) {
      return "<null>";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_SHOWN) + 8).append('"');
    int shown = 0;
    for (int i = 0; i < value.length(); i++) {
      if (shown++ == MAX_SHOWN) {
        out.append("...(").append(value.length()).append(" chars)");
        break;
      }
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
