package io.promcc.prometheus;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A line of a Prometheus config that names a TLS file: {@code ca_file}, {@code cert_file} or
 * {@code key_file} with its value plain, single- or double-quoted, after an optional list dash,
 * before an optional comment. It reads exactly the lines {@link #PATTERN} matches, with the
 * same key and value, by hand: at 10,000 clusters a merged config has 270,000 such lines and the
 * pattern's backtracking matcher was most of the check of a changed config.
 */
final class FileReferenceLine {
  /** What a file reference line is; the parser must agree with it on every line. */
  static final Pattern PATTERN = Pattern.compile(
      "\\s*(?:-\\s+)?(ca_file|cert_file|key_file):\\s*"
          + "(?:\"([^\"]*)\"|'([^']*)'|(\\S+))\\s*(?:#.*)?");
  /** The keys, by index. */
  static final List<String> KEYS = List.of("ca_file", "cert_file", "key_file");

  /**
   * A line's reference.
   *
   * @param key an index into {@link #KEYS}
   * @param valueStart where the value starts in the text (after an opening quote)
   * @param valueEnd where it ends (before a closing quote)
   */
  record Reference(int key, int valueStart, int valueEnd) {}

  private FileReferenceLine() {}

  /**
   * The reference on the line {@code text[start, end)}, or null if {@link #PATTERN} does not
   * match the whole line.
   */
  static Reference parse(String text, int start, int end) {
    int i = skipSpaces(text, start, end);
    if (i < end && text.charAt(i) == '-') {
      int afterDash = skipSpaces(text, i + 1, end);
      if (afterDash == i + 1) {
        return null; // a dash must be followed by a space, and no key starts with one
      }
      i = afterDash;
    }
    int key = keyAt(text, i, end);
    if (key < 0) {
      return null;
    }
    int v = skipSpaces(text, i + KEYS.get(key).length() + 1, end);
    if (v == end) {
      return null;
    }
    // the pattern's alternatives in its order; when a quoted value is not followed by the end
    // of the line or a comment, the whole quoted text may still be a plain value
    char first = text.charAt(v);
    if (first == '"' || first == '\'') {
      int close = indexOf(text, first, v + 1, end);
      if (close >= 0 && restIsBlankOrComment(text, close + 1, end)) {
        return new Reference(key, v + 1, close);
      }
    }
    int run = v;
    while (run < end && !isSpace(text.charAt(run))) {
      run++;
    }
    if (restIsBlankOrComment(text, run, end)) {
      return new Reference(key, v, run);
    }
    // the pattern backtracks: the longest shorter value followed by a comment to the line's end
    for (int t = run - 1; t > v; t--) {
      if (text.charAt(t) == '#' && noLineTerminator(text, t + 1, end)) {
        return new Reference(key, v, t);
      }
    }
    return null;
  }

  private static int keyAt(String text, int at, int end) {
    for (int k = 0; k < KEYS.size(); k++) {
      String key = KEYS.get(k);
      int colon = at + key.length();
      if (colon < end && text.charAt(colon) == ':' && text.startsWith(key, at)) {
        return k;
      }
    }
    return -1;
  }

  /** Within the line: an unclosed quote must not send the search through the rest of the text. */
  private static int indexOf(String text, char c, int from, int end) {
    for (int j = from; j < end; j++) {
      if (text.charAt(j) == c) {
        return j;
      }
    }
    return -1;
  }

  /** {@code \s*(?:#.*)?} to the end: blanks, then nothing or a comment. */
  private static boolean restIsBlankOrComment(String text, int from, int end) {
    int j = skipSpaces(text, from, end);
    return j == end || (text.charAt(j) == '#' && noLineTerminator(text, j + 1, end));
  }

  /** No character that a pattern's {@code .} does not match. */
  private static boolean noLineTerminator(String text, int from, int end) {
    for (int j = from; j < end; j++) {
      char c = text.charAt(j);
      if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return false;
      }
    }
    return true;
  }

  private static int skipSpaces(String text, int from, int end) {
    int j = from;
    while (j < end && isSpace(text.charAt(j))) {
      j++;
    }
    return j;
  }

  /** A pattern's {@code \s}: space, tab, line feed, vertical tab, form feed, carriage return. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }
}
