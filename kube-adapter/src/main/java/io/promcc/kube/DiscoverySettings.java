package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * How guest clusters are found: which Services are watched and how one becomes a
 * {@link io.promcc.core.model.GuestCluster}. The defaults match the original controller.
 *
 * @param labelSelector Kubernetes label selector for the watched Services
 * @param namespaces namespaces to watch; empty means all namespaces
 * @param idAnnotation annotation whose value is the cluster ID; Services without it are skipped
 * @param etcdAnnotation optional annotation with the guest etcd as {@code host:port}
 * @param apiServerUrlAnnotation optional annotation with an explicit API server URL, for guest API
 *     servers not reached by Service DNS
 * @param providerKey label, else annotation, naming the provider; empty to always use
 *     {@code defaultProvider}
 * @param defaultProvider provider when {@code providerKey} is empty or absent on a Service
 */
public record DiscoverySettings(
    String labelSelector,
    List<String> namespaces,
    String idAnnotation,
    String etcdAnnotation,
    String apiServerUrlAnnotation,
    Optional<String> providerKey,
    String defaultProvider) {

  /** The original's selector. */
  public static final String DEFAULT_LABEL_SELECTOR = "app=master,giantswarm.io/cluster";
  /** The original's cluster-ID annotation. */
  public static final String DEFAULT_ID_ANNOTATION = "giantswarm.io/prometheus-cluster";
  /** The original's etcd annotation. */
  public static final String DEFAULT_ETCD_ANNOTATION = "giantswarm.io/etcd-domain";
  /** Annotation for an explicit API server URL. */
  public static final String DEFAULT_API_SERVER_URL_ANNOTATION = "promcc.io/api-server-url";
  /** Label or annotation naming the provider. */
  public static final String DEFAULT_PROVIDER_KEY = "promcc.io/provider";
  /** Provider when a Service names none. */
  public static final String DEFAULT_PROVIDER = "kubernetes";

  /**
   * @throws IllegalArgumentException if a key or namespace is blank or a namespace repeats
   */
  public DiscoverySettings {
    requireNonNull(labelSelector, "labelSelector == null");
    namespaces = List.copyOf(requireNonNull(namespaces, "namespaces == null"));
    requireKey(idAnnotation, "idAnnotation");
    requireKey(etcdAnnotation, "etcdAnnotation");
    requireKey(apiServerUrlAnnotation, "apiServerUrlAnnotation");
    requireNonNull(providerKey, "providerKey == null").ifPresent(k -> requireKey(k, "providerKey"));
    requireKey(defaultProvider, "defaultProvider");
    if (namespaces.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("namespaces must not contain a blank name: " + namespaces);
    }
    if (namespaces.stream().distinct().count() != namespaces.size()) {
      throw new IllegalArgumentException("namespaces must not repeat: " + namespaces);
    }
  }

  /** The defaults, watching all namespaces. */
  public static DiscoverySettings defaults() {
    return new DiscoverySettings(DEFAULT_LABEL_SELECTOR, List.of(), DEFAULT_ID_ANNOTATION,
        DEFAULT_ETCD_ANNOTATION, DEFAULT_API_SERVER_URL_ANNOTATION,
        Optional.of(DEFAULT_PROVIDER_KEY), DEFAULT_PROVIDER);
  }

  /** A copy watching only these namespaces (none: all). */
  public DiscoverySettings withNamespaces(List<String> newNamespaces) {
    return new DiscoverySettings(labelSelector, newNamespaces, idAnnotation, etcdAnnotation,
        apiServerUrlAnnotation, providerKey, defaultProvider);
  }

  /** A copy with another label selector. */
  public DiscoverySettings withLabelSelector(String newSelector) {
    return new DiscoverySettings(newSelector, namespaces, idAnnotation, etcdAnnotation,
        apiServerUrlAnnotation, providerKey, defaultProvider);
  }

  /** A copy that takes the provider from this key, or always uses {@code provider}. */
  public DiscoverySettings withProvider(Optional<String> key, String provider) {
    return new DiscoverySettings(labelSelector, namespaces, idAnnotation, etcdAnnotation,
        apiServerUrlAnnotation, key, provider);
  }

  private static void requireKey(String value, String name) {
    requireNonNull(value, name + " == null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
