package io.promcc.it;

import io.promcc.core.testing.ModelArbitraries;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * The hostile values {@link HostileServices} draws a Service's fields from, one arbitrary per way
 * of being hostile: API server URLs with user info, other schemes, broken syntax, loopback,
 * link-local, non-routable and in-cluster hosts, bad ports, etcd endpoints, IDs and providers;
 * and the well-formed values around them (DNS labels, Kubernetes label values). Every string
 * survives a UTF-8 round trip. Stateless; thread-safe.
 */
final class HostileValues {
  private static final List<String> IN_CLUSTER_URLS = List.of("https://kubernetes",
      "https://kubernetes.default", "https://kubernetes.default.svc",
      "https://kubernetes.default.svc.cluster.local", "https://vault.vault.svc:8200",
      "https://prometheus.monitoring:9090", "https://printer.local");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

  private HostileValues() {}

  /** Cluster IDs that are not DNS labels. */
  static Arbitrary<String> invalidIds() {
    return ModelArbitraries.hostileStrings()
        .filter(s -> !s.isEmpty() && !DNS_LABEL.matcher(s).matches() && survivesUtf8(s));
  }

  /**
   * Forms of an API server URL with user info: {@code %1$s} the user info, {@code %2$s} the
   * cluster's namespace.
   */
  static Arbitrary<String> userInfoForms() {
    return Arbitraries.of(
        "https://%s@api.%s.example.com", "https://%s@api.%s.example.com:6443",
        "http://%s@%s.example.com", "%s@api.%s.example.com", "https:/%s@api.%s.example.com",
        "https://api.%2$s.example.com/%1$s@x", "https://%s@127.0.0.1/%s");
  }

  /** API server URLs of another scheme than {@code https}, or of none. */
  static Arbitrary<String> otherSchemeUrls(String namespace) {
    return Arbitraries.of(
        "http://api." + namespace + ".example.com", "ftp://api.example.com",
        "file:///etc/passwd", "gopher://api.example.com:70", "ws://api.example.com",
        "ldap://api.example.com", "javascript:alert(1)", "//api.example.com",
        "api.example.com:6443", "unix:///var/run/docker.sock",
        "http://169.254.169.254/latest/meta-data/");
  }

  /** API server URLs with newlines, quotes, {@code $}, paths, numeric tricks, huge hosts. */
  static Arbitrary<String> malformedUrls() {
    return Arbitraries.of(
        "https://api.example.com\n", "https://api.example.com\n- job_name: evil",
        "https://api.example.com\r\nX-Evil: 1", "https://a b.example.com",
        "https://\"api\".example.com", "https://api.example.com\"", "https://'api'.example.com",
        "https://$1.example.com", "https://${HOST}.example.com", "https://$(id).example.com",
        "https://api.example.com/path", "https://api.example.com/?x=1",
        "https://api.example.com#frag", "https://api.example.com:99999", "https://",
        "https://127.1", "https://2130706433", "https://0x7f000001", "https://0177.0.0.1",
        "https://[fe80::1%25eth0]", "https://api.example.com:6443{}",
        "https://" + "a".repeat(10_000) + ".example.com", "https://api.example.com/"
            + "$".repeat(10_000));
  }

  /** Loopback API servers outside the allow list {@code 127.0.0.1/32}. */
  static Arbitrary<String> loopbackUrls() {
    return Arbitraries.of(
        "https://127.0.0.2", "https://127.8.9.10:6443", "https://localhost",
        "https://localhost:6443", "https://api.localhost", "https://[::1]:6443",
        "https://[::ffff:127.0.0.2]");
  }

  /** Link-local API servers (the cloud metadata address among them). */
  static Arbitrary<String> linkLocalUrls() {
    return Arbitraries.of(
        "https://169.254.169.254", "https://169.254.169.254:443", "https://[fe80::1]",
        "https://[::ffff:169.254.169.254]");
  }

  /** Unspecified, multicast, broadcast, reserved and documentation addresses. */
  static Arbitrary<String> nonRoutableUrls() {
    return Arbitraries.of(
        "https://0.0.0.0", "https://[::]", "https://224.0.0.1", "https://255.255.255.255",
        "https://240.0.0.1", "https://192.0.2.10", "https://[ff02::1]");
  }

  /** Service ports outside 1 to 65535. */
  static Arbitrary<Integer> invalidPorts() {
    return Arbitraries.of(0, -1, 65_536, 70_000, Integer.MAX_VALUE);
  }

  /** etcd endpoints that are not {@code host:port}. */
  static Arbitrary<String> invalidEtcdEndpoints() {
    return Arbitraries.oneOf(
        Arbitraries.of("https://etcd.example.com:2379", "etcd.example.com:99999", "a b:2379",
            "etcd.example.com:2379\n", "$(id):2379", "'etcd':2379", "\"etcd\":2379",
            ":2379", "etcd.example.com:-1", "${ETCD}:2379", "etcd:2379/x"),
        ModelArbitraries.hostileStrings().filter(s -> !s.isEmpty() && survivesUtf8(s)
            && !s.matches("[A-Za-z0-9.\\-:\\[\\]]+")));
  }

  /** Providers that are not printable text. */
  static Arbitrary<String> invalidProviders() {
    return ModelArbitraries.hostileStrings().filter(s ->
        !s.isEmpty() && survivesUtf8(s) && !ModelArbitraries.isPrintableText(s));
  }

  /**
   * The in-cluster API server URLs a Service {@code namespace/name} may carry: all but those
   * naming the Service itself ({@code name.namespace}, {@code .svc} and {@code .svc.<domain>}),
   * which the adapter accepts (docs/kube-adapter.md), so that Service {@code vault} in namespace
   * {@code vault} never gets {@code https://vault.vault.svc:8200} as a URL that must be
   * refused. Service {@code kubernetes} in namespace {@code default}, the host's own API server,
   * has no such exception: every URL is refused for it.
   */
  static List<String> inClusterNameUrls(String namespace, String name) {
    if (namespace.equals("default") && name.equals("kubernetes")) {
      return IN_CLUSTER_URLS; // the host's own API server has no own name to point at
    }
    String own = name + "." + namespace;
    List<String> urls = new ArrayList<>();
    for (String url : IN_CLUSTER_URLS) {
      String host = URI.create(url).getHost();
      if (!host.equals(own) && !host.equals(own + ".svc") && !host.startsWith(own + ".svc.")) {
        urls.add(url);
      }
    }
    return List.copyOf(urls);
  }

  static Arbitrary<String> dnsLabels() {
    return ModelArbitraries.clusterIdValues();
  }

  /** Kubernetes label values: core's label values that also fit Kubernetes' rules, or empty. */
  static Arbitrary<String> labelValues() {
    return Arbitraries.oneOf(
        ModelArbitraries.labelValues().filter(v -> LABEL_VALUE.matcher(v).matches()),
        Arbitraries.of("", "a".repeat(63), "0", "a-b_c.d", "x"));
  }

  /** User info of every shape: a password with {@code :}, {@code @}, quotes, newlines. */
  static Arbitrary<String> credentials() {
    return Arbitraries.oneOf(
        Arbitraries.of("admin:hunter2", "admin", ":", "a:b:c", "user%40x:p%3Ass", "u:p@q",
            "admin:\"quoted\"", "admin:$1${2}", "admin:pass\nword", "x".repeat(10_000)),
        ModelArbitraries.hostileStrings().filter(HostileValues::survivesUtf8)
            .map(s -> "admin:" + s));
  }

  /** Whether {@code text} reaches the controller unchanged through JSON in UTF-8. */
  static boolean survivesUtf8(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(text);
  }
}
