package io.promcc.core.yaml;

import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.JsonSchema;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * Reads YAML documents written by users (profiles, cluster lists) into plain Java values, with
 * duplicate keys rejected and YAML errors turned into a {@link ValidationException} that names
 * the document. Thread-safe.
 */
public final class YamlReader {
  /** Largest document accepted, in code points; a generated config of 10,000 clusters is ~70 M. */
  public static final int MAX_CODE_POINTS = 512 * 1024 * 1024;
  /**
   * Deepest collections may nest in a document read here, aliases followed (see
   * {@link BoundedLoad}): a Prometheus config, a profile or a cluster list nests less than 20.
   */
  public static final int MAX_DEPTH = 100;

  private YamlReader() {}

  /**
   * The settings for composing a document that is written back as it was (a base config): YAML's
   * JSON schema itself, with which it is written too, so that a float stays the plain number it
   * was (Prometheus refuses a quoted one where it wants a number).
   */
  static LoadSettings composeSettings(String label, boolean comments) {
    return settings(label, comments, new JsonSchema());
  }

  /**
   * Settings shared by every reader here: no duplicate keys, ordered maps and lists that know
   * a value written {@code Null} ({@link ReadMapping}, {@link ReadList}), large documents.
   */
  static LoadSettings settings(String label, boolean comments, Schema schema) {
    return LoadSettings.builder()
        .setSchema(schema)
        .setLabel(label)
        .setAllowDuplicateKeys(false)
        .setParseComments(comments)
        .setCodePointLimit(MAX_CODE_POINTS)
        // bounded by their share of the values read instead, as Prometheus' YAML does
        .setMaxAliasesForCollections(Integer.MAX_VALUE)
        .setDefaultMap(ReadMapping::new)
        .setDefaultList(ReadList::new)
        .build();
  }

  /**
   * Parses {@code text} as one YAML document that must be a mapping (an empty document is an
   * empty mapping).
   *
   * @param subject names the document in errors, e.g. {@code profile "custom.yml"}
   * @throws ValidationException if it is not YAML or not a mapping
   */
  public static Map<String, Object> readMapping(String text, String subject) {
    return readMapping(text, subject, Set.of());
  }

  /**
   * Parses {@code text} as {@link #readMapping(String, String)} does, knowing the top-level
   * {@code fields} the document may have.
   *
   * @param fields the document's top-level fields, by which a key of binary data is named
   * @throws ValidationException if it is not YAML or not a mapping
   */
  public static Map<String, Object> readMapping(String text, String subject,
      Set<String> fields) {
    return topLevelMapping(read(text, subject), subject, fields);
  }

  /**
   * The first YAML document of {@code written}, read as {@link #readMapping(String, String,
   * Set)} reads a document, as Prometheus' YAML (go-yaml v2) reads a config: it unmarshals the
   * first document and reads no further, so what follows it is cut off, be it YAML or not
   * ({@link FirstDocumentParser}). The text is parsed once.
   *
   * @throws ValidationException if the first document is not YAML or not a mapping
   */
  static FirstDocument readFirstDocument(String written, String subject, Set<String> fields) {
    LoadSettings settings = settings(subject, false, GoYamlSchema.SCHEMA);
    FirstDocumentParser first = new FirstDocumentParser(settings, written);
    Object value;
    try {
      value = new BoundedLoad(settings).load(first);
    } catch (YamlEngineException e) {
      throw new ValidationException(subject, List.of("invalid yaml" + describe(e)));
    }
    String text = first.firstDocument();
    requireNoSurrogateEscapes(value, text, subject);
    return new FirstDocument(text, topLevelMapping(value, subject, fields));
  }

  /**
   * The first YAML document of a text ({@link #readFirstDocument}).
   *
   * @param text its text: all of the text read if that holds one document
   * @param values its values, read as {@link #readMapping(String, String, Set)} reads them
   */
  record FirstDocument(String text, Map<String, Object> values) {}

