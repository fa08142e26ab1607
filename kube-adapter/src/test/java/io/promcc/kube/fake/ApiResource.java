package io.promcc.kube.fake;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One resource type the fake serves.
 *
 * @param group API group, empty for the core group
 * @param version API version, e.g. {@code v1}
 * @param plural the resource's URL name, e.g. {@code services}
 * @param kind the object kind, e.g. {@code Service}; lists are {@code kind + "List"}
 * @param namespaced whether objects live in a namespace
 */
public record ApiResource(String group, String version, String plural, String kind,
    boolean namespaced) {

  public static final ApiResource SERVICES = core("services", "Service", true);
  public static final ApiResource SECRETS = core("secrets", "Secret", true);
  public static final ApiResource NODES = core("nodes", "Node", false);
  public static final ApiResource PODS = core("pods", "Pod", true);
  public static final ApiResource ENDPOINTS = core("endpoints", "Endpoints", true);
  public static final ApiResource EVENTS = core("events", "Event", true);
  public static final ApiResource NAMESPACES = core("namespaces", "Namespace", false);
  public static final ApiResource CONFIG_MAPS = core("configmaps", "ConfigMap", true);
  public static final ApiResource ENDPOINT_SLICES =
      new ApiResource("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true);
  public static final ApiResource LEASES =
      new ApiResource("coordination.k8s.io", "v1", "leases", "Lease", true);

  /** Every resource the fake serves, in discovery order. */
  public static final List<ApiResource> ALL = List.of(SERVICES, SECRETS, NODES, PODS, ENDPOINTS,
      EVENTS, NAMESPACES, CONFIG_MAPS, ENDPOINT_SLICES, LEASES);

  public ApiResource {
    requireNonNull(group, "group == null");
    requireNonNull(version, "version == null");
    requireNonNull(plural, "plural == null");
    requireNonNull(kind, "kind == null");
  }

  private static ApiResource core(String plural, String kind, boolean namespaced) {
    return new ApiResource("", "v1", plural, kind, namespaced);
  }

  /** {@code v1} or {@code group/version}, as written in {@code apiVersion}. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The served resource with this group, version and plural, if any. */
  public static Optional<ApiResource> find(String group, String version, String plural) {
    return ALL.stream()
        .filter(r -> r.group.equals(group) && r.version.equals(version) && r.plural.equals(plural))
        .findFirst();
  }
}
