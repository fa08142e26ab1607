package io.promcc.kube.fake;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A strategic merge patch as the API server applies it to built-in resources, for
 * {@link Patches}: lists with a {@code patchMergeKey} merge element by element,
 * {@code $patch: delete|replace}, {@code $deleteFromPrimitiveList}, a null deletes; other lists
 * are replaced. Server-side apply merges the applied configuration the same way. Pure functions
 * on JSON; errors are {@link ApiError}s with the API server's status codes.
 */
final class StrategicMerge {
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

  private StrategicMerge() {}

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

  /** A strategic merge patch of an object of {@code kind} applied to a copy of {@code target}. */
  static JsonObject apply(String kind, JsonObject target, JsonElement patch) {
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

}
