package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import java.util.Comparator;
import java.util.List;

/**
 * A complete, synced view of the guest clusters a source knows, plus the objects it had to reject.
 *
 * @param clusters valid clusters, sorted by ID
 * @param rejections objects that looked like guest clusters but were invalid, sorted
 */
public record ClusterSnapshot(List<GuestCluster> clusters, List<Rejection> rejections) {
  public ClusterSnapshot {
    clusters = requireNonNull(clusters, "clusters == null").stream()
        .sorted(Comparator.comparing(GuestCluster::id)).toList();
    rejections = requireNonNull(rejections, "rejections == null").stream().sorted().toList();
  }
}
