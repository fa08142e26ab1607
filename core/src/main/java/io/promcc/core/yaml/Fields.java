package io.promcc.core.yaml;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Strict, problem-collecting access to one YAML mapping: every unknown key and every wrongly typed
 * value becomes a message naming its owner, and reading goes on so that all problems are reported
 * at once. Not thread-safe; one instance per mapping. Public for core's readers of YAML (the
 * profile's in {@code io.promcc.core.plan}, the clusters file's here); not meant for embedders,
 * and it may change with them.
 */
public final class Fields {
  private final Map<?, ?> map;
  private final String owner;
  private final List<String> problems;

  /**
   * @param map the mapping to read
   * @param owner names the mapping in messages, e.g. {@code job template "apiserver"}
   * @param problems where problems are added
   */
  public Fields(Map<?, ?> map, String owner, List<String> problems) {
    this.map = requireNonNull(map, "map == null");
    this.owner = requireNonNull(owner, "owner == null");
    this.problems = requireNonNull(problems, "problems == null");
  }

  /**
   * Adds a problem for every key not in {@code known}, in sorted order, each named as
   * Prometheus' YAML reads it: a null key as the field {@code ""}, binary data as the text it
   * encodes, refused saying so where that is a known field (it is no field here). A key that
   * looks like no name (a line of a wrong file, {@code /etc/shadow}) is named by its line and
   * length, not quoted, after the others, by line.
   */
  public void rejectUnknown(Set<String> known) {
    Map<String, String> unknown = new TreeMap<>(); // by name: the problem
    Map<String, String> unshown = new TreeMap<>(); // by line, then name: the problem
    for (Object key : map.keySet()) {
      // named as Prometheus reads it: a null key as the field "", binary data as its text
      String name = key == null ? "" : asText(key);
      if (key instanceof byte[] && known.contains(name)) {
        unknown.put(name, "field " + Quoting.quote(name) + " is written as binary data (!!binary "
            + written(key) + ") in " + owner + ", which is read as no field here: write it as"
            + " text");
      } else if (key == null || key instanceof byte[] || !known.contains(name)) {
        if (KeyNames.looksLikeName(name)) {
          unknown.put(name, "field " + Quoting.quote(name) + " not found in " + owner);
        } else { // a wrong file's line: named by its line, not its text, after the others
          OptionalInt line = YamlReader.line(map, key);
          unshown.put(String.format("%010d", line.orElse(Integer.MAX_VALUE)) + name,
              KeyNames.fieldNotFound(name, "in " + owner, line));
        }
      }
    }
    problems.addAll(unknown.values());
    problems.addAll(unshown.values());
  }

  /**
   * Whether {@code key}'s value was written as a plain {@code Null} or {@code NULL} in a
   * mapping {@link YamlReader} read: null, as {@code ~} is, but to Prometheus' YAML (go-yaml
   * v2) the empty text where a field has a decoder of its own (a relabel {@code action}, a
   * duration), which {@code ~}, {@code null} and {@code !!null Null} leave unset.
   */
  public static boolean isNullWord(Map<?, ?> map, Object key) {
    return map instanceof ReadMapping read && read.isNullWord(key);
  }

  /**
   * The text Prometheus' YAML reads into a string field from {@code value} as {@link YamlReader}
   * read it: binary data as the UTF-8 text it encodes ({@code !!binary aGk=} is {@code hi}),
   * anything else as {@link String#valueOf} writes it (a number or boolean as written).
   */
  public static String asText(Object value) {
    return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
        : String.valueOf(value);
  }

  /** True if the mapping holds {@code key} with a value; a null ({@code ~}) is no value. */
  public boolean has(String key) {
    return map.containsKey(key) && map.get(key) != null;
  }

