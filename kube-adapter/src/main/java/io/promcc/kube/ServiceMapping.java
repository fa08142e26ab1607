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
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pure mapping from a {@link V1Service} to a guest cluster, and from the mapped Services to a
 * {@link ClusterSnapshot}. No I/O, no clock: the same Services give the same snapshot whatever
 * their order.
 *
 * <p>Rules: a Service being deleted, or without the ID annotation, is not a guest cluster
 * ({@link Outcome.Ignored}). The API server is the URL annotation if present, else
 * {@code https://<name>.<namespace>[:port]} from the Service port named {@code https}, else its
 * first port (443 is left out; no ports means 443). Invalid data is a {@link Outcome.Rejected}
 * with a reason; two Services claiming one ID are both rejected (see {@link #snapshot}).
 *
 * <p>Immutable and thread-safe.
 */
public final class ServiceMapping {
  /** Rejection reason: the ID annotation is not a DNS-1123 label. */
  public static final String INVALID_CLUSTER_ID = "invalid-cluster-id";
  /** Rejection reason: the URL annotation is not an acceptable API server URL. */
  public static final String INVALID_API_SERVER = "invalid-api-server";
  /** Rejection reason: the Service's port is missing or out of range. */
  public static final String INVALID_PORT = "invalid-port";
  /** Rejection reason: the etcd annotation is not {@code host:port}. */
  public static final String INVALID_ETCD_ENDPOINT = "invalid-etcd-endpoint";
  /** Rejection reason: the provider is not acceptable. */
  public static final String INVALID_PROVIDER = "invalid-provider";
  /** Rejection reason: more than one Service claims the same cluster ID. */
  public static final String DUPLICATE_CLUSTER_ID = "duplicate-cluster-id";

  private final DiscoverySettings settings;

  public ServiceMapping(DiscoverySettings settings) {
    this.settings = requireNonNull(settings, "settings == null");
  }

  /** What one Service means. */
  public sealed interface Outcome {
    /** {@code service "ns/name"}: how rejections and logs name the Service. */
    String subject();

    /** Not a guest cluster, and nothing wrong with that (e.g. no ID annotation). */
    record Ignored(String subject, String why) implements Outcome {}

    /** A valid guest cluster. */
    record Mapped(String subject, GuestCluster cluster) implements Outcome {}

    /** Meant as a guest cluster, but invalid. */
    record Rejected(String subject, Rejection rejection) implements Outcome {}
  }

  /** {@code service "ns/name"}. */
  public static String subject(V1Service service) {
    V1ObjectMeta meta = service.getMetadata();
    String ns = meta == null ? null : meta.getNamespace();
    String name = meta == null ? null : meta.getName();
    return "service " + Quoting.quote(ns + "/" + name);
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
      return reject(subject, INVALID_CLUSTER_ID, e.getMessage() + " (annotation "
          + Quoting.quote(settings.idAnnotation()) + ")");
    }
    URI apiServer;
    String explicitUrl = annotations.get(settings.apiServerUrlAnnotation());
    if (explicitUrl != null) {
      try {
        apiServer = GuestCluster.of(id.value(), settings.defaultProvider(), explicitUrl).apiServer();
      } catch (InvalidValueException e) {
        return reject(subject, INVALID_API_SERVER, e.getMessage() + " (annotation "
            + Quoting.quote(settings.apiServerUrlAnnotation()) + ")");
      }
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
        etcd = Optional.of(GuestCluster.parseEtcd(etcdValue, id.value()));
      } catch (InvalidValueException e) {
        return reject(subject, INVALID_ETCD_ENDPOINT, e.getMessage() + " (annotation "
            + Quoting.quote(settings.etcdAnnotation()) + ")");
      }
    }
    String provider = provider(meta);
    try {
      return new Outcome.Mapped(subject,
          new GuestCluster(id, provider, apiServer, ImmutableSortedMap.of(), etcd));
    } catch (InvalidValueException e) {
      return reject(subject, INVALID_PROVIDER, e.getMessage());
    }
  }

  /**
   * Assembles a snapshot from mapped Services. A cluster ID claimed by more than one Service is
   * rejected for every claimant (guessing which one is right could scrape the wrong cluster with
   * its certificate); all other clusters go on.
   */
  public static ClusterSnapshot snapshot(Collection<? extends Outcome> outcomes) {
    Map<ClusterId, List<Outcome.Mapped>> byId = new TreeMap<>();
    List<Rejection> rejections = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Outcome.Mapped mapped) {
        byId.computeIfAbsent(mapped.cluster().id(), k -> new ArrayList<>()).add(mapped);
      } else if (outcome instanceof Outcome.Rejected rejected) {
        rejections.add(rejected.rejection());
      }
    }
    List<GuestCluster> clusters = new ArrayList<>();
    for (Map.Entry<ClusterId, List<Outcome.Mapped>> entry : byId.entrySet()) {
      List<Outcome.Mapped> claimants = entry.getValue();
      if (claimants.size() == 1) {
        clusters.add(claimants.get(0).cluster());
        continue;
      }
      List<String> subjects = claimants.stream().map(Outcome.Mapped::subject).sorted().toList();
      String message = "cluster id " + Quoting.quote(entry.getKey().value())
          + " is claimed by more than one service: " + String.join(", ", subjects);
      for (String subject : subjects) {
        rejections.add(new Rejection(subject, DUPLICATE_CLUSTER_ID, message));
      }
    }
    return new ClusterSnapshot(clusters, rejections);
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

  /** The port named https, else the first; empty if the Service has no ports. */
  private static Optional<V1ServicePort> chosenPort(V1Service service) {
    List<V1ServicePort> ports = service.getSpec() == null || service.getSpec().getPorts() == null
        ? List.of() : service.getSpec().getPorts();
    return ports.stream().filter(p -> "https".equals(p.getName())).findFirst()
        .or(() -> ports.stream().findFirst());
  }

  private static Outcome.Rejected reject(String subject, String reason, String message) {
    return new Outcome.Rejected(subject, new Rejection(subject, reason, message));
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
