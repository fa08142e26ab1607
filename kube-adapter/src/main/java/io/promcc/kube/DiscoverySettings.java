package io.promcc.kube;

import io.promcc.core.model.Problems;
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
   * @throws io.promcc.core.model.ValidationException listing every problem: a key missing or
   *     empty, a namespace that is not a DNS-1123 label or repeats
   */
  public DiscoverySettings {
    Problems problems = new Problems("discovery settings");
    SettingsChecks.present(problems, "discovery.labelSelector", labelSelector);
    SettingsChecks.namespaces(problems, "discovery.namespaces", namespaces);
    namespaces = namespaces == null ? null : List.copyOf(namespaces);
    SettingsChecks.notBlank(problems, "discovery.idAnnotation", idAnnotation);
    SettingsChecks.notBlank(problems, "discovery.etcdAnnotation", etcdAnnotation);
    SettingsChecks.notBlank(problems, "discovery.apiServerUrlAnnotation", apiServerUrlAnnotation);
    if (SettingsChecks.present(problems, "discovery.providerKey", providerKey)) {
      providerKey.ifPresent(k -> SettingsChecks.notBlank(problems, "discovery.providerKey", k));
    }
    SettingsChecks.notBlank(problems, "discovery.defaultProvider", defaultProvider);
    problems.throwIfAny();
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
}
