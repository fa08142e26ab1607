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
import java.util.List;
import java.util.Map;
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
  private Patches() {}

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

  /**
   * A strategic merge patch of an object of {@code kind} applied to a copy of {@code target}
   * (see {@link StrategicMerge}).
   */
  static JsonObject strategicMerge(String kind, JsonObject target, JsonElement patch) {
    return StrategicMerge.apply(kind, target, patch);
  }

  /** A JSON string, or null if absent. */
  static String string(JsonObject object, String member) {
    JsonElement value = object.get(member);
    return value == null || value instanceof JsonNull || !value.isJsonPrimitive() ? null
        : ((JsonPrimitive) value).getAsString();
  }
}
