package io.promcc.kube;

import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.Problems;
import io.promcc.core.model.Quoting;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where client certificates are found as Kubernetes Secrets (the original's layout).
 *
 * @param namespace the one namespace searched (RBAC grants Secrets only there)
 * @param labels labels a cluster's Secret carries; {@value #CLUSTER_PLACEHOLDER} in a value
 *     stands for the cluster ID. At least one value must contain it. The watch selects the
 *     Secrets with the labels that have no placeholder and with those that have one, whatever
 *     their value: without a fixed label, every Secret carrying the cluster's label (another
 *     component's certificate too) is listed and cached
 * @param caKey data key of the CA certificate (PEM)
 * @param certificateKey data key of the client certificate (PEM)
 * @param privateKeyKey data key of the private key (PEM)
 */
public record SecretSettings(String namespace, SortedMap<String, String> labels, String caKey,
    String certificateKey, String privateKeyKey) {
  /** Stands for the cluster ID in label values. */
  public static final String CLUSTER_PLACEHOLDER = "{cluster}";

  private static final Pattern LABEL_KEY = Pattern.compile(
      "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  /**
   * @throws io.promcc.core.model.ValidationException listing every problem: the namespace not a
   *     DNS-1123 label, no label value naming the cluster, a data key missing, empty or the same
   *     as another
   */
  public SecretSettings {
    Problems problems = new Problems("secret settings");
    SettingsChecks.namespace(problems, "secrets.namespace", namespace);
    if (SettingsChecks.present(problems, "secrets.labels", labels)) {
      labels = ImmutableSortedMap.copyOf(labels);
      for (Map.Entry<String, String> label : labels.entrySet()) {
        if (!LABEL_KEY.matcher(label.getKey()).matches()) {
          problems.add("secrets.labels", label.getKey(), "must have label names as keys");
        }
      }
      if (labels.values().stream().noneMatch(v -> v.contains(CLUSTER_PLACEHOLDER))) {
        problems.add("secrets.labels", text(labels),
            "must name the cluster with " + Quoting.quote(CLUSTER_PLACEHOLDER) + " in a value");
      }
    }
    Set<String> keys = new HashSet<>();
    dataKey(problems, "secrets.caKey", caKey, keys);
    dataKey(problems, "secrets.certificateKey", certificateKey, keys);
    dataKey(problems, "secrets.privateKeyKey", privateKeyKey, keys);
    problems.throwIfAny();
  }

  private static void dataKey(Problems problems, String field, String key, Set<String> seen) {
    SettingsChecks.notBlank(problems, field, key);
    if (key != null && !key.isBlank() && !seen.add(key)) {
      problems.add(field, key, "must differ from the other data keys");
    }
  }

  private static String text(Map<String, String> labels) {
    return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
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

  /**
   * The selector of the watch: the labels that are the same for every cluster, and the presence
   * of those that name it (default {@code clusterComponent=prometheus,clusterID}). Never empty:
   * labels with no fixed part watch the Secrets that carry the cluster's label, not every Secret
   * of the namespace with its data.
   */
  String watchSelector() {
    return labels.entrySet().stream().map(e -> e.getValue().contains(CLUSTER_PLACEHOLDER)
        ? e.getKey() : e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }

  /** {@code k=v,...} for a cluster, for messages. */
  String selectorFor(String clusterId) {
    return labelsFor(clusterId).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
