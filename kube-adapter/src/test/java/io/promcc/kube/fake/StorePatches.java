package io.promcc.kube.fake;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * A PATCH request against the {@link ObjectStore}: picks the patch type's transformation
 * ({@link Patches}), creates the object for server-side apply when it is missing, checks a
 * resourceVersion precondition and writes through {@link ObjectStore#update}, so a patch that
 * changes nothing writes nothing. Called with the store's lock held.
 */
final class StorePatches {
  private StorePatches() {}

  static ObjectStore.Patched patch(ObjectStore store, ApiResource resource, String namespace,
      String name, PatchType type, String body, String fieldManager) {
    requireNonNull(type, "type == null");
    requireNonNull(body, "body == null");
    String ns = resource.namespaced() ? requireNonNull(namespace, "namespace == null") : null;
    JsonObject current = existing(store, resource, ns, name);
    JsonObject result;
    if (type == PatchType.APPLY) {
      JsonObject applied = applyConfiguration(resource, name, body, fieldManager);
      if (current == null) {
        return new ObjectStore.Patched(store.create(resource, ns, applied), true);
      }
      result = Patches.strategicMerge(resource.kind(), current, applied);
    } else {
      if (current == null) {
        store.get(resource, ns, name); // throws the API server's 404
      }
      JsonElement patch = Patches.parseJson(body);
      result = switch (type) {
        case JSON -> Patches.jsonPatch(current, patch);
        case MERGE -> {
          if (!patch.isJsonObject()) {
            throw new ApiError(400, "BadRequest", "error decoding patch: not an object");
          }
          yield Patches.mergePatch(current, patch).getAsJsonObject();
        }
        case STRATEGIC -> Patches.strategicMerge(resource.kind(), current, patch);
        case APPLY -> throw new IllegalStateException("handled above");
      };
    }
    JsonObject resultMeta = StoreJson.metadata(result);
    String wanted = Patches.string(resultMeta, "resourceVersion");
    String now = Patches.string(StoreJson.metadata(current), "resourceVersion");
    if (wanted != null && !wanted.isEmpty() && !wanted.equals(now)) {
      throw new ApiError(409, "Conflict", "Operation cannot be fulfilled on "
          + resource.plural() + (resource.group().isEmpty() ? "" : "." + resource.group())
          + " \"" + name + "\": the object has been modified; please apply your changes to the "
          + "latest version and try again");
    }
    resultMeta.addProperty("name", name);
    return new ObjectStore.Patched(store.update(resource, ns, result), false);
  }

  private static JsonObject existing(ObjectStore store, ApiResource resource, String namespace,
      String name) {
    try {
      return store.get(resource, namespace, name);
    } catch (ApiError e) {
      if (e.code() == 404) {
        return null;
      }
      throw e;
    }
  }

  /** The applied configuration, checked as the API server checks it. */
  private static JsonObject applyConfiguration(ApiResource resource, String name, String body,
      String fieldManager) {
    if (fieldManager == null || fieldManager.isEmpty()) {
      throw new ApiError(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: "
          + "fieldManager: Required value: is required for apply patch");
    }
    JsonObject applied = Patches.parseApply(body);
    String apiVersion = Patches.string(applied, "apiVersion");
    String kind = Patches.string(applied, "kind");
    if (!resource.apiVersion().equals(apiVersion) || !resource.kind().equals(kind)) {
      throw new ApiError(400, "BadRequest", "the apply configuration must have apiVersion \""
          + resource.apiVersion() + "\" and kind \"" + resource.kind() + "\", found \""
          + apiVersion + "\" and \"" + kind + "\"");
    }
    String appliedName = Patches.string(StoreJson.metadata(applied), "name");
    if (appliedName != null && !appliedName.equals(name)) {
      throw new ApiError(400, "BadRequest", "the name of the object (" + appliedName
          + ") does not match the name on the URL (" + name + ")");
    }
    StoreJson.metadata(applied).addProperty("name", name);
    return applied;
  }
}
