package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.UrlText;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where the Kubernetes client's configuration is looked for when no kubeconfig is given: the
 * variables of the environment that client-go and client-java read ({@code KUBECONFIG},
 * {@code HOME}, {@code KUBERNETES_SERVICE_HOST}, {@code KUBERNETES_SERVICE_PORT}) and the folder
 * where kubelet mounts the Pod's service account; and the proxy variables client-go reads
 * through Go's {@code http.ProxyFromEnvironment} for an API server whose cluster names no
 * {@code proxy-url} ({@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code NO_PROXY}, their lower-case
 * forms, and {@code REQUEST_METHOD}). A value, so that a test or an embedding app passes its own
 * environment instead of the process's. Its {@link #toString()} shows a proxy variable's URL
 * without its user information. Immutable.
 *
 * @param env those variables of the environment, the others left out
 * @param serviceAccountDir the service account's folder, holding {@code token} and
 *     {@code ca.crt}
 */
public record ClientLookup(SortedMap<String, String> env, Path serviceAccountDir) {
  /** Where kubelet mounts the service account's token, CA and namespace. */
  public static final Path SERVICE_ACCOUNT_DIR =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
  static final String KUBECONFIG = "KUBECONFIG";
  static final String HOME = "HOME";
  static final String SERVICE_HOST = "KUBERNETES_SERVICE_HOST";
  static final String SERVICE_PORT = "KUBERNETES_SERVICE_PORT";
  static final String HTTPS_PROXY = "HTTPS_PROXY";
  static final String HTTP_PROXY = "HTTP_PROXY";
  static final String NO_PROXY = "NO_PROXY";
  /** Set in a CGI environment, where Go refuses {@code HTTP_PROXY}. */
  static final String REQUEST_METHOD = "REQUEST_METHOD";
  private static final List<String> PROXIES = List.of(HTTPS_PROXY, "https_proxy", HTTP_PROXY,
      "http_proxy");
  private static final List<String> READ = List.of(KUBECONFIG, HOME, SERVICE_HOST, SERVICE_PORT,
      HTTPS_PROXY, "https_proxy", HTTP_PROXY, "http_proxy", NO_PROXY, "no_proxy",
      REQUEST_METHOD);

  /** Copies the variables it reads from {@code env}; a null value counts as unset. */
  public ClientLookup {
    requireNonNull(env, "env == null");
    requireNonNull(serviceAccountDir, "serviceAccountDir == null");
    SortedMap<String, String> read = new TreeMap<>();
    for (String name : READ) {
      String value = env.get(name);
      if (value != null) {
        read.put(name, value);
      }
    }
    env = java.util.Collections.unmodifiableSortedMap(read);
  }

  /** The lookup in {@code env}, with the service account where kubelet mounts it. */
  public static ClientLookup of(Map<String, String> env) {
    return of(env, SERVICE_ACCOUNT_DIR);
  }

  /** The lookup in {@code env}, with the service account in {@code serviceAccountDir}. */
  public static ClientLookup of(Map<String, String> env, Path serviceAccountDir) {
    return new ClientLookup(new TreeMap<>(env), serviceAccountDir);
  }

  /** The lookup of this process. */
  public static ClientLookup system() {
    return of(System.getenv());
  }

  /** The variable's value; empty (as client-go reads it) when unset or empty. */
  String get(String name) {
    return env.getOrDefault(name, "");
  }

  /**
   * Which of {@code name} and its lower-case form Go's {@code getEnvAny} reads: the upper-case
   * one if not empty, else the lower-case one if not empty.
   */
  Optional<String> upperOrLower(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return !get(name).isEmpty() ? Optional.of(name)
        : !get(lower).isEmpty() ? Optional.of(lower) : Optional.empty();
  }

  @Override
  public String toString() {
    SortedMap<String, String> shown = new TreeMap<>(env);
    shown.replaceAll((name, value) -> PROXIES.contains(name) ? UrlText.withoutUserInfo(value)
        : value);
    return "ClientLookup[env=" + shown + ", serviceAccountDir=" + serviceAccountDir + "]";
  }
}
