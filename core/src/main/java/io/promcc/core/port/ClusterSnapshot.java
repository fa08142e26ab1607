package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;

/**
 * A complete, synced view of the guest clusters a source knows, plus the objects it had to reject.
 *
 * @param clusters valid clusters, sorted by ID
 * @param rejections objects that looked like guest clusters but were invalid, sorted
 * @param unreadable clusters that are present in the source but whose definition it cannot read
 *     now (the object that stands for the cluster names its ID but is invalid, and the source
 *     knows no valid version of it, e.g. after a restart), each with that object's rejection
 *     (also in {@code rejections}). Such a cluster is not gone: the reconciler keeps what it has
 *     for it. An ID listed in {@code clusters} is not unreadable
 */
public record ClusterSnapshot(List<GuestCluster> clusters, List<Rejection> rejections,
    SortedMap<ClusterId, Rejection> unreadable) {

  /** @throws IllegalArgumentException if a cluster is both listed and unreadable */
  public ClusterSnapshot {
    clusters = requireNonNull(clusters, "clusters == null").stream()
        .sorted(Comparator.comparing(GuestCluster::id)).toList();
    rejections = requireNonNull(rejections, "rejections == null").stream().sorted().toList();
    unreadable = ImmutableSortedMap.copyOf(requireNonNull(unreadable, "unreadable == null"));
    for (GuestCluster cluster : unreadable.isEmpty() ? List.<GuestCluster>of() : clusters) {
      if (unreadable.containsKey(cluster.id())) {
        throw new IllegalArgumentException("cluster " + cluster.id() + " is both listed and "
            + "unreadable");
      }
    }
  }

  /** Clusters and rejections, with no unreadable cluster. */
  public ClusterSnapshot(List<GuestCluster> clusters, List<Rejection> rejections) {
    this(clusters, rejections, ImmutableSortedMap.of());
  }
}
