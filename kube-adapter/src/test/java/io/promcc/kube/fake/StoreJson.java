package io.promcc.kube.fake;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.JSON;

/** How the fake's store reads and copies the JSON of its objects. */
final class StoreJson {
  private StoreJson() {}

  /** The object's {@code metadata}, added empty if it has none (or one that is no object). */
  static JsonObject metadata(JsonObject json) {
    if (!json.has("metadata") || !json.get("metadata").isJsonObject()) {
      json.add("metadata", new JsonObject());
    }
    return json.getAsJsonObject("metadata");
  }

  /** A member's text, or null if it is absent or null. */
  static String string(JsonObject json, String member) {
    JsonElement value = json.get(member);
    return value == null || value.isJsonNull() ? null : value.getAsString();
  }

  /** A deep copy of a {@link JsonObject}, or a client-java model serialized with its own JSON. */
  static JsonObject toJson(Object object) {
    requireNonNull(object, "object == null");
    if (object instanceof JsonObject json) {
      return json.deepCopy();
    }
    return JsonParser.parseString(JSON.serialize(object)).getAsJsonObject();
  }
}
