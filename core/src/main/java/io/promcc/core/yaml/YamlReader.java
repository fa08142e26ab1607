package io.promcc.core.yaml;

import io.promcc.core.model.ValidationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
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

  private YamlReader() {}

  /**
   * YAML's JSON schema, but a plain scalar that looks like a floating-point number stays the text
   * it was written as: read as a number, {@code 1.20} came back as {@code 1.2} and {@code 1e3}
   * as {@code 1000.0} in a label value or a replacement. No field here is a float.
   */
  private static final Schema SCHEMA = new JsonSchema() {
    private final ScalarResolver json = super.getScalarResolver();

    @Override
    public ScalarResolver getScalarResolver() {
      return (value, implicit) -> {
        Tag tag = json.resolve(value, implicit);
        return Tag.FLOAT.equals(tag) ? Tag.STR : tag;
      };
    }
  };

  /** Settings shared by every reader here: no duplicate keys, ordered maps, large documents. */
  public static LoadSettings settings(String label, boolean comments) {
    return LoadSettings.builder()
        .setSchema(SCHEMA)
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
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        throw new ValidationException(subject,
            List.of("expected text keys at the top level, found " + typeName(key) + " " + key));
      }
    }
    return result;
  }

  /**
   * Parses {@code text} as one YAML document of any shape.
   *
   * @throws ValidationException if it is not YAML
   */
  public static Object read(String text, String subject) {
    try {
      return new Load(settings(subject, false)).loadFromString(text);
    } catch (YamlEngineException e) {
      throw new ValidationException(subject, List.of("invalid yaml" + describe(e)));
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
    if (marked.getContext() != null) {
      out.append(" (").append(oneLine(marked.getContext()));
      marked.getContextMark().ifPresent(mark -> out.append(" at ").append(position(mark)));
      out.append(')');
    }
    return out.toString();
  }

  private static String position(Mark mark) {
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
    } else if (value instanceof Boolean) {
      return "a boolean";
    }
    return "a " + value.getClass().getSimpleName();
  }

  static String oneLine(String message) {
    return message == null ? "unknown error" : message.strip().replaceAll("\\s*\\n\\s*", "; ");
  }
}
