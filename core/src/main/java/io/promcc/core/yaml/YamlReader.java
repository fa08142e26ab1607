package io.promcc.core.yaml;

import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.ConstructorException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.NodeType;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
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

  /** A plain scalar Prometheus' YAML reads as a number and the JSON schema does not. */
  static final Tag GO_NUMBER = new Tag("tag:promcc.io,2026:go-number");
  /** A plain scalar Prometheus' YAML reads as a boolean and the JSON schema does not. */
  static final Tag GO_BOOL = new Tag("tag:promcc.io,2026:go-bool");
  /** YAML 1.1's {@code !!timestamp}, which the JSON schema does not know. */
  private static final Tag TIMESTAMP = new Tag(Tag.PREFIX + "timestamp");
  /** The plain scalars Prometheus' YAML reads as null and the JSON schema as text. */
  private static final Set<String> GO_NULLS = Set.of("~", "Null", "NULL");

  /**
   * YAML's JSON schema, but a plain scalar that looks like a floating-point number stays the text
   * it was written as: read as a number, {@code 1.20} came back as {@code 1.2} and {@code 1e3}
   * as {@code 1000.0} in a label value or a replacement. So does one tagged {@code !!float}
   * (read as a number, {@code !!float 1} came back as {@code 1.0}), once the schema has taken it
   * as a number. No field here is a float. One tagged {@code !!int} keeps its text too where
   * the number would read back otherwise ({@code !!int 010} came back as {@code 10},
   * {@code !!int -0} as {@code 0}), as a {@link WrittenInteger} that an integer field (a port,
   * a modulus) still takes as the integer; one that reads back as written stays an Integer. A
   * plain scalar Prometheus' YAML reads as a number and the schema does not ({@code 0x10},
   * {@code 1e3}), and one tagged {@code !!float}, is a {@link GoYamlNumber}: its text to a text
   * field, Prometheus' number to a uint64 field; {@code !!int 0x10} is 16, as it is to Prometheus;
   * {@code !!int 08}, a float to Go (no octal), is refused in its words, as Prometheus does.
   * A plain scalar Prometheus' YAML reads as a boolean and the schema does not ({@code yes},
   * {@code Off}, {@code True}), and one tagged {@code !!bool} so, is a {@link GoYamlBool}: its
   * text to a text field, the boolean to a boolean field ({@code honor_labels}).
   * A plain {@code ~}, {@code Null} or {@code NULL} is null, as {@code null} is to both: read as
   * text, {@code honor_labels: ~} was refused and a label became {@code ~}, where Prometheus
   * reads no value.
   * As a mapping key such a plain scalar stays the text it is ({@link BoundedLoad}).
   * A tag of a single value on a list or a mapping ({@code !!float [1]}) is refused naming its
   * line, not ended with a ClassCastException; so is {@code !!str [1]}.
   */
  private static final Schema SCHEMA = new JsonSchema() {
    private final ScalarResolver json = super.getScalarResolver();

    @Override
    public ScalarResolver getScalarResolver() {
      return (value, implicit) -> {
        Tag tag = json.resolve(value, implicit);
        if (implicit && Tag.STR.equals(tag) && GO_NULLS.contains(value)) {
          return Tag.NULL; // ~, Null, NULL: null to Prometheus' YAML 1.1, as null is
        }
        // -0 is the integer 0 to the schema, and would come back as "0"
        tag = Tag.FLOAT.equals(tag) || Tag.INT.equals(tag) && value.equals("-0") ? Tag.STR : tag;
        // a plain number in a form Prometheus reads and the schema does not (0x10, 1e3)
        if (implicit && Tag.STR.equals(tag) && GoYamlBool.resolve(value) != null) {
          return GO_BOOL; // a YAML 1.1 boolean (yes, Off) Prometheus reads
        }
        return implicit && Tag.STR.equals(tag) && GoYamlNumber.resolve(value) != null
            ? GO_NUMBER : tag;
      };
    }

    @Override
    public Map<Tag, ConstructNode> getSchemaTagConstructors() {
      Map<Tag, ConstructNode> constructors = new HashMap<>(super.getSchemaTagConstructors());
      ConstructNode number = constructors.get(Tag.FLOAT);
      constructors.put(Tag.FLOAT, node -> {
        GoYamlNumber go = GoYamlNumber.resolve(((ScalarNode) node).getValue());
        if (go != null) {
          return go.asFloat(); // !!float 8: the float 8 to Prometheus, its text to a label
        }
        number.construct(node); // refuses what is no number, as before
        return ((ScalarNode) node).getValue();
      });
      constructors.put(GO_NUMBER, node -> GoYamlNumber.resolve(((ScalarNode) node).getValue()));
      constructors.put(GO_BOOL, node -> GoYamlBool.resolve(((ScalarNode) node).getValue()));
      ConstructNode bool = constructors.get(Tag.BOOL);
      constructors.put(Tag.BOOL, node -> {
        String text = ((ScalarNode) node).getValue();
        GoYamlBool go = GoYamlBool.resolve(text);
        Object read = go != null ? go : bool.construct(node); // !!bool yes: true to Prometheus
        if (read == null) { // the schema reads !!bool 1 as no value; Prometheus refuses it
          throw new ConstructorException(null, Optional.empty(), "cannot decode "
              + goTag(text) + " `" + text + "` as a !!bool", node.getStartMark());
        }
        return read;
      });
      constructors.put(TIMESTAMP, node -> {
        // a text field of Prometheus reads a time as written, and takes no other text
        String text = ((ScalarNode) node).getValue();
        if (!GoYamlTimestamp.isTimestamp(text)) {
          throw new ConstructorException(null, Optional.empty(), "cannot decode "
              + goTag(text) + " `" + text + "` as a !!timestamp", node.getStartMark());
        }
        return text;
      });
      ConstructNode integer = constructors.get(Tag.INT);
      constructors.put(Tag.INT, node -> {
        String text = ((ScalarNode) node).getValue();
        GoYamlNumber asGo = GoYamlNumber.resolve(text);
        // !!int 08: no octal to Go, the float 8; a plain number past uint64 is its field's
        if (!node.isResolved() && asGo != null && asGo.isFloat()) {
          throw new ConstructorException(null, Optional.empty(), "cannot decode !!float `"
              + text + "` as a !!int", node.getStartMark());
        }
        Object read;
        try {
          read = integer.construct(node); // the schema's integer, as before (!!int 010 is 10)
        } catch (RuntimeException notDecimal) {
          // a form Prometheus reads as an integer (!!int 0x10); else refused in its words
          GoYamlNumber go = GoYamlNumber.resolve(text);
          if (go == null || go.isFloat()) {
            throw new ConstructorException(null, Optional.empty(), "cannot decode "
                + (go != null ? "!!float" : "!!str") + " `" + text + "` as a !!int",
                node.getStartMark());
          }
          read = go.integer().bitLength() < Integer.SIZE ? (Object) go.intValue()
              : go.integer().bitLength() < Long.SIZE ? (Object) go.longValue() : go.integer();
        }
        return read.toString().equals(text) ? read : new WrittenInteger((Number) read, text);
      });
      // the constructor's own !!str, which would cast a list or a mapping to a single value
      constructors.putIfAbsent(Tag.STR, node -> ((ScalarNode) node).getValue());
      constructors.replaceAll((tag, constructor) -> node -> {
        if (node != null && !(node instanceof ScalarNode)) { // null: an empty document
          throw new ConstructorException(null, Optional.empty(), "the tag "
              + tag.getValue().replace(Tag.PREFIX, "!!") + " is for a single value, found "
              + (node.getNodeType() == NodeType.SEQUENCE ? "a sequence" : "a mapping"),
              node.getStartMark());
        }
        return constructor.construct(node);
      });
      return constructors;
    }
  };

  /** The tag Prometheus' YAML gives {@code text} written plain, as its messages name it. */
  private static String goTag(String text) {
    GoYamlNumber numeric = GoYamlNumber.resolve(text);
    return numeric != null ? (numeric.isFloat() ? "!!float" : "!!int")
        : Set.of("", "~", "null", "Null", "NULL").contains(text) ? "!!null"
        : GoYamlBool.resolve(text) != null || Set.of("true", "false").contains(text) ? "!!bool"
        : "!!str";
  }

  /**
   * The settings for composing a document that is written back as it was (a base config): YAML's
   * JSON schema itself, with which it is written too, so that a float stays the plain number it
   * was (Prometheus refuses a quoted one where it wants a number).
   */
  static LoadSettings composeSettings(String label, boolean comments) {
    return settings(label, comments, new JsonSchema());
  }

  /** Settings shared by every reader here: no duplicate keys, ordered maps, large documents. */
  private static LoadSettings settings(String label, boolean comments, Schema schema) {
    return LoadSettings.builder()
        .setSchema(schema)
        .setLabel(label)
        .setAllowDuplicateKeys(false)
        .setParseComments(comments)
        .setCodePointLimit(MAX_CODE_POINTS)
        .setMaxAliasesForCollections(50)
        .setDefaultMap(LinkedHashMap::new)
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
    Object value = read(text, subject);
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
        problems.add("expected text keys at the top level, found a null key");
      } else if (key instanceof Number || key instanceof Boolean || key instanceof GoYamlBool) {
        // Prometheus reads the key as its text, a field it does not know, as none here is
        problems.add("field " + Quoting.quote(writtenKey(key)) + " not found at the top level");
      } else if (!(key instanceof String)) {
        problems.add("expected text keys at the top level, found the key "
            + Quoting.quote(writtenKey(key)) + ", which is " + typeName(key));
      }
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(subject, problems);
    }
    return result;
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
      value = new BoundedLoad(settings(subject, false, SCHEMA)).loadFromString(text);
    } catch (YamlEngineException e) {
      throw new ValidationException(subject, List.of("invalid yaml" + describe(e)));
    }
    requireNoSurrogateEscapes(value, text, subject);
    return value;
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
    for (Event event : new Parse(settings(subject, false, SCHEMA)).parseString(text)) {
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
   * Turns snakeyaml's marks, which count code points, into offsets of the text, and an offset
   * into a line and column, walking forward only (events come in the order of the text).
   */
  private static final class SourcePosition {
    private final String text;
    private int codePoints;
    private int chars;

    SourcePosition(String text) {
      this.text = text;
    }

    int charOffset(Mark mark) {
      chars = text.offsetByCodePoints(chars, mark.getIndex() - codePoints);
      codePoints = mark.getIndex();
      return chars;
    }

    String describe(int offset) {
      int line = 1;
      int column = 1;
      for (int i = 0; i < offset; i = text.offsetByCodePoints(i, 1)) {
        char c = text.charAt(i);
        if (c == '\n' || c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n')) {
          line++;
          column = 1;
        } else if (c != '\r') {
          column++;
        }
      }
      return "line " + line + ", column " + column;
    }
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
    out.append(": ").append(oneLine(marked.getProblem()));
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
