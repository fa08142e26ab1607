package io.promcc.kube.fake;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A parsed label or field selector, as the API server understands them: comma-separated
 * requirements that must all hold. Labels support {@code k}, {@code !k}, {@code k=v},
 * {@code k==v}, {@code k!=v}, {@code k in (a,b)} and {@code k notin (a,b)}; fields support
 * {@code path=v}, {@code path==v} and {@code path!=v} on any dotted path such as
 * {@code metadata.name} or {@code spec.nodeName}.
 */
public final class Selector implements Predicate<JsonObject> {
  private static final Selector EVERYTHING = new Selector(List.of(), "");

  private final List<Predicate<JsonObject>> requirements;
  private final String text;

  private Selector(List<Predicate<JsonObject>> requirements, String text) {
    this.requirements = List.copyOf(requirements);
    this.text = text;
  }

  /** Matches every object. */
  public static Selector everything() {
    return EVERYTHING;
  }

  /**
   * Parses a label selector.
   *
   * @throws IllegalArgumentException if it is malformed
   */
  public static Selector labels(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Predicate<JsonObject>> out = new ArrayList<>();
    for (String part : splitTopLevel(selector)) {
      out.add(labelRequirement(part.trim(), selector));
    }
    return new Selector(out, selector);
  }

  /**
   * Parses a field selector.
   *
   * @throws IllegalArgumentException if it is malformed
   */
  public static Selector fields(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Predicate<JsonObject>> out = new ArrayList<>();
    for (String part : selector.split(",")) {
      String p = part.trim();
      boolean negate;
      String[] kv;
      if (p.contains("!=")) {
        negate = true;
        kv = p.split("!=", 2);
      } else if (p.contains("==")) {
        negate = false;
        kv = p.split("==", 2);
      } else if (p.contains("=")) {
        negate = false;
        kv = p.split("=", 2);
      } else {
        throw new IllegalArgumentException("invalid field selector " + quote(selector));
      }
      String path = kv[0].trim();
      String value = kv[1].trim();
      if (path.isEmpty()) {
        throw new IllegalArgumentException("invalid field selector " + quote(selector));
      }
      out.add(object -> negate != value.equals(fieldValue(object, path)));
    }
    return new Selector(out, selector);
  }

  @Override
  public boolean test(JsonObject object) {
    for (Predicate<JsonObject> requirement : requirements) {
      if (!requirement.test(object)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }

  /** The string at a dotted path, or "" if absent (the API server compares against ""). */
  static String fieldValue(JsonObject object, String path) {
    JsonElement current = object;
    for (String step : path.split("\\.")) {
      if (current == null || !current.isJsonObject()) {
        return "";
      }
      current = current.getAsJsonObject().get(step);
    }
    return current != null && current.isJsonPrimitive() ? current.getAsString() : "";
  }

  private static Predicate<JsonObject> labelRequirement(String part, String whole) {
    if (part.isEmpty()) {
      throw new IllegalArgumentException("invalid label selector " + quote(whole));
    }
    String[] words = part.split("\\s+", 3);
    if (words.length >= 2 && (words[1].equals("in") || words[1].equals("notin"))) {
      String key = words[0];
      String rest = part.substring(part.indexOf(words[1]) + words[1].length()).trim();
      if (!rest.startsWith("(") || !rest.endsWith(")")) {
        throw new IllegalArgumentException("invalid label selector " + quote(whole));
      }
      Set<String> values = Set.of(rest.substring(1, rest.length() - 1).trim().split("\\s*,\\s*"));
      boolean in = words[1].equals("in");
      return object -> {
        String value = label(object, key);
        return in ? value != null && values.contains(value) : value == null || !values.contains(value);
      };
    }
    if (part.startsWith("!")) {
      String key = part.substring(1).trim();
      checkKey(key, whole);
      return object -> label(object, key) == null;
    }
    int ne = part.indexOf("!=");
    if (ne > 0) {
      String key = part.substring(0, ne).trim();
      String value = part.substring(ne + 2).trim();
      checkKey(key, whole);
      return object -> !value.equals(label(object, key));
    }
    int eq = part.indexOf('=');
    if (eq > 0) {
      String key = part.substring(0, eq).trim();
      String value = part.substring(part.startsWith("=", eq + 1) ? eq + 2 : eq + 1).trim();
      checkKey(key, whole);
      return object -> value.equals(label(object, key));
    }
    checkKey(part, whole);
    return object -> label(object, part) != null;
  }

  private static void checkKey(String key, String whole) {
    if (key.isEmpty() || !key.matches("[A-Za-z0-9./_-]+")) {
      throw new IllegalArgumentException("invalid label selector " + quote(whole));
    }
  }

  private static String label(JsonObject object, String key) {
    JsonObject metadata = object.getAsJsonObject("metadata");
    if (metadata == null || !metadata.has("labels") || !metadata.get("labels").isJsonObject()) {
      return null;
    }
    JsonElement value = metadata.getAsJsonObject("labels").get(key);
    return value == null || value.isJsonNull() ? null : value.getAsString();
  }

  private static List<String> splitTopLevel(String selector) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(selector.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(selector.substring(start));
    return parts;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
