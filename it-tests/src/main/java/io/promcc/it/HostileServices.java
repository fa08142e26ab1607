package io.promcc.it;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.promcc.core.testing.ModelArbitraries;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.sessions.JqwikSession;

/**
 * Seeded, reproducible Services for the host API that try everything a Service author might:
 * IDs that are not DNS labels, IDs of other namespaces and of established clusters, API server
 * URLs with user info, other schemes, newlines, quotes, {@code $}, numeric tricks, loopback,
 * link-local and in-cluster hosts, bad ports and etcd endpoints, unprintable and huge providers,
 * and on every Service hostile noise labels and annotations (10,000-character values, newlines,
 * YAML and relabel syntax). The values come from core's {@link ModelArbitraries}, drawn with a
 * {@link Random} of the given seed: the same seed gives the same Services.
 *
 * <p>Each Service is hostile in one decisive way and carries the {@link Verdict} the rules of
 * {@code docs/kube-adapter.md} give it, for a controller whose only relaxation is the API server
 * allow list {@code 127.0.0.1/32} (the guest API runs on loopback). The good ones are guest
 * clusters at the given guest API URL, with providers full of quotes, {@code $1} and YAML syntax;
 * every good one comes first in the list, so that an established cluster is older than the
 * Services that later claim its ID.
 *
 * <p>Names and namespaces are what the API server accepts (DNS labels; Service names start with
 * a letter) but chosen to mislead: {@code default}, {@code kube-system}, 63 characters, digits
 * only. Label values are valid Kubernetes label values; annotation values are anything, as in
 * Kubernetes. No string here changes in a UTF-8 round trip (a lone surrogate would reach the
 * controller as {@code ?}), so what the controller sees is what was generated.
 *
 * <p>Thread-safe (no state).
 */
public final class HostileServices {
  /** The ID annotation of {@code promcc run}'s default settings. */
  public static final String ID_ANNOTATION = "giantswarm.io/prometheus-cluster";
  /** The API server URL annotation. */
  public static final String URL_ANNOTATION = "promcc.io/api-server-url";
  /** The etcd annotation. */
  public static final String ETCD_ANNOTATION = "giantswarm.io/etcd-domain";
  /** The provider annotation. */
  public static final String PROVIDER_ANNOTATION = "promcc.io/provider";
  /** The allow list the verdicts assume ({@code --api-server-allow-list}). */
  public static final String ALLOW_LIST = "127.0.0.1/32";

  /** The Services of {@code HostileServicesIT}: how many, and how many of them good. */
  public static final int IT_COUNT = 1000;
  /** The good ones among {@link #IT_COUNT}. */
  public static final int IT_GOOD = 20;
  /** Misleading namespaces, drawn now and then instead of a random DNS label. */
  static final List<String> MISLEADING_NAMESPACES = List.of("default", "kube-system",
      "kube-public", "monitoring", "vault", "master", "kubernetes", "promcc", "prometheus");
  /** Misleading Service names, drawn about half of the time. */
  static final List<String> MISLEADING_NAMES = List.of("master", "kubernetes", "api",
      "prometheus", "a");
  private static final List<String> IN_CLUSTER_URLS = List.of("https://kubernetes",
      "https://kubernetes.default", "https://kubernetes.default.svc",
      "https://kubernetes.default.svc.cluster.local", "https://vault.vault.svc:8200",
      "https://prometheus.monitoring:9090", "https://printer.local");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
  private static final int GEN_SIZE = 1000;
  /**
   * Longest ID of a good cluster: its client certificate's common name
   * ({@code prometheus.<id>.k8s.example}) must stay within X.509's 64 characters.
   */
  private static final int GOOD_ID_MAX = 40;

  /** What the controller must make of a Service. */
  public sealed interface Verdict {
    /** A guest cluster with this ID, whose jobs Prometheus loads. */
    record Accepted(String clusterId) implements Verdict {}

    /** Left out with this rejection reason, e.g. {@code api-server-user-info}. */
    record Rejected(String reason) implements Verdict {}

    /** Not a guest cluster and nothing wrong with it (no ID annotation): no reason, no job. */
    record Ignored() implements Verdict {}
  }

  /**
   * A generated Service, what it tries and what must come of it.
   *
   * @param kind the hostility, e.g. {@code user-info} ({@code good} for the good ones)
   */
  public record HostileService(V1Service service, String kind, Verdict verdict) {
    public HostileService {
      requireNonNull(service, "service == null");
      requireNonNull(kind, "kind == null");
      requireNonNull(verdict, "verdict == null");
    }

