package io.promcc.core.yaml;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.exceptions.ConstructorException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeType;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.JsonSchema;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * The schema user documents are read with ({@link YamlReader}): YAML's JSON schema with the
 * scalars Prometheus' YAML (go-yaml v2, YAML 1.1) reads otherwise. Thread-safe.
 */
final class GoYamlSchema {
  private GoYamlSchema() {}

  /** A plain scalar Prometheus' YAML reads as a number and the JSON schema does not. */
  static final Tag GO_NUMBER = new Tag("tag:promcc.io,2026:go-number");
  /** A plain scalar Prometheus' YAML reads as a boolean and the JSON schema does not. */
  static final Tag GO_BOOL = new Tag("tag:promcc.io,2026:go-bool");
  /** YAML 1.1's {@code !!timestamp}, which the JSON schema does not know. */
  static final Tag TIMESTAMP = new Tag(Tag.PREFIX + "timestamp");
  /** The plain scalars Prometheus' YAML reads as null and the JSON schema as text. */
  private static final Set<String> GO_NULLS = Set.of("~", "Null", "NULL");
  /** Every text Prometheus' YAML reads as null, written plain or tagged {@code !!null}. */
  private static final Set<String> GO_NULL_FORMS = Set.of("", "~", "null", "Null", "NULL");

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
   * A value its tag cannot decode is refused in Prometheus' words: {@code !!float x} as
   * {@code cannot decode !!str `x` as a !!float}, {@code !!null x} (which the schema read as
   * null) so too, and {@code !!binary} text that is no base64 to Go (which wants the padding
   * and skips only line breaks) as {@code !!binary value contains invalid base64 data}.
   * A tag of a single value on a list or a mapping ({@code !!float [1]}) is refused naming its
   * line, not ended with a ClassCastException; so is {@code !!str [1]}.
   */
  static final Schema SCHEMA = new JsonSchema() {
    private final ScalarResolver json = new JsonResolver();

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
      constructors.put(Tag.FLOAT, node -> {
        GoYamlNumber go = GoYamlNumber.resolve(((ScalarNode) node).getValue());
        if (go != null) {
          return go.asFloat(); // !!float 8: the float 8 to Prometheus, its text to a label
        }
        // no number to Prometheus' YAML, though Java may read one (Infinity, NaN, 1d, 0x1p3)
        throw refused(((ScalarNode) node).getValue(), "!!float", node);
      });
      constructors.put(Tag.NULL, node -> {
        // the schema read !!null x as null; Prometheus refuses it
        if (node != null && !GO_NULL_FORMS.contains(((ScalarNode) node).getValue())) {
          throw refused(((ScalarNode) node).getValue(), "!!null", node);
        }
        return null;
      });
      constructors.put(Tag.BINARY, node -> {
        byte[] bytes = binary(((ScalarNode) node).getValue());
        if (bytes == null) { // refused as Prometheus refuses it
          throw new ConstructorException(null, Optional.empty(),
              "!!binary value contains invalid base64 data", node.getStartMark());
        }
        return bytes;
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

  /**
   * The bytes {@code text} tagged {@code !!binary} encodes to Prometheus' YAML, or null if it
   * refuses it: Go's standard base64, its padding wanted, line breaks skipped, no other space.
   */
  static byte[] binary(String text) {
    String joined = text.replace("\r", "").replace("\n", "");
    try {
      return joined.length() % 4 == 0 ? Base64.getDecoder().decode(joined) : null;
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  /** Prometheus' refusal of {@code text} tagged {@code tag}, which it reads otherwise. */
  private static ConstructorException refused(String text, String tag, Node node) {
    return new ConstructorException(null, Optional.empty(), "cannot decode " + goTag(text)
        + " `" + text + "` as a " + tag, node.getStartMark());
  }

  /** The tag Prometheus' YAML gives {@code text} written plain, as its messages name it. */
  private static String goTag(String text) {
    GoYamlNumber numeric = GoYamlNumber.resolve(text);
    return numeric != null ? (numeric.isFloat() ? "!!float" : "!!int")
        : GO_NULL_FORMS.contains(text) ? "!!null"
        : GoYamlBool.resolve(text) != null || Set.of("true", "false").contains(text) ? "!!bool"
        : "!!str";
  }
}
