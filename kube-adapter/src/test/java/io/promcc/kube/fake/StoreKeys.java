package io.promcc.kube.fake;

import com.google.gson.JsonObject;

/**
 * How an {@link ObjectStore} names what it keeps, as the API server does: an object's key
 * ({@code namespace/name}, as etcd's), the namespace a request and its object agree on, and the
 * resource as its messages name it.
 */
final class StoreKeys {
  private StoreKeys() {}

  /**
   * The namespace of an object of {@code resource} sent on a request for {@code namespace}
   * (null: none named), its metadata {@code meta}; null for a cluster-scoped resource.
   *
   * @throws ApiError 400 if neither names one, or they differ
   */
  static String namespaceOf(ApiResource resource, String namespace, JsonObject meta) {
    if (!resource.namespaced()) {
      return null;
    }
    String fromObject = StoreJson.string(meta, "namespace");
    if (namespace == null) {
      if (fromObject == null) {
        throw new ApiError(400, "BadRequest", resource.kind() + " needs a namespace");
      }
      return fromObject;
    }
    if (fromObject != null && !fromObject.isEmpty() && !fromObject.equals(namespace)) {
      throw new ApiError(400, "BadRequest", "the namespace of the provided object does not match"
          + " the namespace sent on the request");
    }
    return namespace;
  }

  static ApiError notFound(ApiResource resource, String name) {
    return new ApiError(404, "NotFound", qualified(resource) + " \"" + name + "\" not found");
  }

  /** The resource as the API server's messages name it: {@code leases.coordination.k8s.io}. */
  static String qualified(ApiResource resource) {
    return resource.plural() + (resource.group().isEmpty() ? "" : "." + resource.group());
  }

  static String key(String namespace, String name) {
    return namespace == null ? name : namespace + "/" + name;
  }
}
