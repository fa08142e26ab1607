package io.promcc.core.yaml;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a tree of {@link Map}, {@link List}, {@link String}, {@link Number} and {@link Boolean}
 * as block-style YAML, in the maps' iteration order.
 *
 * <p>Generated configs reach tens of megabytes, so this writer avoids a general-purpose emitter's
 * cost: strings are written plain only when they match a conservative pattern that no YAML 1.1 or
 * 1.2 resolver reads as anything but a string; everything else is double-quoted with every
 * non-printable character escaped, so no value can break out of its scalar. Map keys must be
 * plain identifiers (they come from code, never from input). Stateless and thread-safe. Public
 * for core's writers of YAML (the planner's jobs, the base config); not meant for embedders, and
 * it may change with them.
 */
public final class YamlWriter {
  private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "on", "off", "true",
      "false", "null", "nan", "inf");

  private YamlWriter() {}

  /** {@code value} as a YAML document (no {@code ---}), ending in a newline. */
  public static String write(Map<String, ?> value) {
    StringBuilder out = new StringBuilder(256);
    writeMap(out, value, 0, false);
    return out.toString();
  }

  /**
   * Appends {@code items} as a block sequence at column {@code indent}, the form YAML allows
   * directly under a mapping key.
   */
  public static void appendSequence(StringBuilder out, List<?> items, int indent) {
    for (Object item : items) {
      indent(out, indent);
      out.append("- ");
      writeNested(out, item, indent + 2, true);
    }
  }

  /** Appends the entries of {@code map} as a block mapping at column {@code indent}. */
  public static void appendMapping(StringBuilder out, Map<String, ?> map, int indent) {
    writeMap(out, map, indent, false);
  }

  /** Appends {@code value} as a YAML scalar: plain when unambiguous, double-quoted otherwise. */
  public static void appendScalar(StringBuilder out, String value) {
    if (isPlainSafe(value)) {
      out.append(value);
      return;
    }
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (isPrintable(value, i)) {
            out.append(c);
            if (Character.isHighSurrogate(c)) {
              out.append(value.charAt(++i));
            }
          } else {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * True for {@code [A-Za-z_/]([A-Za-z0-9_./:-]*[A-Za-z0-9_./-])?} that is no YAML 1.1 keyword.
   * A loop, not a regular expression: this runs for every scalar of every generated job.
   */
  static boolean isPlainSafe(String value) {
    int length = value.length();
    if (length == 0 || !(isLetter(value.charAt(0)) || value.charAt(0) == '_'
        || value.charAt(0) == '/')) {
      return false;
    }
    for (int i = 1; i < length; i++) {
      char c = value.charAt(i);
      if (!(isLetter(c) || isDigit(c) || c == '_' || c == '.' || c == '/' || c == '-'
          || (c == ':' && i < length - 1))) {
        return false;
      }
    }
    return length > 5 || !RESERVED.contains(value.toLowerCase(Locale.ROOT));
  }

  /** True for {@code [A-Za-z_][A-Za-z0-9_]*}, the only map keys this writer accepts. */
  private static boolean isKey(String key) {
    if (key.isEmpty() || !(isLetter(key.charAt(0)) || key.charAt(0) == '_')) {
      return false;
    }
    for (int i = 1; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(isLetter(c) || isDigit(c) || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * YAML's printable set, less U+2028 and U+2029, which YAML 1.1 parsers such as Prometheus'
   * go-yaml read as line breaks even inside quotes; a surrogate counts only as half of a valid
   * pair.
   */
  private static boolean isPrintable(String value, int i) {
    char c = value.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return false;
    }
    return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff && c != 0x2028 && c != 0x2029)
        || (c >= 0xe000 && c <= 0xfffd && c != 0xfeff);
  }

  private static void writeMap(StringBuilder out, Map<?, ?> map, int indent, boolean firstInline) {
    if (map.isEmpty()) {
      out.append("{}\n");
      return;
    }
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(first && firstInline)) {
        indent(out, indent);
      }
      first = false;
      String key = String.valueOf(entry.getKey());
      if (!isKey(key)) {
        throw new IllegalArgumentException("map key is not an identifier: " + key);
      }
      out.append(key).append(':');
      Object value = entry.getValue();
      if (value instanceof Map<?, ?> nested && !nested.isEmpty()) {
        out.append('\n');
        writeMap(out, nested, indent + 2, false);
      } else if (value instanceof List<?> list && isFlowList(list)) {
        out.append(" [");
        for (int i = 0; i < list.size(); i++) {
          out.append(i == 0 ? "" : ", ").append((String) list.get(i));
        }
        out.append("]\n");
      } else if (value instanceof List<?> list && !list.isEmpty()) {
        out.append('\n');
        appendSequence(out, list, indent);
      } else {
        out.append(' ');
        writeNested(out, value, indent + 2, false);
      }
    }
  }

  /** Short lists of plain strings read best, and parse fastest, as {@code [a, b]}. */
  private static boolean isFlowList(List<?> list) {
    if (list.isEmpty()) {
      return false;
    }
    for (Object item : list) {
      if (!(item instanceof String text) || !isPlainSafe(text)) {
        return false;
      }
    }
    return true;
  }

  private static void writeNested(StringBuilder out, Object value, int indent, boolean inline) {
    if (value instanceof Map<?, ?> map) {
      writeMap(out, map, indent, inline);
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        out.append("[]\n");
      } else {
        // a sequence inside a sequence item starts on its own line
        out.append('\n');
        appendSequence(out, list, indent);
      }
    } else if (value instanceof String text) {
      appendScalar(out, text);
      out.append('\n');
    } else if (value instanceof WrittenInteger written) {
      out.append(written.value()).append('\n'); // !!int +100 in a base config: 100, as before
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value).append('\n');
    } else if (value == null) {
      out.append("null\n");
    } else {
      throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as YAML");
    }
  }

  private static void indent(StringBuilder out, int indent) {
    for (int i = 0; i < indent; i++) {
      out.append(' ');
    }
  }
}