  /**
   * The string at {@code key}, or {@code fallback} if absent; numbers and booleans as text,
   * binary data as the UTF-8 text it encodes.
   */
  public String string(String key, String fallback) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    String text = text(value);
    if (text != null) {
      return text; // yes and true, as Prometheus' string fields take them
    }
    problems.add("field " + Quoting.quote(key) + " of " + owner + " must be a string, found "
        + YamlReader.typeName(value) + noUtf8(value));
    return fallback;
  }

  /**
   * {@code value} as a text field takes it, or null if it takes none: binary data as the UTF-8
   * text it encodes, as Prometheus' YAML reads it into a string field ({@code !!binary aGk=}
   * is {@code hi}); bytes that are no UTF-8 text, which Go would keep as they are, none.
   */
  private static String text(Object value) {
    if (isText(value)) {
      return value.toString();
    } else if (value instanceof byte[] bytes) {
      try {
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException noUtf8) {
        return null;
      }
    }
    return null;
  }

  /** {@code value} as written, for a message: binary data as its base64, not a Java object. */
  private static String written(Object value) {
    return value instanceof byte[] bytes ? Base64.getEncoder().encodeToString(bytes)
        : String.valueOf(value);
  }

  /** Why binary data is no text, for a message; empty for another value. */
  private static String noUtf8(Object value) {
    return value instanceof byte[] ? " that is no UTF-8 text" : "";
  }

  /**
   * Whether {@code value} is text to a string field: a string, or a number or boolean as written
   * ({@code 0x10}, {@code yes}, {@code true}: the JSON schema reads only {@code true} and
   * {@code false} as a {@link Boolean}, so its text is the text written).
   */
  private static boolean isText(Object value) {
    return value instanceof String || value instanceof Number || value instanceof GoYamlBool
        || value instanceof Boolean;
  }

  /** The required string at {@code key}; a problem and {@code null} if absent. */
  public String requiredString(String key) {
    String value = string(key, null);
    if (value == null && !map.containsKey(key)) {
      problems.add("missing field " + Quoting.quote(key) + " in " + owner);
    } else if (value == null && map.get(key) == null) {
      problems.add("field " + Quoting.quote(key) + " of " + owner + " must not be empty");
    }
    return value;
  }

  /**
   * The integer at {@code key} as Prometheus' YAML (go-yaml v2) decodes a Go {@code int} (the
   * {@code port} of {@code dns_sd_configs}, say), or {@code null} if absent or null: the integer
   * of each form Go reads ({@code 0x10} and {@code !!int 0x10} are 16, {@code 010} and
   * {@code !!int 010} octal 8, {@code 0o10}, {@code 0b101}, {@code 1_000}, {@code +8}) and a
   * float cut to its integer ({@code 1e3}, {@code 9100.5}). Text, a boolean, NaN, an infinity
   * and a {@code !!int} Go reads as no integer ({@code !!int 08}) are a problem, and
   * {@code null}; the caller checks the range.
   */
  public BigInteger integer(String key) {
    Object value = map.get(key);
    if (value == null) {
      return null;
    }
    GoYamlNumber go = value instanceof WrittenInteger || value instanceof GoYamlNumber
        ? GoYamlNumber.resolve(value.toString()) : null;
    if (value instanceof Integer || value instanceof Long) {
      return BigInteger.valueOf(((Number) value).longValue());
    } else if (value instanceof BigInteger big) {
      return big;
    } else if (go != null && !go.isFloat()) {
      return go.integer();
    } else if (value instanceof GoYamlNumber number) {
      BigInteger truncated = number.truncated();
      if (truncated != null) {
        return truncated;
      }
    }
    problems.add("field " + Quoting.quote(key) + " of " + owner + " must be an integer, found "
        + Quoting.quote(written(value)));
    return null;
  }

  /**
   * The uint64 at {@code key} (a {@code modulus}) as Prometheus' YAML (go-yaml v2) decodes it,
   * or {@code null} if absent or null; the integer of each form Go reads ({@code 0x10},
   * {@code 010}, {@code 1_000}, {@code +8}), a float truncated ({@code 1e3}, {@code 8.5}). A
   * value it refuses is one problem in its words ({@code invalid modulus "x" in <owner>: cannot
   * unmarshal !!str `x` into uint64}, naming a time {@code !!timestamp} and binary data
   * {@code !!binary} as it does), and so is a float below -1 or at 2^64, which Go converts
   * as the machine does; {@code null} then too.
   */
  public BigInteger uint64(String key) {
    Object value = map.get(key);
    if (value == null) {
      return null;
    }
    Object read = value;
    if (value instanceof WrittenInteger written) {
      // !!int 010 is 8 to Prometheus (Go's octal), 10 to a port here
      GoYamlNumber go = GoYamlNumber.resolve(written.toString());
      read = go != null && !go.isFloat() ? go.integer() : written.value();
    }
    BigInteger number = null;
    String tag = "!!str";
    if (read instanceof Integer || read instanceof Long) {
      number = BigInteger.valueOf(((Number) read).longValue());
    } else if (read instanceof BigInteger big) {
      number = big;
    } else if (read instanceof GoYamlNumber go && !go.isFloat()) {
      number = go.integer();
    } else if (read instanceof GoYamlNumber go) {
      tag = "!!float";
      BigInteger truncated = go.uint64OfFloat();
      if (truncated != null) {
        return truncated;
      }
    } else if (read instanceof Boolean || read instanceof GoYamlBool) {
      tag = "!!bool";
    } else if (map instanceof ReadMapping mapping && mapping.isTime(key)) {
      tag = "!!timestamp"; // a time to Prometheus' YAML (2001-12-14), text here
    } else if (read instanceof byte[]) {
      tag = "!!binary";
    } else if (read instanceof Map || read instanceof List) {
      problems.add("invalid " + key + " in " + owner + ": cannot unmarshal "
          + (read instanceof Map ? "!!map" : "!!seq") + " into uint64");
      return null;
    }
    if (number != null) {
      if (number.signum() >= 0 && number.bitLength() <= Long.SIZE) {
        return number;
      }
      // a number that is no int64 (nor uint64) Prometheus' YAML reads as a float
      tag = number.signum() < 0 && number.bitLength() < Long.SIZE ? "!!int" : "!!float";
    }
    String text = written(value);
    problems.add("invalid " + key + " " + text + " in " + owner + ": cannot unmarshal " + tag
        + " `" + (text.length() > 10 ? text.substring(0, 7) + "..." : text) + "` into uint64");
    return null;
  }

  /**
   * The boolean at {@code key}, or {@code null} if absent, as Prometheus' YAML (YAML 1.1) reads
   * one: {@code true}, and {@code yes}, {@code On}, {@code Y}, {@code True} and the other forms
   * go-yaml v2 knows, not quoted.
   */
  public Boolean bool(String key) {
    Object value = map.get(key);
    if (value == null) {
      return null;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    if (value instanceof GoYamlBool go) {
      return go.value();
    }
    problems.add("field " + Quoting.quote(key) + " of " + owner + " must be true or false, found "
        + Quoting.quote(written(value)));
    return null;
  }

  /**
   * The list of strings at {@code key}; empty if absent. An item written {@code Null} or
   * {@code NULL} is the empty text, as Prometheus' YAML hands it a label name's decoder; one
   * written {@code ~} or {@code null} is a problem.
   */
  public List<String> strings(String key) {
    return strings(key, false);
  }

  /**
   * The list of label names at {@code key} as Prometheus' YAML reads a list of
   * {@code model.LabelName}: as {@link #strings} reads it, but an item written {@code ~},
   * {@code null} or {@code !!null} is a {@code null} here, the name {@code ""} that go-yaml v2
   * sets without the name's decoder, so without its check (and to be written back null: the
   * name written {@code ""} is refused). An item written {@code Null} is {@code ""}, as
   * {@link #strings} reads it. Empty if absent.
   */
  public List<String> labelNames(String key) {
    return strings(key, true);
  }

  private List<String> strings(String key, boolean nullsKept) {
    List<String> result = new ArrayList<>();
    List<?> items = list(key);
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      if (nullsKept && item == null && !(items instanceof ReadList read && read.isNullWord(i))) {
        result.add(null);
        continue;
      }
      // Null or NULL: the empty text to an item's own decoder in Prometheus' YAML (a label name)
      String text = items instanceof ReadList read && read.isNullWord(i) ? "" : text(item);
      if (text != null) {
        result.add(text);
      } else {
        problems.add("field " + Quoting.quote(key) + " of " + owner
            + " must list strings, found " + YamlReader.typeName(item) + noUtf8(item));
      }
    }
    return result;
  }

  /** The list at {@code key}; empty if absent. */
  public List<?> list(String key) {
    Object value = map.get(key);
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return list;
    }
    problems.add("field " + Quoting.quote(key) + " of " + owner + " must be a sequence, found "
        + YamlReader.typeName(value));
    return List.of();
  }

  /** The mapping at {@code key}; empty if absent. */
  public Map<?, ?> mapping(String key) {
    Object value = map.get(key);
    if (value == null) {
      return Map.of();
    }
    if (value instanceof Map<?, ?> nested) {
      return nested;
    }
    problems.add("field " + Quoting.quote(key) + " of " + owner + " must be a mapping, found "
        + YamlReader.typeName(value));
    return Map.of();
  }
}
