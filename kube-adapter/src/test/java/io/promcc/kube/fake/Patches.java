package io.promcc.kube.fake;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The four patch types as the API server applies them to built-in resources: RFC 6902 JSON
 * patch, RFC 7386 merge patch, strategic merge patch (lists with a {@code patchMergeKey} merge
 * element by element, {@code $patch: delete|replace}, {@code $deleteFromPrimitiveList}, a null
 * deletes; other lists are replaced) and server-side apply (the applied configuration merged
 * like a strategic merge patch; field ownership and conflicts are not modelled). Pure functions
 * on JSON; errors are {@link ApiError}s with the API server's status codes.
 */
final class Patches {
  /**
   * {@code patchMergeKey}s of the served kinds, by path ({@code []} steps into list elements),
   * from the Kubernetes API types. A value of {@code ""} marks a merged list of primitives.
   */
  private static final Map<String, Map<String, String>> MERGE_KEYS = Map.of(
      "Service", Map.of("spec.ports", "port"),
      "Pod", podKeys(),
      "Node", Map.of("status.addresses", "type", "status.conditions", "type",
          "spec.podCIDRs", ""));
  private static final Map<String, String> METADATA_KEYS = Map.of(
      "metadata.ownerReferences", "uid", "metadata.finalizers", "");

  private Patches() {}

  private static Map<String, String> podKeys() {
    Map<String, String> keys = new java.util.HashMap<>(Map.of(
        "spec.containers", "name", "spec.initContainers", "name",
        "spec.ephemeralContainers", "name", "spec.volumes", "name",
        "spec.imagePullSecrets", "name", "status.conditions", "type", "status.podIPs", "ip",
        "status.hostIPs", "ip"));
    for (String containers : List.of("spec.containers[]", "spec.initContainers[]")) {
      keys.put(containers + ".ports", "containerPort");
      keys.put(containers + ".env", "name");
      keys.put(containers + ".volumeMounts", "mountPath");
    }
    return Map.copyOf(keys);
  }

  /** Parses a JSON patch body (object or array). */
  static JsonElement parseJson(String body) {
    try {
      return JsonParser.parseString(body);
    } catch (JsonParseException e) {
      throw new ApiError(400, "BadRequest", "error decoding patch: " + e.getMessage());
    }
  }

  /** Parses an apply body: YAML, of which JSON is a subset. */
  static JsonObject parseApply(String body) {
    Object loaded;
    try {
      loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(body);
    } catch (YAMLException e) {
      throw new ApiError(400, "BadRequest", "error decoding YAML: " + e.getMessage());
    }
    if (!(loaded instanceof Map)) {
      throw new ApiError(400, "BadRequest", "error decoding YAML: not an object");
    }
    return new Gson().toJsonTree(loaded).getAsJsonObject();
  }

  // ---------------------------------------------------------------- RFC 6902

