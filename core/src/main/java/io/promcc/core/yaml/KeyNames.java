package io.promcc.core.yaml;

import io.promcc.core.model.Quoting;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * How a message names a key, or an alias, read from a file: quoted where it looks like a name
 * (at most 40 characters, each a letter, a digit, {@code _}, {@code -}, {@code .} or {@code +},
 * so a field, label or template name mistyped, or a number), else by its length and line alone.
 * A wrong file given as a profile or a clusters file ({@code /etc/shadow}) is a mapping of keys
 * that are its lines, and each was printed as a field not found, a password hash with it, to
 * the terminal and the logs. Thread-safe: no state.
 */
final class KeyNames {
  /** Longer than any field name of Prometheus' or promcc's (some 35 characters). */
  static final int LONGEST = 40;
  private static final String NOT_SHOWN = " (not shown: it does not look like a name)";

  private KeyNames() {}

  /** Whether {@code key}, as a message would name it, may be shown: null is the field "". */
  static boolean looksLikeName(Object key) {
    return key == null || looksLikeName(key instanceof byte[] bytes
        ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(key));
  }

  static boolean looksLikeName(String text) {
    if (text.length() > LONGEST) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
          || c == '-' || c == '.' || c == '+')) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code field "name" not found <where>}, or where {@code name} looks like no name,
   * {@code field not found <where>: the key of N characters on line L (not shown: ...)}.
   *
   * @param where e.g. {@code in profile}, {@code at the top level}
   * @param line the key's line, counted from 1, if known
   */
  static String fieldNotFound(String name, String where, OptionalInt line) {
    return looksLikeName(name) ? "field " + Quoting.quote(name) + " not found " + where
        : "field not found " + where + ": " + key(name, line);
  }

  /** {@code the key of N characters on line L (not shown: ...)}, or {@code a key of N ...}. */
  static String key(String name, OptionalInt line) {
    return (line.isPresent() ? "the key of " : "a key of ") + characters(name)
        + (line.isPresent() ? " on line " + line.getAsInt() : "") + NOT_SHOWN;
  }

  /**
   * snakeyaml's {@code problem} with the key or alias it names ({@code found duplicate key K},
   * {@code found undefined alias A}) left out where that looks like no name.
   */
  static String inProblem(String problem) {
    for (String prefix : new String[] {"found duplicate key ", "found undefined alias "}) {
      if (problem.startsWith(prefix) && !looksLikeName(problem.substring(prefix.length()))) {
        return prefix.strip() + " of " + characters(problem.substring(prefix.length()))
            + NOT_SHOWN;
      }
    }
    return problem;
  }

  /**
   * An alias, after the word "alias": {@code *name}, or where it looks like no name
   * {@code of N characters (not shown: ...)}.
   */
  static String alias(String name) {
    return looksLikeName(name) ? "*" + name : "of " + characters(name) + NOT_SHOWN;
  }

  private static String characters(String text) {
    int count = text.codePointCount(0, text.length());
    return count + (count == 1 ? " character" : " characters");
  }
}
