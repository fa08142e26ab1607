package io.promcc.core.model;

import java.nio.charset.StandardCharsets;

/**
 * Cuts text to a length between characters, never inside one: half of a surrogate pair (an
 * emoji) is written out as "?" by UTF-8 encoders, and the first bytes of a UTF-8 sequence decode
 * to U+FFFD. For log lines, error messages and Kubernetes Events that quote text of any length.
 * Stateless and thread-safe.
 */
public final class TextCut {
  private TextCut() {}

  /**
   * The first {@code maxChars} characters of {@code text}, or one fewer where the cut would fall
   * between the two halves of a surrogate pair (the pair is left out whole); {@code text} itself
   * if it is not longer.
   *
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException if {@code maxChars} is negative
   */
  public static String cut(String text, int maxChars) {
    if (maxChars < 0) {
      throw new IllegalArgumentException("maxChars must not be negative, found " + maxChars);
    }
    if (text.length() <= maxChars) {
      return text;
    }
    int end = maxChars > 0 && Character.isHighSurrogate(text.charAt(maxChars - 1))
        && Character.isLowSurrogate(text.charAt(maxChars)) ? maxChars - 1 : maxChars;
    return text.substring(0, end);
  }

  /**
   * {@code bytes}, the first bytes of some UTF-8 text cut at a byte limit, decoded without the
   * last character if the cut left it incomplete. Any other malformed input decodes to U+FFFD.
   *
   * @throws NullPointerException if {@code bytes} is null
   */
  public static String decodeUtf8Prefix(byte[] bytes) {
    int start = bytes.length;
    // back over the continuation bytes (10xxxxxx) of the last character, at most three
    while (start > 0 && bytes.length - start < 3 && (bytes[start - 1] & 0xC0) == 0x80) {
      start--;
    }
    int end = bytes.length;
    if (start > 0) {
      int lead = bytes[start - 1] & 0xFF;
      int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      if (bytes.length - (start - 1) < length) {
        end = start - 1;
      }
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }
}