  /** Applies RFC 6902 operations to a copy of {@code target}. */
  static JsonObject jsonPatch(JsonObject target, JsonElement patch) {
    if (!patch.isJsonArray()) {
      throw new ApiError(400, "BadRequest",
          "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    }
    JsonElement doc = target.deepCopy();
    for (JsonElement element : patch.getAsJsonArray()) {
      if (!element.isJsonObject() || !element.getAsJsonObject().has("op")
          || !element.getAsJsonObject().has("path")) {
        throw new ApiError(400, "BadRequest", "invalid json patch operation: " + element);
      }
      JsonObject op = element.getAsJsonObject();
      String name = op.get("op").getAsString();
      String path = op.get("path").getAsString();
      switch (name) {
        case "add" -> doc = add(doc, path, value(op));
        case "remove" -> doc = remove(doc, path);
        case "replace" -> {
          get(doc, path, "replace");
          doc = add(remove(doc, path), path, value(op));
        }
        case "move" -> {
          String from = from(op);
          JsonElement moved = get(doc, from, "move");
          doc = add(remove(doc, from), path, moved);
        }
        case "copy" -> doc = add(doc, path, get(doc, from(op), "copy").deepCopy());
        case "test" -> {
          if (!get(doc, path, "test").equals(value(op))) {
            throw unprocessable("testing value " + path + " failed: test failed");
          }
        }
        default -> throw new ApiError(400, "BadRequest", "Unexpected kind: " + name);
      }
    }
    if (!doc.isJsonObject()) {
      throw unprocessable("the patched document is not an object");
    }
    return doc.getAsJsonObject();
  }

  private static JsonElement value(JsonObject op) {
    if (!op.has("value")) {
      throw new ApiError(400, "BadRequest", "missing value in " + op.get("op").getAsString()
          + " operation");
    }
    return op.get("value");
  }

  private static String from(JsonObject op) {
    if (!op.has("from")) {
      throw new ApiError(400, "BadRequest", "missing from in " + op.get("op").getAsString()
          + " operation");
    }
    return op.get("from").getAsString();
  }

  private static List<String> pointer(String path) {
    if (path.isEmpty()) {
      return List.of();
    }
    if (!path.startsWith("/")) {
      throw new ApiError(400, "BadRequest", "invalid json pointer " + path);
    }
    List<String> steps = new ArrayList<>();
    for (String raw : path.substring(1).split("/", -1)) {
      steps.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return steps;
  }

  private static JsonElement get(JsonElement doc, String path, String op) {
    JsonElement current = doc;
    for (String step : pointer(path)) {
      current = child(current, step);
      if (current == null) {
        throw unprocessable(op + " operation does not apply: doc is missing path: " + path);
      }
    }
    return current;
  }

  private static JsonElement child(JsonElement parent, String step) {
    if (parent.isJsonObject()) {
      return parent.getAsJsonObject().get(step);
    }
    if (parent.isJsonArray()) {
      int index = index(step, parent.getAsJsonArray().size() - 1);
      return index < 0 ? null : parent.getAsJsonArray().get(index);
    }
    return null;
  }

  private static int index(String step, int max) {
    try {
      int index = Integer.parseInt(step);
      return index >= 0 && index <= max ? index : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static JsonElement add(JsonElement doc, String path, JsonElement value) {
    List<String> steps = pointer(path);
    if (steps.isEmpty()) {
      return value.deepCopy();
    }
    String parentPath = path.substring(0, path.lastIndexOf('/'));
    JsonElement parent = get(doc, parentPath, "add");
    String last = steps.get(steps.size() - 1);
    if (parent.isJsonObject()) {
      parent.getAsJsonObject().add(last, value.deepCopy());
    } else if (parent.isJsonArray()) {
      JsonArray array = parent.getAsJsonArray();
      int at = last.equals("-") ? array.size() : index(last, array.size());
      if (at < 0) {
        throw unprocessable("add operation does not apply: index out of range: " + path);
      }
      List<JsonElement> items = new ArrayList<>();
      array.forEach(items::add);
      items.add(at, value.deepCopy());
      while (array.size() > 0) {
        array.remove(0);
      }
      items.forEach(array::add);
    } else {
      throw unprocessable("add operation does not apply: doc is missing path: " + path);
    }
    return doc;
  }

  private static JsonElement remove(JsonElement doc, String path) {
    List<String> steps = pointer(path);
    if (steps.isEmpty()) {
      throw unprocessable("remove operation does not apply: cannot remove the document");
    }
    JsonElement parent = get(doc, path.substring(0, path.lastIndexOf('/')), "remove");
    String last = steps.get(steps.size() - 1);
    if (parent.isJsonObject() && parent.getAsJsonObject().has(last)) {
      parent.getAsJsonObject().remove(last);
    } else if (parent.isJsonArray() && index(last, parent.getAsJsonArray().size() - 1) >= 0) {
      parent.getAsJsonArray().remove(index(last, parent.getAsJsonArray().size() - 1));
    } else {
      throw unprocessable("remove operation does not apply: doc is missing path: " + path);
    }
    return doc;
  }

  private static ApiError unprocessable(String message) {
    return new ApiError(422, "Invalid", message);
  }

  // ---------------------------------------------------------------- RFC 7386

  /** A merge patch applied to a copy of {@code target}. */
  static JsonElement mergePatch(JsonElement target, JsonElement patch) {
    if (!patch.isJsonObject()) {
      return patch.deepCopy();
    }
    JsonObject result = target != null && target.isJsonObject()
        ? target.getAsJsonObject().deepCopy() : new JsonObject();
    for (Map.Entry<String, JsonElement> entry : patch.getAsJsonObject().entrySet()) {
      if (entry.getValue().isJsonNull()) {
        result.remove(entry.getKey());
      } else {
        result.add(entry.getKey(), mergePatch(result.get(entry.getKey()), entry.getValue()));
      }
    }
    return result;
  }

  // ---------------------------------------------------------------- strategic merge

  /** A strategic merge patch of an object of {@code kind} applied to a copy of {@code target}. */
  static JsonObject strategicMerge(String kind, JsonObject target, JsonElement patch) {
    if (!patch.isJsonObject()) {
      throw new ApiError(400, "BadRequest", "error decoding patch: not an object");
    }
    JsonElement merged = strategic(kind, target, patch.getAsJsonObject(), "");
    return merged != null && merged.isJsonObject() ? merged.getAsJsonObject() : new JsonObject();
  }

  private static Optional<String> mergeKey(String kind, String path) {
    String key = METADATA_KEYS.get(path);
    if (key == null) {
      key = MERGE_KEYS.getOrDefault(kind, Map.of()).get(path);
    }
    return Optional.ofNullable(key);
  }

  /** Returns the merged value, or null to delete the field. */
  private static JsonElement strategic(String kind, JsonElement target, JsonElement patch,
      String path) {
    if (patch.isJsonObject()) {
      JsonObject p = patch.getAsJsonObject();
      JsonElement directive = p.get("$patch");
      if (directive != null) {
        String what = directive.getAsString();
        if (what.equals("delete")) {
          return null;
        }
        if (what.equals("replace")) {
          JsonObject replacement = p.deepCopy();
          replacement.remove("$patch");
          return replacement;
        }
        throw new ApiError(400, "BadRequest", "Unknown patch type: " + what);
      }
      JsonObject result = target != null && target.isJsonObject()
          ? target.getAsJsonObject().deepCopy() : new JsonObject();
      for (Map.Entry<String, JsonElement> entry : p.entrySet()) {
        String name = entry.getKey();
        if (name.startsWith("$setElementOrder/") || name.equals("$retainKeys")) {
          continue; // orders and retained keys: the result is the same for the tests' purposes
        }
        if (name.startsWith("$deleteFromPrimitiveList/")) {
          String field = name.substring("$deleteFromPrimitiveList/".length());
          JsonElement list = result.get(field);
          if (list != null && list.isJsonArray() && entry.getValue().isJsonArray()) {
            Set<JsonElement> gone = new HashSet<>();
            entry.getValue().getAsJsonArray().forEach(gone::add);
            JsonArray kept = new JsonArray();
            list.getAsJsonArray().forEach(e -> {
              if (!gone.contains(e)) {
                kept.add(e);
              }
            });
            result.add(field, kept);
          }
          continue;
        }
        String childPath = path.isEmpty() ? name : path + "." + name;
        if (entry.getValue().isJsonNull()) {
          result.remove(name);
          continue;
        }
        JsonElement merged = strategic(kind, result.get(name), entry.getValue(), childPath);
        if (merged == null) {
          result.remove(name);
        } else {
          result.add(name, merged);
        }
      }
      return result;
    }
    if (patch.isJsonArray()) {
      Optional<String> key = mergeKey(kind, path);
      if (key.isEmpty() || target == null || !target.isJsonArray()) {
        return stripDirectives(patch.getAsJsonArray());
      }
      return key.get().isEmpty()
          ? union(target.getAsJsonArray(), patch.getAsJsonArray())
          : mergeByKey(kind, target.getAsJsonArray(), patch.getAsJsonArray(), key.get(), path);
    }
    return patch.deepCopy();
  }

  private static JsonArray union(JsonArray target, JsonArray patch) {
    JsonArray result = target.deepCopy();
    for (JsonElement element : patch) {
      if (!result.contains(element)) {
        result.add(element);
      }
    }
    return result;
  }

  private static JsonArray mergeByKey(String kind, JsonArray target, JsonArray patch, String key,
      String path) {
    List<JsonElement> result = new ArrayList<>();
    target.forEach(e -> result.add(e.deepCopy()));
    for (JsonElement element : patch) {
      if (!element.isJsonObject() || !element.getAsJsonObject().has(key)) {
        throw new ApiError(400, "BadRequest", "map: " + element + " does not contain declared "
            + "merge key: " + key);
      }
      JsonElement keyValue = element.getAsJsonObject().get(key);
      int at = -1;
      for (int i = 0; i < result.size(); i++) {
        JsonElement existing = result.get(i);
        if (existing.isJsonObject() && keyValue.equals(existing.getAsJsonObject().get(key))) {
          at = i;
          break;
        }
      }
      JsonElement directive = element.getAsJsonObject().get("$patch");
      if (directive != null && directive.getAsString().equals("delete")) {
        if (at >= 0) {
          result.remove(at);
        }
        continue;
      }
      JsonElement merged = strategic(kind, at >= 0 ? result.get(at) : null, element,
          path + "[]");
      if (at >= 0) {
        result.set(at, merged);
      } else {
        result.add(merged);
      }
    }
    JsonArray out = new JsonArray();
    result.forEach(out::add);
    return out;
  }

  private static JsonArray stripDirectives(JsonArray list) {
    JsonArray out = new JsonArray();
    for (JsonElement element : list) {
      if (element.isJsonObject() && element.getAsJsonObject().has("$patch")) {
        JsonObject copy = element.getAsJsonObject().deepCopy();
        copy.remove("$patch");
        out.add(copy);
      } else {
        out.add(element.deepCopy());
      }
    }
    return out;
  }

  /** A JSON string, or null if absent. */
  static String string(JsonObject object, String member) {
    JsonElement value = object.get(member);
    return value == null || value instanceof JsonNull || !value.isJsonPrimitive() ? null
        : ((JsonPrimitive) value).getAsString();
  }
}