  /** {@code value} read, refused unless a mapping whose top-level keys are all text. */
  private static Map<String, Object> topLevelMapping(Object value, String subject,
      Set<String> fields) {
    if (value == null) {
      return new LinkedHashMap<>();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new ValidationException(subject,
          List.of("expected a mapping at the top level, found " + typeName(value)));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) map;
    List<String> problems = new ArrayList<>();
    for (Object key : map.keySet()) {
      if (key == null) {
        // Prometheus reads a null key as the field "", which no document has
        problems.add("field \"\" not found at the top level");
      } else if (key instanceof byte[] bytes) {
        // Prometheus reads the text the key encodes, which is no field here: one it knows is
        // refused, as this reader takes no key of binary data as a field
        String decoded = new String(bytes, StandardCharsets.UTF_8);
        problems.add(fields.contains(decoded) ? "field " + Quoting.quote(decoded)
            + " is written as binary data (!!binary " + writtenKey(key) + ") at the top level,"
            + " which is read as no field here: write it as text"
            : KeyNames.fieldNotFound(decoded, "at the top level", line(map, key)));
      } else if (key instanceof Number || key instanceof Boolean || key instanceof GoYamlBool) {
        // Prometheus reads the key as its text, a field it does not know, as none here is
        problems.add(KeyNames.fieldNotFound(writtenKey(key), "at the top level",
            line(map, key)));
      } else if (!(key instanceof String)) {
        String written = writtenKey(key);
        problems.add("expected text keys at the top level, found "
            + (KeyNames.looksLikeName(written) ? "the key " + Quoting.quote(written)
            : KeyNames.key(written, line(map, key))) + ", which is " + typeName(key));
      }
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(subject, problems);
    }
    return result;
  }

  /** The line of {@code key} of {@code map} if it looks like no name ({@link KeyNames}). */
  static OptionalInt line(Map<?, ?> map, Object key) {
    return map instanceof ReadMapping read ? read.line(key) : OptionalInt.empty();
  }

  /**
   * A key that is no text as the user wrote it, near enough to find it: a number or boolean as
   * written ({@code !!int 010} is {@code 010}), binary data as its base64, not its Java text.
   */
  private static String writtenKey(Object key) {
    return key instanceof byte[] bytes ? Base64.getEncoder().encodeToString(bytes)
        : String.valueOf(key);
  }

  /**
   * Parses {@code text} as one YAML document of any shape.
   *
   * @throws ValidationException if it is not YAML, or a collection holds an alias of itself or
   *     nests more than {@link #MAX_DEPTH} deep
   */
  public static Object read(String text, String subject) {
    Object value;
    try {
      value = new BoundedLoad(settings(subject, false, GoYamlSchema.SCHEMA)).loadFromString(text);
    } catch (YamlEngineException e) {
      throw new ValidationException(subject, List.of("invalid yaml" + describe(e)));
    }
    requireNoSurrogateEscapes(value, text, subject);
    return value;
  }

  /**
   * Whether {@code text} is one document of no YAML value so far (blanks, comments, document
   * markers, directives), which {@link #readMapping(String, String)} reads as an empty mapping
   * (or refuses, directives with no {@code ---} after them yet) and a writer may yet give one:
   * false for a text of a value, one of several documents (an empty one, then another), one
   * whose document was ended with {@code ...}, and one YAML refuses otherwise before its first
   * value. Read up to its first value or its document's end.
   */
  public static boolean holdsNoValueInOneDocument(String text, String subject) {
    return NoValueTexts.oneDocumentHoldsNoValue(text, subject);
  }

  /**
   * {@code text} loaded with {@code settings}, for a reader with a schema of its own (promcc's
   * settings file), refused as {@link #read} refuses a collection that holds an alias of itself
   * or nests more than {@link #MAX_DEPTH} deep.
   *
   * @throws YamlEngineException if it is not YAML or is refused so
   */
  public static Object load(LoadSettings settings, String text) {
    return new BoundedLoad(settings).loadFromString(text);
  }

  /**
   * Refuses an escape of a UTF-16 surrogate, a pair too ({@code "\\ud83d\\ude00"}): Go's YAML,
   * which Prometheus reads with, refuses every one ("found invalid Unicode character escape
   * code"), while snakeyaml joins a pair into its character and keeps a lone one, which would be
   * written back as another character. Only such an escape puts a surrogate into a value read
   * here without its pair, and a pair is the only way to a character beyond the BMP, so the text
   * is parsed again, for where the escape is, only when a value holds one.
   */
  private static void requireNoSurrogateEscapes(Object value, String text, String subject) {
    if (!holdsSurrogate(value)) {
      return;
    }
    SourcePosition position = new SourcePosition(text);
    for (Event event : new Parse(settings(subject, false, GoYamlSchema.SCHEMA)).parseString(text)) {
      if (event instanceof ScalarEvent scalar
          && scalar.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED
          && holdsSurrogate(scalar.getValue())) {
        int from = position.charOffset(scalar.getStartMark().orElseThrow());
        int to = position.charOffset(scalar.getEndMark().orElseThrow());
        String problem = surrogateEscape(text, from, to, position);
        if (problem != null) {
          throw new ValidationException(subject, List.of("invalid yaml " + problem));
        }
      }
    }
  }

