package io.promcc.core.yaml;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict, problem-collecting access to one YAML mapping: every unknown key and every wrongly typed
 * value becomes a message naming its owner, and reading goes on so that all problems are reported
 * at once. Not thread-safe; one instance per mapping.
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

  /** Adds a problem for every key not in {@code known}, in sorted order. */
  public void rejectUnknown(Set<String> known) {
    Set<String> unknown = new TreeSet<>();
    for (Object key : map.keySet()) {
      if (!known.contains(String.valueOf(key))) {
        unknown.add(String.valueOf(key));
      }
    }
    for (String key : unknown) {
      problems.add("field " + Quoting.quote(key) + " not found in " + owner);
    }
  }

  public boolean has(String key) {
    return map.containsKey(key) && map.get(key) != null;
  }

  /** The string at {@code key}, or {@code fallback} if absent; numbers are taken as text. */
  public String string(String key, String fallback) {
    Object value = map.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof String || value instanceof Number) {
      return value.toString();
    }
    problems.add("field " + Quoting.quote(key) + " of " + owner + " must be a string, found "
        + YamlReader.typeName(value));
    return fallback;
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

  /** The integer at {@code key}, or {@code null} if absent. */
  public Integer integer(String key) {
    Object value = map.get(key);
    if (value == null) {
      return null;
    }
    if (value instanceof Integer number) {
      return number;
    }
    if (value instanceof WrittenInteger written && written.value() instanceof Integer number) {
      return number; // !!int +9100 or !!int 09100: the integer, as before its text was kept
    }
    problems.add("field " + Quoting.quote(key) + " of " + owner + " must be an integer, found "
        + Quoting.quote(String.valueOf(value)));
    return null;
  }

  /**
   * The integer at {@code key} however large (a {@code modulus} is a uint64), or {@code null} if
   * absent; the caller checks its range.
   */
  public BigInteger bigInteger(String key) {
    Object value = map.get(key);
    Object read = value instanceof WrittenInteger written ? written.value() : value;
    if (read instanceof Integer || read instanceof Long) {
      return BigInteger.valueOf(((Number) read).longValue());
    }
    if (read instanceof BigInteger number) {
      return number;
    }
    if (value != null) {
      problems.add("field " + Quoting.quote(key) + " of " + owner + " must be an integer, found "
          + Quoting.quote(String.valueOf(value)));
    }
    return null;
  }

  /** The boolean at {@code key}, or {@code null} if absent. */
  public Boolean bool(String key) {
    Object value = map.get(key);
    if (value == null) {
      return null;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    problems.add("field " + Quoting.quote(key) + " of " + owner + " must be true or false, found "
        + Quoting.quote(String.valueOf(value)));
    return null;
  }

  /** The list of strings at {@code key}; empty if absent. */
  public List<String> strings(String key) {
    List<String> result = new ArrayList<>();
    for (Object item : list(key)) {
      if (item instanceof String || item instanceof Number) {
        result.add(item.toString());
      } else {
        problems.add("field " + Quoting.quote(key) + " of " + owner
            + " must list strings, found " + YamlReader.typeName(item));
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
