package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Whether, and where, tests may use a real Kubernetes cluster. They create and delete objects, so
 * they run only when asked explicitly: {@value #OPT_IN}{@code =true} and {@code KUBECONFIG} both
 * set. They work in one dedicated namespace: {@value #NAMESPACE} if set (created if absent; a
 * namespace that existed before is kept and only the tests' own objects are deleted), else a
 * fresh {@code promcc-test-<random>} that is created and deleted. System namespaces
 * ({@code default}, {@code kube-*}) are refused.
 */
final class RealCluster {
  /** Must be {@code true} for any test to touch a real cluster. */
  static final String OPT_IN = "PROMCC_REAL_CLUSTER_TESTS";
  /** The dedicated namespace to work in (optional). */
  static final String NAMESPACE = "PROMCC_TEST_NAMESPACE";

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** Where to run: the kubeconfig file and the namespace (named by the user or generated). */
  record Target(Path kubeconfig, String namespace, boolean namedByUser) {
    Target {
      requireNonNull(kubeconfig, "kubeconfig == null");
      requireNonNull(namespace, "namespace == null");
    }
  }

  private RealCluster() {}

  /**
   * Decides from the environment.
   *
   * @return the target, or empty when the real-cluster tests must be skipped
   * @throws IllegalArgumentException if opted in with an unusable namespace name
   */
  static Optional<Target> from(Map<String, String> env) {
    if (!"true".equals(env.get(OPT_IN))) {
      return Optional.empty();
    }
    String kubeconfig = env.get("KUBECONFIG");
    if (kubeconfig == null || kubeconfig.isBlank()) {
      return Optional.empty();
    }
    Path first = Path.of(kubeconfig.split(java.io.File.pathSeparator)[0]);
    String named = env.get(NAMESPACE);
    if (named == null || named.isBlank()) {
      return Optional.of(new Target(first,
          "promcc-test-" + UUID.randomUUID().toString().substring(0, 8), false));
    }
    if (named.length() > 63 || !DNS_LABEL.matcher(named).matches()) {
      throw new IllegalArgumentException(NAMESPACE + " must be a DNS-1123 label, found \""
          + named + "\"");
    }
    if (named.equals("default") || named.startsWith("kube-")) {
      throw new IllegalArgumentException(NAMESPACE + " must be a namespace dedicated to the "
          + "tests, not a system namespace, found \"" + named + "\"");
    }
    return Optional.of(new Target(first, named, true));
  }

  /** Why tests skip when {@link #from} is empty. */
  static String skipReason() {
    return "real-cluster tests run only with " + OPT_IN + "=true and KUBECONFIG set";
  }
}
