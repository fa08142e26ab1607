package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;

/**
 * Where client certificates are found as Kubernetes Secrets (the original's layout).
 *
 * @param namespace the one namespace searched (RBAC grants Secrets only there)
 * @param labels labels a cluster's Secret carries; {@value #CLUSTER_PLACEHOLDER} in a value
 *     stands for the cluster ID. At least one value must contain it.
 * @param caKey data key of the CA certificate (PEM)
 * @param certificateKey data key of the client certificate (PEM)
 * @param privateKeyKey data key of the private key (PEM)
 */
public record SecretSettings(String namespace, SortedMap<String, String> labels, String caKey,
    String certificateKey, String privateKeyKey) {
  /** Stands for the cluster ID in label values. */
  public static final String CLUSTER_PLACEHOLDER = "{cluster}";

  /**
   * @throws IllegalArgumentException if a name is blank or no label names the cluster
   */
  public SecretSettings {
    requireNonNull(namespace, "namespace == null");
    labels = ImmutableSortedMap.copyOf(requireNonNull(labels, "labels == null"));
    requireNonNull(caKey, "caKey == null");
    requireNonNull(certificateKey, "certificateKey == null");
    requireNonNull(privateKeyKey, "privateKeyKey == null");
    if (namespace.isBlank() || caKey.isBlank() || certificateKey.isBlank()
        || privateKeyKey.isBlank()) {
      throw new IllegalArgumentException("secret namespace and data keys must not be blank");
    }
    if (labels.values().stream().noneMatch(v -> v.contains(CLUSTER_PLACEHOLDER))) {
      throw new IllegalArgumentException("secret labels must name the cluster with "
          + CLUSTER_PLACEHOLDER + ": " + labels);
    }
  }

  /** Namespace {@code default}, labels {@code clusterID={cluster}, clusterComponent=prometheus}. */
  public static SecretSettings defaults() {
    return new SecretSettings("default",
        ImmutableSortedMap.of("clusterID", CLUSTER_PLACEHOLDER, "clusterComponent", "prometheus"),
        "ca", "crt", "key");
  }

  /** A copy searching another namespace. */
  public SecretSettings withNamespace(String newNamespace) {
    return new SecretSettings(newNamespace, labels, caKey, certificateKey, privateKeyKey);
  }

  /** The labels of {@code clusterId}'s Secret. */
  SortedMap<String, String> labelsFor(String clusterId) {
    return ImmutableSortedMap.copyOf(labels.entrySet().stream().collect(Collectors.toMap(
        Map.Entry::getKey, e -> e.getValue().replace(CLUSTER_PLACEHOLDER, clusterId))));
  }

  /** Selector of the labels that are the same for every cluster (narrows the watch); may be "". */
  String staticSelector() {
    return labels.entrySet().stream().filter(e -> !e.getValue().contains(CLUSTER_PLACEHOLDER))
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }

  /** {@code k=v,...} for a cluster, for messages. */
  String selectorFor(String clusterId) {
    return labelsFor(clusterId).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
