package io.promcc.kube.fake;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The API server's rules on an object's deletion fields and finalizers that an
 * {@link ObjectStore} update meets: only DELETE starts a deletion, and an object being deleted
 * takes no new finalizers.
 */
final class DeletionRules {
  private DeletionRules() {}

  /**
   * As ValidateObjectMetaUpdate, after rest.BeforeUpdate kept an existing deletionTimestamp:
   * only DELETE starts a deletion, so an update may not set deletionTimestamp or change
   * deletionGracePeriodSeconds, nor add finalizers to an object being deleted.
   *
   * @throws ApiError 422 Invalid naming every such field
   */
  static void checkUpdate(ApiResource resource, String name, JsonObject meta,
      JsonObject currentMeta) {
    List<String> errors = new ArrayList<>();
    String deletion = StoreJson.string(currentMeta, "deletionTimestamp");
    String asked = StoreJson.string(meta, "deletionTimestamp");
    if (deletion == null && asked != null) {
      errors.add("metadata.deletionTimestamp: Invalid value: " + goTime(asked)
          + ": field is immutable");
    }
    JsonElement grace = currentMeta.get("deletionGracePeriodSeconds");
    JsonElement askedGrace = meta.get("deletionGracePeriodSeconds");
    if (askedGrace != null && !askedGrace.isJsonNull() && !askedGrace.equals(grace)) {
      errors.add("metadata.deletionGracePeriodSeconds: Invalid value: " + askedGrace
          + ": field is immutable");
    }
    if (deletion != null) {
      List<JsonElement> added = new ArrayList<>(finalizersOf(meta));
      added.removeAll(finalizersOf(currentMeta));
      if (!added.isEmpty()) {
        errors.add("metadata.finalizers: Forbidden: no new finalizers can be added if the object"
            + " is being deleted, found new finalizers []string{" + String.join(", ",
            added.stream().map(JsonElement::toString).toList()) + "}");
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiError(422, "Invalid", resource.kind()
          + (resource.group().isEmpty() ? "" : "." + resource.group()) + " \"" + name
          + "\" is invalid: " + (errors.size() == 1 ? errors.get(0)
          : "[" + String.join(", ", errors) + "]"));
    }
  }

  /**
   * An RFC 3339 time as Go's time.Time prints it in a field error: 2026-01-01 00:00:00 +0000 UTC.
   */
  private static String goTime(String rfc3339) {
    try {
      return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss '+0000 UTC'")
          .format(OffsetDateTime.parse(rfc3339).atZoneSameInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return rfc3339;
    }
  }

  /** The finalizers an object names; none if it has no list of them. */
  static List<JsonElement> finalizers(JsonObject object) {
    return finalizersOf(StoreJson.metadata(object));
  }

  private static List<JsonElement> finalizersOf(JsonObject meta) {
    JsonElement finalizers = meta.get("finalizers");
    if (finalizers == null || !finalizers.isJsonArray()) {
      return List.of();
    }
    return finalizers.getAsJsonArray().asList();
  }
}
