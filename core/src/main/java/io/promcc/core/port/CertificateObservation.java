package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.PromccException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.Unexpected;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a {@link CertificateSource} said about a set of clusters: a bundle for some, a problem
 * with the source's own reason for the others; both for a cluster whose last certificate, still
 * valid, is served while the source cannot renew it (the cluster is then degraded, with the
 * source's reason, as one that keeps its files on disk).
 *
 * @param bundles a currently valid bundle per cluster; kept in cluster ID order whatever the
 *     given map's order (a map already in that order is taken as it is)
 * @param problems why a cluster has no bundle, or why its bundle is its last one, not renewed:
 *     {@link Rejection#subject()} is the cluster ID, {@link Rejection#reason()} the source's
 *     reason (e.g. {@code vault-sealed})
 * @param nextAttention when the source next wants to be observed although nothing else changed
 *     (the earliest renewal or retry), if ever
 */
public record CertificateObservation(
    SortedMap<ClusterId, CertificateBundle> bundles,
    SortedMap<ClusterId, Rejection> problems,
    Optional<Instant> nextAttention) {

  /** Nothing observed. */
  public static final CertificateObservation EMPTY =
      new CertificateObservation(ImmutableSortedMap.of(), ImmutableSortedMap.of(),
          Optional.empty());

  /** @throws IllegalArgumentException if a problem's subject is not its cluster's ID */
  public CertificateObservation {
    // in ID order, which readers walk alongside the sorted clusters
    bundles = ImmutableSortedMap.copyOf(requireNonNull(bundles, "bundles == null"));
    problems = ImmutableSortedMap.copyOf(requireNonNull(problems, "problems == null"));
    requireNonNull(nextAttention, "nextAttention == null");
    problems.forEach((id, problem) -> {
      if (!problem.subject().equals(id.value())) {
        throw new IllegalArgumentException("problem " + problem + " is filed under " + id);
      }
    });
  }

  /** The reason of a cluster whose lookup failed with anything but its port's exception. */
  public static final String SOURCE_FAILED = "certificate-source-failed";

  /**
   * Observes each cluster with {@code lookup}, turning its {@link CertificateUnavailableException}
   * into a problem: the way a source that answers one cluster at a time implements
   * {@link CertificateSource#observe}. Any other exception of one cluster's lookup (a bug, a
   * library's surprise) is that cluster's problem too, reason {@value #SOURCE_FAILED}, so the
   * others go on and it keeps its last files (worded as {@link #sourceFailed} says).
   */
  public static CertificateObservation ofEach(Collection<GuestCluster> clusters,
      Function<GuestCluster, CertificateBundle> lookup, Optional<Instant> nextAttention) {
    SortedMap<ClusterId, CertificateBundle> bundles = new TreeMap<>();
    SortedMap<ClusterId, Rejection> problems = new TreeMap<>();
    for (GuestCluster cluster : clusters) {
      try {
        bundles.put(cluster.id(), requireNonNull(lookup.apply(cluster), "bundle == null"));
      } catch (RuntimeException e) {
        problems.put(cluster.id(), problemOf(cluster.id(), e));
      }
    }
    return new CertificateObservation(bundles, problems, nextAttention);
  }

  /**
   * The problem of a cluster whose lookup failed with {@code failure}: its reason and message if
   * it is the port's {@link CertificateUnavailableException}, else {@link #sourceFailed}.
   */
  public static Rejection problemOf(ClusterId cluster, RuntimeException failure) {
    return failure instanceof CertificateUnavailableException e
        ? new Rejection(cluster.value(), e.reason(), e.getMessage())
        : sourceFailed(cluster, failure);
  }

  /**
   * The problem of a cluster whose lookup failed with {@code failure}, anything but its port's
   * exception: reason {@value #SOURCE_FAILED}, so the cluster keeps its last files while the
   * others go on. The message reaches logs and Kubernetes Events: one of the project's named
   * exceptions ({@link PromccException}), written to be shown, is quoted; any other is named by
   * its type and the place it was thrown, never its text, which may quote a secret (an http
   * client's messages quote header values, a token among them).
   */
  public static Rejection sourceFailed(ClusterId cluster, RuntimeException failure) {
    String what = "the certificate source failed for cluster " + Quoting.quote(cluster.value());
    if (failure instanceof PromccException) {
      return new Rejection(cluster.value(), SOURCE_FAILED, what + ": " + failure);
    }
    return new Rejection(cluster.value(), SOURCE_FAILED, what + " unexpectedly with "
        + Unexpected.named(failure, "a secret"));
  }
}