    /** Its namespace. */
    public String namespace() {
      return service.getMetadata().getNamespace();
    }

    /** Its name. */
    public String name() {
      return service.getMetadata().getName();
    }

    /** {@code service "ns/name"}, as the controller names it in logs and rejections. */
    public String subject() {
      return "service \"" + namespace() + "/" + name() + "\"";
    }
  }

  private final Random random;
  private final URI guestApi;
  private final Set<String> namespaces = new HashSet<>();
  private final Set<String> keys = new HashSet<>();
  private final List<String> goodIds = new ArrayList<>();

  private HostileServices(long seed, URI guestApi) {
    this.random = new Random(seed);
    this.guestApi = guestApi;
  }

  /**
   * {@code count} Services, the first {@code good} of them good guest clusters at
   * {@code guestApi}, the rest hostile in the ways listed above (each way about equally often).
   *
   * @throws IllegalArgumentException if {@code good} is not between 1 and {@code count}
   */
  public static List<HostileService> generate(long seed, int count, int good, URI guestApi) {
    requireNonNull(guestApi, "guestApi == null");
    if (good < 1 || good > count) {
      throw new IllegalArgumentException("good must be between 1 and count " + count + ", found "
          + good);
    }
    // jqwik memoizes generators in a session; outside a property one must be opened
    boolean ownSession = !JqwikSession.isActive();
    if (ownSession) {
      JqwikSession.start();
    }
    try {
      return new HostileServices(seed, guestApi).all(count, good);
    } finally {
      if (ownSession) {
        JqwikSession.finish();
      }
    }
  }

  private List<HostileService> all(int count, int good) {
    List<HostileService> out = new ArrayList<>();
    for (int i = 0; i < good; i++) {
      out.add(good());
    }
    List<Kind> kinds = List.of(Kind.values());
    for (int i = good; i < count; i++) {
      out.add(hostile(kinds.get((i - good) % kinds.size())));
    }
    return List.copyOf(out);
  }

  /** The ways a Service is hostile, each with the reason it must get. */
  private enum Kind {
    INVALID_ID("invalid-id", "invalid-cluster-id"),
    NAMESPACE_MISMATCH("namespace-mismatch", "cluster-id-namespace-mismatch"),
    DUPLICATE("duplicate", "duplicate-cluster-id"),
    USER_INFO("user-info", "api-server-user-info"),
    OTHER_SCHEME("other-scheme", "api-server-not-https"),
    MALFORMED_URL("malformed-url", "invalid-api-server"),
    LOOPBACK("loopback", "api-server-loopback"),
    LINK_LOCAL("link-local", "api-server-link-local"),
    NON_ROUTABLE("non-routable", "api-server-non-routable"),
    IN_CLUSTER_NAME("in-cluster-name", "api-server-in-cluster-name"),
    INVALID_PORT("invalid-port", "invalid-port"),
    INVALID_ETCD("invalid-etcd", "invalid-etcd-endpoint"),
    INVALID_PROVIDER("invalid-provider", "invalid-provider"),
    NO_ID("no-id", null);

    final String name;
    final String reason;

    Kind(String name, String reason) {
      this.name = name;
      this.reason = reason;
    }
  }

  private HostileService good() {
    String id = freshNamespace();
    while (id.length() > GOOD_ID_MAX) {
      id = freshNamespace();
    }
    goodIds.add(id);
    keys.add(id + "/master");
    Map<String, String> annotations = idAnnotation(id);
    annotations.put(URL_ANNOTATION, guestApi.toString());
    annotations.put(PROVIDER_ANNOTATION, draw(ModelArbitraries.providers()
        .filter(HostileServices::survivesUtf8)));
    V1Service service = service(id, "master", annotations, 443);
    return new HostileService(service, "good", new Verdict.Accepted(id));
  }

