package io.promcc.core.plan;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the sources said, as the planner's input: the guest clusters, a certificate per cluster
 * where one is usable, the certificate source's problem per cluster where it had one, and the
 * objects the cluster source rejected. Reasons are carried as the sources gave them
 * ({@code secret-missing}, {@code vault-sealed}, {@code invalid-api-server}, ...), so the
 * planner's rejections say what really happened.
 *
 * <p>A cluster with both a certificate and a problem is planned as usual on a certificate kept
 * from before (the source failed; its last certificate files stay, even past their expiry). A
 * cluster with a problem and no certificate waits: it is left out with the problem as reason.
 *
 * <p>A cluster the cluster source lists as present but cannot read (it knows the ID, not the
 * rest) is planned on what it has on disk: its jobs as they are there ({@code keptJobs}), and its
 * certificate kept from before with the problem that says why.
 *
 * <p>It is what {@link Planner} plans from ({@code plan(Observation, ControllerSettings)}): the
 * reconciler ({@code io.promcc.core.reconcile}) builds one from its sources at each reconcile,
 * and a caller of the planner alone builds one with {@link #of} or a constructor; hence public.
 * An immutable value; the constructors copy and sort what they are given.
 *
 * @param clusters the clusters the cluster source lists, sorted by ID
 * @param certificates a usable certificate per cluster (fresh, or kept from before)
 * @param certificateProblems the certificate source's problem per cluster, subject = cluster ID
 * @param rejections objects the cluster source rejected, sorted
 * @param keptJobs clusters present but unreadable, none of {@code clusters}, each with its jobs
 *     as they are on disk ({@link KeptJobsFinder}): in a merged config its block-sequence items,
 *     with per-cluster files its scrape config file
 */
public record Observation(
    List<GuestCluster> clusters,
    SortedMap<ClusterId, CertificateBundle> certificates,
    SortedMap<ClusterId, Rejection> certificateProblems,
    List<Rejection> rejections,
    SortedMap<ClusterId, DesiredFile> keptJobs) {

  /** @throws IllegalArgumentException if a cluster with kept jobs is also listed */
  public Observation {
    clusters = requireNonNull(clusters, "clusters == null").stream()
        .sorted(Comparator.comparing(GuestCluster::id)).collect(ImmutableList.toImmutableList());
    certificates = ImmutableSortedMap.copyOf(requireNonNull(certificates, "certificates == null"));
    certificateProblems = ImmutableSortedMap.copyOf(
        requireNonNull(certificateProblems, "certificateProblems == null"));
    rejections = ImmutableList.sortedCopyOf(requireNonNull(rejections, "rejections == null"));
    keptJobs = ImmutableSortedMap.copyOf(requireNonNull(keptJobs, "keptJobs == null"));
    for (GuestCluster cluster : keptJobs.isEmpty() ? List.<GuestCluster>of() : clusters) {
      if (keptJobs.containsKey(cluster.id())) {
        throw new IllegalArgumentException("cluster " + cluster.id() + " is listed and has "
            + "kept jobs");
      }
    }
  }

  /** Listed clusters only, none kept as it is on disk. */
  public Observation(List<GuestCluster> clusters,
      SortedMap<ClusterId, CertificateBundle> certificates,
      SortedMap<ClusterId, Rejection> certificateProblems, List<Rejection> rejections) {
    this(clusters, certificates, certificateProblems, rejections, ImmutableSortedMap.of());
  }

  /** Clusters with certificates and nothing else to say. */
  public static Observation of(Collection<GuestCluster> clusters,
      Map<ClusterId, CertificateBundle> certificates) {
    return new Observation(List.copyOf(clusters), new TreeMap<>(certificates), new TreeMap<>(),
        List.of());
  }

  /** Clusters planned on a certificate kept from before, with the source's problem. */
  public SortedMap<ClusterId, Rejection> degraded() {
    SortedMap<ClusterId, Rejection> out = new TreeMap<>();
    certificateProblems.forEach((id, problem) -> {
      if (certificates.containsKey(id)) {
        out.put(id, problem);
      }
    });
    return out;
  }

  /**
   * This observation with {@code removed} clusters taken out and rejected with the given
   * reasons (e.g. a file of theirs is held by someone else).
   */
  public Observation without(Map<ClusterId, Rejection> removed) {
    List<Rejection> allRejections = new java.util.ArrayList<>(rejections);
    allRejections.addAll(removed.values());
    return new Observation(
        clusters.stream().filter(c -> !removed.containsKey(c.id())).toList(),
        filter(certificates, removed), filter(certificateProblems, removed), allRejections,
        filter(keptJobs, removed));
  }

  private static <V> SortedMap<ClusterId, V> filter(SortedMap<ClusterId, V> map,
      Map<ClusterId, ?> removed) {
    SortedMap<ClusterId, V> out = new TreeMap<>(map);
    out.keySet().removeAll(removed.keySet());
    return out;
  }
}
