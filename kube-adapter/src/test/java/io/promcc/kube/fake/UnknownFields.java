package io.promcc.kube.fake;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * Adds fields that no client model knows to served objects, as an API server newer than the
 * client does (every Kubernetes release adds fields to spec and status). Added to the object,
 * its list, {@code metadata} and every nested structure, but never to maps whose keys are data
 * (labels, annotations, Secret data, selectors, resource quantities), where a new key would
 * change meaning instead of adding a field.
 */
final class UnknownFields {
  /** The name of every added field; its value is an object, as new fields often are. */
  static final String FIELD = "promccFutureField";

  private static final Set<String> MAPS = Set.of("labels", "annotations", "data", "stringData",
      "binaryData", "selector", "nodeSelector", "matchLabels", "capacity", "allocatable",
      "limits", "requests", "hard", "used", "overhead");
  private static final int MAX_DEPTH = 8;

  private UnknownFields() {}

  /** A copy of {@code object} with unknown fields added throughout. */
  static JsonObject add(JsonObject object) {
    JsonObject copy = object.deepCopy();
    decorate(copy, 0);
    return copy;
  }

  private static void decorate(JsonObject object, int depth) {
    if (depth > MAX_DEPTH) {
      return;
    }
    for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
      if (MAPS.contains(entry.getKey())) {
        continue;
      }
      JsonElement value = entry.getValue();
      if (value.isJsonObject()) {
        decorate(value.getAsJsonObject(), depth + 1);
      } else if (value.isJsonArray()) {
        for (JsonElement element : value.getAsJsonArray()) {
          if (element.isJsonObject()) {
            decorate(element.getAsJsonObject(), depth + 1);
          }
        }
      }
    }
    JsonObject added = new JsonObject();
    added.addProperty("introducedIn", "v1.99");
    JsonArray values = new JsonArray();
    values.add("alpha");
    added.add("values", values);
    object.add(FIELD, added);
  }
}
