package io.promcc.kube.fake;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed label or field selector, as the API server understands them: comma-separated
 * requirements that must all hold. Labels support {@code k}, {@code !k}, {@code k=v},
 * {@code k==v}, {@code k!=v}, {@code k in (a,b)} and {@code k notin (a,b)}; fields support
 * {@code path=v}, {@code path==v} and {@code path!=v} on any dotted path such as
 * {@code metadata.name} or {@code spec.nodeName}.
 */
public final class Selector implements Predicate<JsonObject> {
  private static final Selector EVERYTHING = new Selector(List.of(), "");
  /** {@code key in (a,b)} and {@code key notin (a,b)}; labels.Parse's lexer ends "in" at "(". */
  private static final Pattern SET_BASED =
      Pattern.compile("([^\\s!=(),]+)\\s+(in|notin)\\s*\\((.*)\\)");

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
    Matcher setBased = SET_BASED.matcher(part);
    if (setBased.matches()) {
      // the operator is the word after the key, never "in" found inside the key itself
      String key = setBased.group(1);
      checkKey(key, whole);
      String list = setBased.group(3).trim();
      if (list.isEmpty()) {
        throw new IllegalArgumentException("invalid label selector " + quote(whole)
            + ": for 'in', 'notin' operators, values set can't be empty");
      }
      // a set: a value named twice is accepted, as by labels.Parse
      Set<String> values = new HashSet<>();
      for (String value : list.split(",", -1)) {
        values.add(value.trim());
      }
      boolean in = setBased.group(2).equals("in");
      return object -> {
        String value = label(object, key);
        return in ? value != null && values.contains(value)
            : value == null || !values.contains(value);
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
