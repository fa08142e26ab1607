package io.promcc.it;

import static io.promcc.it.HostileValues.credentials;
import static io.promcc.it.HostileValues.dnsLabels;
import static io.promcc.it.HostileValues.inClusterNameUrls;
import static io.promcc.it.HostileValues.labelValues;
import static java.util.Objects.requireNonNull;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.promcc.core.testing.ModelArbitraries;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
        .filter(HostileValues::survivesUtf8)));
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
      case INVALID_ID -> annotations.put(ID_ANNOTATION, draw(HostileValues.invalidIds()));
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
      case USER_INFO -> annotations.put(URL_ANNOTATION, draw(HostileValues.userInfoForms()
          .map(form -> form.formatted(draw(credentials()), fresh))));
      case OTHER_SCHEME -> annotations.put(URL_ANNOTATION,
          draw(HostileValues.otherSchemeUrls(namespace)));
      case MALFORMED_URL -> annotations.put(URL_ANNOTATION, draw(HostileValues.malformedUrls()));
      case LOOPBACK -> annotations.put(URL_ANNOTATION, draw(HostileValues.loopbackUrls()));
      case LINK_LOCAL -> annotations.put(URL_ANNOTATION, draw(HostileValues.linkLocalUrls()));
      case NON_ROUTABLE -> annotations.put(URL_ANNOTATION, draw(HostileValues.nonRoutableUrls()));
      case IN_CLUSTER_NAME -> annotations.put(URL_ANNOTATION,
          draw(Arbitraries.of(inClusterNameUrls(namespace, name))));
      case INVALID_PORT -> port = draw(HostileValues.invalidPorts());
      case INVALID_ETCD -> {
        annotations.put(URL_ANNOTATION, "https://api." + namespace + ".example.com");
        annotations.put(ETCD_ANNOTATION, draw(HostileValues.invalidEtcdEndpoints()));
      }
      case INVALID_PROVIDER -> {
        annotations.put(URL_ANNOTATION, "https://api." + namespace + ".example.com");
        annotations.put(PROVIDER_ANNOTATION, draw(HostileValues.invalidProviders()));
      }
      case NO_ID -> annotations.remove(ID_ANNOTATION);
      default -> throw new AssertionError(kind);
    }
    V1Service service = service(namespace, name, annotations, port);
    Verdict verdict = kind.reason == null ? new Verdict.Ignored()
        : new Verdict.Rejected(kind.reason);
    return new HostileService(service, kind.name, verdict);
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
          .filter(HostileValues::survivesUtf8)));
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

  private <T> T draw(Arbitrary<T> arbitrary) {
    return arbitrary.generator(GEN_SIZE).next(random).value();
  }

  private String pick(List<String> values) {
    return values.get(random.nextInt(values.size()));
  }
}
