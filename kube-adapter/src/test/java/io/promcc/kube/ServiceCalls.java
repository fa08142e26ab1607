package io.promcc.kube;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.CallGenerator;

/** The calls of a lister-watcher of Services in all namespaces, as ServiceClusterSource makes. */
final class ServiceCalls {
  private ServiceCalls() {}

  /** Lists and watches Services in all namespaces through {@code api}, bookmarks asked for. */
  static CallGenerator inAllNamespaces(CoreV1Api api) {
    return params -> api.listServiceForAllNamespaces()
        .resourceVersion(params.resourceVersion).watch(params.watch)
        .allowWatchBookmarks(Boolean.TRUE.equals(params.watch) ? Boolean.TRUE : null)
        .timeoutSeconds(params.timeoutSeconds).buildCall(null);
  }
}