  private HostileService hostile(Kind kind) {
    final String fresh = freshNamespace();
    String namespace = fresh;
    String name = serviceName(fresh);
    Map<String, String> annotations = idAnnotation(fresh);
    int port = 443;
    switch (kind) {
      case INVALID_ID -> annotations.put(ID_ANNOTATION, draw(ModelArbitraries.hostileStrings()
          .filter(s -> !s.isEmpty() && !DNS_LABEL.matcher(s).matches() && survivesUtf8(s))));
      case NAMESPACE_MISMATCH -> {
        // half of them try to take over an established cluster
        String claimed = random.nextBoolean() ? pick(goodIds)
            : draw(ModelArbitraries.clusterIdValues().filter(id -> !id.equals(fresh)));
        annotations.put(ID_ANNOTATION, claimed);
        annotations.put(URL_ANNOTATION, "https://api." + claimed + ".attacker.example.com");
      }
      case DUPLICATE -> {
        // the victim's own namespace (as if its owner had a second Service), created later
        namespace = pick(goodIds);
        name = uniqueName(namespace, "master-" + draw(dnsLabels().filter(s -> s.length() < 50)));
        annotations = idAnnotation(namespace);
        annotations.put(URL_ANNOTATION, "https://api.attacker.example.com:6443");
      }
      case USER_INFO -> annotations.put(URL_ANNOTATION, draw(Arbitraries.of(
              "https://%s@api.%s.example.com", "https://%s@api.%s.example.com:6443",
              "http://%s@%s.example.com", "%s@api.%s.example.com", "https:/%s@api.%s.example.com",
              "https://api.%2$s.example.com/%1$s@x", "https://%s@127.0.0.1/%s")
          .map(form -> form.formatted(draw(credentials()), fresh))));
      case OTHER_SCHEME -> annotations.put(URL_ANNOTATION, draw(Arbitraries.of(
          "http://api." + namespace + ".example.com", "ftp://api.example.com",
          "file:///etc/passwd", "gopher://api.example.com:70", "ws://api.example.com",
          "ldap://api.example.com", "javascript:alert(1)", "//api.example.com",
          "api.example.com:6443", "unix:///var/run/docker.sock",
          "http://169.254.169.254/latest/meta-data/")));
      case MALFORMED_URL -> annotations.put(URL_ANNOTATION, draw(Arbitraries.of(
          "https://api.example.com\n", "https://api.example.com\n- job_name: evil",
          "https://api.example.com\r\nX-Evil: 1", "https://a b.example.com",
          "https://\"api\".example.com", "https://api.example.com\"", "https://'api'.example.com",
          "https://$1.example.com", "https://${HOST}.example.com", "https://$(id).example.com",
          "https://api.example.com/path", "https://api.example.com/?x=1",
          "https://api.example.com#frag", "https://api.example.com:99999", "https://",
          "https://127.1", "https://2130706433", "https://0x7f000001", "https://0177.0.0.1",
          "https://[fe80::1%25eth0]", "https://api.example.com:6443{}",
          "https://" + "a".repeat(10_000) + ".example.com", "https://api.example.com/"
              + "$".repeat(10_000))));
      case LOOPBACK -> annotations.put(URL_ANNOTATION, draw(Arbitraries.of(
          "https://127.0.0.2", "https://127.8.9.10:6443", "https://localhost",
          "https://localhost:6443", "https://api.localhost", "https://[::1]:6443",
          "https://[::ffff:127.0.0.2]")));
      case LINK_LOCAL -> annotations.put(URL_ANNOTATION, draw(Arbitraries.of(
          "https://169.254.169.254", "https://169.254.169.254:443", "https://[fe80::1]",
          "https://[::ffff:169.254.169.254]")));
      case NON_ROUTABLE -> annotations.put(URL_ANNOTATION, draw(Arbitraries.of(
          "https://0.0.0.0", "https://[::]", "https://224.0.0.1", "https://255.255.255.255",
          "https://240.0.0.1", "https://192.0.2.10", "https://[ff02::1]")));
      case IN_CLUSTER_NAME -> annotations.put(URL_ANNOTATION,
          draw(Arbitraries.of(inClusterNameUrls(namespace, name))));
      case INVALID_PORT -> port = draw(Arbitraries.of(0, -1, 65_536, 70_000, Integer.MAX_VALUE));
      case INVALID_ETCD -> {
        annotations.put(URL_ANNOTATION, "https://api." + namespace + ".example.com");
        annotations.put(ETCD_ANNOTATION, draw(Arbitraries.oneOf(
            Arbitraries.of("https://etcd.example.com:2379", "etcd.example.com:99999", "a b:2379",
                "etcd.example.com:2379\n", "$(id):2379", "'etcd':2379", "\"etcd\":2379",
                ":2379", "etcd.example.com:-1", "${ETCD}:2379", "etcd:2379/x"),
            ModelArbitraries.hostileStrings().filter(s -> !s.isEmpty() && survivesUtf8(s)
                && !s.matches("[A-Za-z0-9.\\-:\\[\\]]+")))));
      }
      case INVALID_PROVIDER -> {
        annotations.put(URL_ANNOTATION, "https://api." + namespace + ".example.com");
        annotations.put(PROVIDER_ANNOTATION, draw(ModelArbitraries.hostileStrings().filter(s ->
            !s.isEmpty() && survivesUtf8(s) && !ModelArbitraries.isPrintableText(s))));
      }
      case NO_ID -> annotations.remove(ID_ANNOTATION);
      default -> throw new AssertionError(kind);
    }
    V1Service service = service(namespace, name, annotations, port);
    Verdict verdict = kind.reason == null ? new Verdict.Ignored()
        : new Verdict.Rejected(kind.reason);
    return new HostileService(service, kind.name, verdict);
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

  /** A Service with the selector's labels, hostile noise labels and annotations. */
  private V1Service service(String namespace, String name, Map<String, String> annotations,
      int port) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "master");
    labels.put("giantswarm.io/cluster", draw(labelValues()));
    int noise = random.nextInt(4);
    for (int i = 0; i < noise; i++) {
      labels.put(draw(Arbitraries.of("evil.example.com/", "", "kubernetes.io/", "promcc.io/"))
          + draw(dnsLabels().filter(s -> s.length() <= 40)), draw(labelValues()));
      annotations.put("note.example.com/n" + i, draw(ModelArbitraries.hostileStrings()
          .filter(HostileServices::survivesUtf8)));
    }
    return new V1Service()
        .metadata(new V1ObjectMeta().namespace(namespace).name(name).labels(labels)
            .annotations(annotations))
        .spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().name("https").port(port)
            .protocol("TCP"))));
  }

  private Map<String, String> idAnnotation(String id) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(ID_ANNOTATION, id);
    return annotations;
  }

  /**
   * A namespace nobody has used yet: a misleading well-known name while any is left, else a
   * DNS label (digits only, 63 characters, inner hyphens).
   */
  private String freshNamespace() {
    for (int attempt = 0; attempt < 1000; attempt++) {
      String candidate = random.nextInt(20) == 0 ? draw(Arbitraries.of(MISLEADING_NAMESPACES))
          : draw(ModelArbitraries.clusterIdValues());
      if (namespaces.add(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no fresh namespace after 1000 draws");
  }

  /** A Service name (a DNS-1035 label: it starts with a letter), unique in {@code namespace}. */
  private String serviceName(String namespace) {
    return uniqueName(namespace, draw(Arbitraries.oneOf(Arbitraries.of(MISLEADING_NAMES),
        dnsLabels().filter(s -> Character.isLetter(s.charAt(0))))));
  }

  private String uniqueName(String namespace, String name) {
    String candidate = name;
    for (int i = 2; !keys.add(namespace + "/" + candidate); i++) {
      String suffix = "-" + i;
      candidate = (name.length() + suffix.length() > 63
          ? name.substring(0, 63 - suffix.length()) : name) + suffix;
    }
    return candidate;
  }

  private static Arbitrary<String> dnsLabels() {
    return ModelArbitraries.clusterIdValues();
  }

  /** Kubernetes label values: core's label values that also fit Kubernetes' rules, or empty. */
  private static Arbitrary<String> labelValues() {
    return Arbitraries.oneOf(
        ModelArbitraries.labelValues().filter(v -> LABEL_VALUE.matcher(v).matches()),
        Arbitraries.of("", "a".repeat(63), "0", "a-b_c.d", "x"));
  }

  /** User info of every shape: a password with {@code :}, {@code @}, quotes, newlines. */
  private static Arbitrary<String> credentials() {
    return Arbitraries.oneOf(
        Arbitraries.of("admin:hunter2", "admin", ":", "a:b:c", "user%40x:p%3Ass", "u:p@q",
            "admin:\"quoted\"", "admin:$1${2}", "admin:pass\nword", "x".repeat(10_000)),
        ModelArbitraries.hostileStrings().filter(HostileServices::survivesUtf8)
            .map(s -> "admin:" + s));
  }

  private <T> T draw(Arbitrary<T> arbitrary) {
    return arbitrary.generator(GEN_SIZE).next(random).value();
  }

  private String pick(List<String> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** Whether {@code text} reaches the controller unchanged through JSON in UTF-8. */
  static boolean survivesUtf8(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(text);
  }
}
