package io.promcc.kube;

import io.promcc.core.model.Problems;
import java.util.List;
import java.util.Optional;

/**
 * How guest clusters are found: which Services are watched, how one becomes a
 * {@link io.promcc.core.model.GuestCluster}, and which Services and API servers are trusted. The
 * defaults match the original controller where that is safe, and are safe where it was not:
 * a Service claims only the cluster ID named like its own namespace, and an explicit API server
 * URL must be https to a routable host (see {@link ServiceMapping} and docs/kube-adapter.md).
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
 * @param trustedNamespaces namespaces whose Services may claim any cluster ID; a Service elsewhere
 *     may only claim the ID equal to its namespace's name (default: none)
 * @param allowAnyApiServerHost accept any host in an explicit API server URL (loopback,
 *     link-local, in-cluster names, ...); for tests and local mode only (default off)
 * @param allowPrivateNetworkApiServers accept API server addresses in private networks
 *     (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) (default on)
 * @param apiServerAllowList hosts accepted in an API server URL whatever their kind: IP addresses,
 *     CIDR ranges ({@code 10.1.0.0/16}, {@code ::1/128}), host names and {@code *.suffix}
 *     patterns (default: none)
 */
public record DiscoverySettings(
    String labelSelector,
    List<String> namespaces,
    String idAnnotation,
    String etcdAnnotation,
    String apiServerUrlAnnotation,
    Optional<String> providerKey,
    String defaultProvider,
    List<String> trustedNamespaces,
    boolean allowAnyApiServerHost,
    boolean allowPrivateNetworkApiServers,
    List<String> apiServerAllowList) {

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
   *     empty, a namespace that is not a DNS-1123 label or repeats, a trusted namespace that is
   *     not watched, an allow-list entry that is not an address, range or host name
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
    SettingsChecks.namespaces(problems, "discovery.trustedNamespaces", trustedNamespaces);
    trustedNamespaces = trustedNamespaces == null ? null : List.copyOf(trustedNamespaces);
    if (namespaces != null && !namespaces.isEmpty() && trustedNamespaces != null) {
      for (String trusted : trustedNamespaces) {
        if (!namespaces.contains(trusted)) {
          problems.add("discovery.trustedNamespaces", trusted,
              "must be watched (listed in discovery.namespaces)");
        }
      }
    }
    if (SettingsChecks.present(problems, "discovery.apiServerAllowList", apiServerAllowList)) {
      apiServerAllowList = List.copyOf(apiServerAllowList);
      for (String entry : apiServerAllowList) {
        try {
          ApiServerHosts.parseAllowed(entry);
        } catch (IllegalArgumentException e) {
          problems.add("discovery.apiServerAllowList", entry, e.getMessage());
        }
      }
    }
    problems.throwIfAny();
  }

  /** The defaults, watching all namespaces. */
  public static DiscoverySettings defaults() {
    return new DiscoverySettings(DEFAULT_LABEL_SELECTOR, List.of(), DEFAULT_ID_ANNOTATION,
        DEFAULT_ETCD_ANNOTATION, DEFAULT_API_SERVER_URL_ANNOTATION,
        Optional.of(DEFAULT_PROVIDER_KEY), DEFAULT_PROVIDER, List.of(), false, true, List.of());
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A copy watching only these namespaces (none: all). */
  public DiscoverySettings withNamespaces(List<String> newNamespaces) {
    return toBuilder().namespaces(newNamespaces).build();
  }

  /** A copy with another label selector. */
  public DiscoverySettings withLabelSelector(String newSelector) {
    return toBuilder().labelSelector(newSelector).build();
  }

  /** A copy that takes the provider from this key, or always uses {@code provider}. */
  public DiscoverySettings withProvider(Optional<String> key, String provider) {
    return toBuilder().providerKey(key).defaultProvider(provider).build();
  }

  /** A copy whose Services in these namespaces may claim any cluster ID. */
  public DiscoverySettings withTrustedNamespaces(List<String> newTrusted) {
    return toBuilder().trustedNamespaces(newTrusted).build();
  }

  /** Builds settings; each setter replaces one value. Not thread-safe. */
  public static final class Builder {
    private String labelSelector;
    private List<String> namespaces;
    private String idAnnotation;
    private String etcdAnnotation;
    private String apiServerUrlAnnotation;
    private Optional<String> providerKey;
    private String defaultProvider;
    private List<String> trustedNamespaces;
    private boolean allowAnyApiServerHost;
    private boolean allowPrivateNetworkApiServers;
    private List<String> apiServerAllowList;

    private Builder(DiscoverySettings from) {
      labelSelector = from.labelSelector;
      namespaces = from.namespaces;
      idAnnotation = from.idAnnotation;
      etcdAnnotation = from.etcdAnnotation;
      apiServerUrlAnnotation = from.apiServerUrlAnnotation;
      providerKey = from.providerKey;
      defaultProvider = from.defaultProvider;
      trustedNamespaces = from.trustedNamespaces;
      allowAnyApiServerHost = from.allowAnyApiServerHost;
      allowPrivateNetworkApiServers = from.allowPrivateNetworkApiServers;
      apiServerAllowList = from.apiServerAllowList;
    }

    public Builder labelSelector(String value) {
      labelSelector = value;
      return this;
    }

    public Builder namespaces(List<String> value) {
      namespaces = value;
      return this;
    }

    public Builder idAnnotation(String value) {
      idAnnotation = value;
      return this;
    }

    public Builder etcdAnnotation(String value) {
      etcdAnnotation = value;
      return this;
    }

    public Builder apiServerUrlAnnotation(String value) {
      apiServerUrlAnnotation = value;
      return this;
    }

    public Builder providerKey(Optional<String> value) {
      providerKey = value;
      return this;
    }

    public Builder defaultProvider(String value) {
      defaultProvider = value;
      return this;
    }

    public Builder trustedNamespaces(List<String> value) {
      trustedNamespaces = value;
      return this;
    }

    public Builder allowAnyApiServerHost(boolean value) {
      allowAnyApiServerHost = value;
      return this;
    }

    public Builder allowPrivateNetworkApiServers(boolean value) {
      allowPrivateNetworkApiServers = value;
      return this;
    }

    public Builder apiServerAllowList(List<String> value) {
      apiServerAllowList = value;
      return this;
    }

    /**
     * @throws io.promcc.core.model.ValidationException listing every problem
     */
    public DiscoverySettings build() {
      return new DiscoverySettings(labelSelector, namespaces, idAnnotation, etcdAnnotation,
          apiServerUrlAnnotation, providerKey, defaultProvider, trustedNamespaces,
          allowAnyApiServerHost, allowPrivateNetworkApiServers, apiServerAllowList);
    }
  }
}