  /** The first escape of a surrogate in the double-quoted scalar text[from, to), or null. */
  private static String surrogateEscape(String text, int from, int to, SourcePosition position) {
    int i = from + 1; // past the opening quote
    while (i < to - 1) {
      if (text.charAt(i) != '\\') {
        i++;
        continue;
      }
      int digits = escapeDigits(text.charAt(i + 1));
      int codePoint = digits == 0 ? -1 : hexAt(text, i + 2, digits);
      if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
        String escape = text.substring(i, i + 2 + digits);
        int next = i + 2 + digits;
        int low = text.startsWith("\\", next) && escapeDigits(text.charAt(next + 1)) > 0
            ? hexAt(text, next + 2, escapeDigits(text.charAt(next + 1))) : -1;
        String character = Character.isHighSurrogate((char) codePoint)
            && low >= Character.MIN_LOW_SURROGATE && low <= Character.MAX_LOW_SURROGATE
            ? String.format(" or \\U%08x", Character.toCodePoint((char) codePoint, (char) low))
            : "";
        return "at " + position.describe(i) + ": the escape " + escape + " is a UTF-16 surrogate, "
            + "which Prometheus' YAML refuses; write the character itself" + character;
      }
      i += 2 + digits;
    }
    return null;
  }

  /** How many hex digits follow an escape's letter: 4 for u, 8 for U, 2 for x, else none. */
  private static int escapeDigits(char letter) {
    return switch (letter) {
      case 'u' -> 4;
      case 'U' -> 8;
      case 'x' -> 2;
      default -> 0;
    };
  }

  private static int hexAt(String text, int at, int digits) {
    return Integer.parseUnsignedInt(text, at, at + digits, 16);
  }

  private static boolean holdsSurrogate(Object value) {
    if (value instanceof String text) {
      for (int i = 0; i < text.length(); i++) {
        if (Character.isSurrogate(text.charAt(i))) {
          return true;
        }
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (holdsSurrogate(entry.getKey()) || holdsSurrogate(entry.getValue())) {
          return true;
        }
      }
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        if (holdsSurrogate(item)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Where and what, from snakeyaml's marks: {@code " at line 4, column 4: <problem> (<context>
   * at line 2, column 3)"}. Its own message embeds source snippets and a caret on extra lines,
   * which read as noise once folded onto the one line a problem gets.
   */
  static String describe(YamlEngineException e) {
    if (!(e instanceof MarkedYamlEngineException marked) || marked.getProblem() == null) {
      return ": " + oneLine(e.getMessage());
    }
    StringBuilder out = new StringBuilder();
    marked.getProblemMark().ifPresent(mark -> out.append(" at ").append(position(mark)));
    // a duplicate key or an undefined alias is named only where it looks like a name
    out.append(": ").append(oneLine(KeyNames.inProblem(marked.getProblem())));
    if (marked.getContext() != null && !marked.getContext().isEmpty()) {
      out.append(" (").append(oneLine(marked.getContext()));
      marked.getContextMark().ifPresent(mark -> out.append(" at ").append(position(mark)));
      out.append(')');
    }
    return out.toString();
  }

  /** {@code line L, column C} of {@code mark}, both counted from 1. */
  static String position(Mark mark) {
    return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }

  /** YAML-ish name of a Java value's type, for messages. */
  public static String typeName(Object value) {
    if (value == null) {
      return "null";
    } else if (value instanceof Map) {
      return "a mapping";
    } else if (value instanceof List) {
      return "a sequence";
    } else if (value instanceof String) {
      return "a string";
    } else if (value instanceof Number) {
      return "a number";
    } else if (value instanceof Boolean || value instanceof GoYamlBool) {
      return "a boolean";
    } else if (value instanceof byte[]) {
      return "binary data (!!binary)";
    } else if (value instanceof java.util.Set) {
      return "a set (!!set)";
    }
    return "a " + value.getClass().getSimpleName();
  }

  static String oneLine(String message) {
    return message == null ? "unknown error" : message.strip().replaceAll("\\s*\\n\\s*", "; ");
  }
}
