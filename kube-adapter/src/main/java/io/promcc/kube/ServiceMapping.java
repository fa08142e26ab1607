package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSortedMap;
import com.google.common.net.HostAndPort;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.ClusterSnapshot;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The pure mapping from a {@link V1Service} to a guest cluster, and from the mapped Services to a
 * {@link ClusterSnapshot}. No I/O, no clock: the same Services give the same snapshot whatever
 * their order, so replicas agree.
 *
 * <p>Rules: a Service being deleted, or without the ID annotation, is not a guest cluster
 * ({@link Outcome.Ignored}). A Service claims only the cluster ID equal to its namespace's name,
 * unless its namespace is trusted ({@link DiscoverySettings#trustedNamespaces()}). The API server
 * is the URL annotation if present (https only, no user info, and a routable host, see
 * {@link ApiServerHosts}), else {@code https://<name>.<namespace>[:port]} from the Service port
 * named {@code https}, else its port 443, else its first port (443 is left out; no ports means
 * 443). Invalid data is a {@link Outcome.Rejected} with one of the reasons below; of several
 * Services claiming one ID, the established one keeps it (see {@link #snapshot}).
 *
 * <p>Immutable and thread-safe.
 */
public final class ServiceMapping {
  /** Rejection reason: the ID annotation is not a DNS-1123 label. */
  public static final String INVALID_CLUSTER_ID = "invalid-cluster-id";
  /** Rejection reason: a Service outside a trusted namespace claims another namespace's ID. */
  public static final String CLUSTER_ID_NAMESPACE_MISMATCH = "cluster-id-namespace-mismatch";
  /** Rejection reason: the URL annotation is not a valid API server URL. */
  public static final String INVALID_API_SERVER = "invalid-api-server";
  /** Rejection reason: the URL annotation is not https. */
  public static final String API_SERVER_NOT_HTTPS = "api-server-not-https";
  /** Rejection reason: the URL annotation carries user info (which is never printed). */
  public static final String API_SERVER_USER_INFO = "api-server-user-info";
  /** Rejection reason: the API server host is a loopback address or name. */
  public static final String API_SERVER_LOOPBACK = "api-server-loopback";
  /** Rejection reason: the API server host is link-local (e.g. 169.254.169.254). */
  public static final String API_SERVER_LINK_LOCAL = "api-server-link-local";
  /** Rejection reason: the API server host is unspecified, multicast, reserved or similar. */
  public static final String API_SERVER_NON_ROUTABLE = "api-server-non-routable";
  /** Rejection reason: the API server host is in a private network and those are not allowed. */
  public static final String API_SERVER_PRIVATE_NETWORK = "api-server-private-network";
  /** Rejection reason: the API server host is an in-cluster name other than the Service's own. */
  public static final String API_SERVER_IN_CLUSTER_NAME = "api-server-in-cluster-name";
  /** Rejection reason: the Service's port is missing or out of range. */
  public static final String INVALID_PORT = "invalid-port";
  /** Rejection reason: the etcd annotation is not a host or {@code host:port}. */
  public static final String INVALID_ETCD_ENDPOINT = "invalid-etcd-endpoint";
  /** Rejection reason: the provider is not acceptable. */
  public static final String INVALID_PROVIDER = "invalid-provider";
  /** Rejection reason: an established Service already claims the same cluster ID. */
  public static final String DUPLICATE_CLUSTER_ID = "duplicate-cluster-id";

  /** A namespace (DNS label) and a Service name (DNS subdomain), as the API server allows. */
  private static final Pattern API_SERVER_NAMES =
      Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  private final DiscoverySettings settings;
  private final ApiServerAnnotation apiServerAnnotation;

  public ServiceMapping(DiscoverySettings settings) {
    this.settings = requireNonNull(settings, "settings == null");
    this.apiServerAnnotation = new ApiServerAnnotation(settings);
  }

  /**
   * Who claims a cluster ID, ordered so that the established claimant comes first: the older
   * {@code creationTimestamp} (set by the API server, so a claimant cannot backdate itself), then
   * namespace and name. Every replica orders the same Services the same way.
   *
   * @param created the Service's creation time; empty (unknown) sorts last
   */
  public record Claim(Optional<Instant> created, String namespace, String name)
      implements Comparable<Claim> {
    private static final Comparator<Claim> ORDER = Comparator
        .comparing((Claim c) -> c.created().orElse(Instant.MAX))
        .thenComparing(Claim::namespace).thenComparing(Claim::name);

    public Claim {
      requireNonNull(created, "created == null");
      requireNonNull(namespace, "namespace == null");
      requireNonNull(name, "name == null");
    }

    @Override
    public int compareTo(Claim other) {
      return ORDER.compare(this, other);
    }

    String describe() {
      return "service " + Quoting.quote(namespace + "/" + name) + " ("
          + created.map(t -> "created " + DateTimeFormatter.ISO_INSTANT.format(t))
              .orElse("creation time unknown") + ")";
    }
  }

  /** What one Service means. */
  public sealed interface Outcome {
    /** {@code service "ns/name"}: how rejections and logs name the Service. */
    String subject();

    /** Not a guest cluster, and nothing wrong with that (e.g. no ID annotation). */
    record Ignored(String subject, String why) implements Outcome {}

    /** A valid guest cluster, and who claims it. */
    record Mapped(String subject, GuestCluster cluster, Claim claim) implements Outcome {}

    /**
     * Meant as a guest cluster, but invalid.
     *
     * @param cluster the cluster it claims, if its ID annotation and its claim on that ID are
     *     valid (the rest of it is not): that cluster is present, only unreadable
     * @param claim who claims {@code cluster}, present with it: established before every valid
     *     claimant, the invalid Service holds the ID (see {@link #snapshot})
     */
    record Rejected(String subject, Rejection rejection, Optional<ClusterId> cluster,
        Optional<Claim> claim) implements Outcome {
      public Rejected {
        requireNonNull(cluster, "cluster == null");
        requireNonNull(claim, "claim == null");
        if (cluster.isPresent() != claim.isPresent()) {
          throw new IllegalArgumentException("a claimed cluster comes with its claim");
        }
      }

      /** Invalid, claiming no cluster it may claim. */
      public Rejected(String subject, Rejection rejection) {
        this(subject, rejection, Optional.empty(), Optional.empty());
      }
    }
  }

  /** {@code service "ns/name"}. */
  public static String subject(V1Service service) {
    V1ObjectMeta meta = service.getMetadata();
    String ns = meta == null ? null : meta.getNamespace();
    String name = meta == null ? null : meta.getName();
    String key = ns + "/" + name;
    // names the API server accepted are shown whole (up to 63 + 1 + 253 characters): a
    // shortened one would name no Service, and the Events find the Service by it
    return "service " + (API_SERVER_NAMES.matcher(key).matches() ? "\"" + key + "\""
        : Quoting.quote(key));
  }

  /** Maps one Service. Never throws for bad data: that becomes {@link Outcome.Rejected}. */
  public Outcome map(V1Service service) {
    requireNonNull(service, "service == null");
    String subject = subject(service);
    V1ObjectMeta meta = service.getMetadata();
    if (meta == null || meta.getName() == null || meta.getNamespace() == null) {
      return new Outcome.Ignored(subject, "service has no name or namespace");
    }
    if (meta.getDeletionTimestamp() != null) {
      return new Outcome.Ignored(subject, "service is being deleted");
    }
    Map<String, String> annotations = orEmpty(meta.getAnnotations());
    String idValue = annotations.get(settings.idAnnotation());
    if (idValue == null || idValue.isEmpty()) {
      return new Outcome.Ignored(subject, "service has no annotation "
          + Quoting.quote(settings.idAnnotation()));
    }
    ClusterId id;
    try {
      id = ClusterId.of(idValue);
    } catch (InvalidValueException e) {
      return reject(subject, INVALID_CLUSTER_ID,
          e.getMessage() + annotation(settings.idAnnotation()));
    }
    if (!id.value().equals(meta.getNamespace())
        && !settings.trustedNamespaces().contains(meta.getNamespace())) {
      return reject(subject, CLUSTER_ID_NAMESPACE_MISMATCH, subject + " claims cluster id "
          + Quoting.quote(id.value()) + ", which only a service in namespace "
          + Quoting.quote(id.value()) + " or in a trusted namespace may claim"
          + annotation(settings.idAnnotation()));
    }
    Claim claim = new Claim(Optional.ofNullable(meta.getCreationTimestamp())
        .map(t -> t.toInstant()), meta.getNamespace(), meta.getName());
    Outcome outcome = mapClaim(service, subject, meta, annotations, id, claim);
    // the ID and the claim on it are valid, the rest is not: the cluster is present, unreadable
    return outcome instanceof Outcome.Rejected rejected ? new Outcome.Rejected(subject,
        rejected.rejection(), Optional.of(id), Optional.of(claim)) : outcome;
  }

  /** The rest of {@link #map} for a Service whose claim on cluster {@code id} is valid. */
  private Outcome mapClaim(V1Service service, String subject, V1ObjectMeta meta,
      Map<String, String> annotations, ClusterId id, Claim claim) {
    URI apiServer;
    String explicitUrl = annotations.get(settings.apiServerUrlAnnotation());
    if (explicitUrl != null) {
      Object checked = apiServerAnnotation.check(subject, id, explicitUrl, meta);
      if (checked instanceof Outcome.Rejected rejected) {
        return rejected;
      }
      apiServer = (URI) checked;
    } else {
      // no ports: the original's implied 443
      Integer port = chosenPort(service).map(V1ServicePort::getPort).orElse(443);
      if (port == null || port < 1 || port > 65535) {
        return reject(subject, INVALID_PORT, "port of " + subject
            + " must be between 1 and 65535, found " + Quoting.quote(String.valueOf(port)));
      }
      String host = meta.getName() + "." + meta.getNamespace();
      apiServer = URI.create("https://" + host + (port == 443 ? "" : ":" + port));
    }
    Optional<HostAndPort> etcd = Optional.empty();
    String etcdValue = annotations.get(settings.etcdAnnotation());
    if (etcdValue != null && !etcdValue.isEmpty()) {
      try {
        etcd = Optional.of(GuestCluster.parseEtcd(withHttpsPort(etcdValue), id.value()));
      } catch (InvalidValueException e) {
        return reject(subject, INVALID_ETCD_ENDPOINT, "etcd endpoint of cluster "
            + Quoting.quote(id.value()) + " must be host or host:port, found "
            + Quoting.quote(etcdValue) + annotation(settings.etcdAnnotation()));
      }
    }
    String provider = provider(meta);
    try {
      return new Outcome.Mapped(subject,
          new GuestCluster(id, provider, apiServer, ImmutableSortedMap.of(), etcd), claim);
    } catch (InvalidValueException e) {
      return reject(subject, INVALID_PROVIDER, e.getMessage());
    }
  }

  /**
   * Assembles a snapshot from mapped Services. Of several Services claiming one cluster ID the
   * established one (see {@link Claim}) keeps it and every later claimant is rejected with
   * {@value #DUPLICATE_CLUSTER_ID}, so a newcomer can never take a cluster's ID or get its jobs
   * removed; all other clusters go on. An invalid Service with a valid claim on its ID
   * ({@link Outcome.Rejected#cluster()}) that is established before every valid claimant holds
   * the ID the same way, since it may be a valid Service edited into an invalid one whose last
   * valid version a restarted controller does not know: its cluster is present but unreadable
   * ({@link ClusterSnapshot#unreadable()}), and every valid claimant is a later one. Its
   * rejection says that the cluster keeps its jobs and certificate files if it has them on disk
   * (the source cannot tell: a Service malformed from its creation has none).
   */
  public static ClusterSnapshot snapshot(Collection<? extends Outcome> outcomes) {
    return ClaimedClusters.snapshot(outcomes);
  }

  private String provider(V1ObjectMeta meta) {
    if (settings.providerKey().isPresent()) {
      String key = settings.providerKey().get();
      String fromLabel = orEmpty(meta.getLabels()).get(key);
      if (fromLabel != null && !fromLabel.isEmpty()) {
        return fromLabel;
      }
      String fromAnnotation = orEmpty(meta.getAnnotations()).get(key);
      if (fromAnnotation != null && !fromAnnotation.isEmpty()) {
        return fromAnnotation;
      }
    }
    return settings.defaultProvider();
  }

  /**
   * The port named https, else port 443 (the original's implied port: a provider's master
   * Service may list another port first, kvm-operator's lists etcd's 2379), else the first;
   * empty if the Service has no ports.
   */
  private static Optional<V1ServicePort> chosenPort(V1Service service) {
    List<V1ServicePort> ports = service.getSpec() == null || service.getSpec().getPorts() == null
        ? List.of() : service.getSpec().getPorts();
    return ports.stream().filter(p -> "https".equals(p.getName())).findFirst()
        .or(() -> ports.stream().filter(p -> Integer.valueOf(443).equals(p.getPort()))
            .findFirst())
        .or(() -> ports.stream().findFirst());
  }

  /**
   * {@code value} with port 443 if it names none: the original made the annotation's value the
   * address of an https target, which Prometheus scrapes on 443 when no port is given.
   */
  private static String withHttpsPort(String value) {
    if (value.contains(":") && !(value.startsWith("[") && value.endsWith("]"))) {
      return value; // a port, or not a host at all (a URL, a bare IPv6 address)
    }
    try {
      HostAndPort parsed = HostAndPort.fromString(value);
      return parsed.hasPort() || parsed.getHost().isEmpty() ? value
          : HostAndPort.fromParts(parsed.getHost(), 443).toString();
    } catch (IllegalArgumentException e) {
      return value; // parseEtcd names the problem
    }
  }

  static String annotation(String key) {
    return " (annotation " + Quoting.quote(key) + ")";
  }

  static Outcome.Rejected reject(String subject, String reason, String message) {
    return new Outcome.Rejected(subject, new Rejection(subject, reason, message));
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
