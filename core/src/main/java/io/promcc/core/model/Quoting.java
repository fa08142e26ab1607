package io.promcc.core.model;

/** Quotes values for error messages so that control characters and long input stay readable. */
public final class Quoting {
  private static final int MAX_SHOWN = 120;

  private Quoting() {}

  /**
   * Returns {@code value} in double quotes, with quotes, backslashes, control characters, line
   * and paragraph separators and lone surrogates escaped and anything past 120 characters
   * elided (never half a surrogate pair); {@code null} becomes {@code <null>}.
   */
  public static String quote(String value) {
    if (value == null) {
      return "<null>";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_SHOWN) + 8).append('"');
    int shown = 0;
    for (int i = 0; i < value.length(); i++) {
      if (shown++ == MAX_SHOWN) {
        if (Character.isHighSurrogate(out.charAt(out.length() - 1))) {
          out.setLength(out.length() - 1);
        }
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
          // U+2028/U+2029 end a line in many log viewers, and a lone surrogate cannot be encoded
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
              || Character.isSurrogate(c) && !isPairAt(value, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static boolean isPairAt(String value, int i) {
    char c = value.charAt(i);
    return Character.isHighSurrogate(c)
        ? i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))
        : i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
  }
}
