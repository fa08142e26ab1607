package io.promcc.kube;

import static io.promcc.kube.ServiceMapping.DUPLICATE_CLUSTER_ID;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.kube.ServiceMapping.Claim;
import io.promcc.kube.ServiceMapping.Outcome;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The snapshot of the mapped Services for {@link ServiceMapping#snapshot}: who of several
 * claimants keeps a cluster ID, the duplicates rejected, the clusters held by an invalid Service.
 * Pure and stateless.
 */
final class ClaimedClusters {
  private ClaimedClusters() {}

  /** See {@link ServiceMapping#snapshot}. */
  static ClusterSnapshot snapshot(Collection<? extends Outcome> outcomes) {
    Map<ClusterId, List<Outcome.Mapped>> byId = new TreeMap<>();
    List<Outcome.Rejected> invalid = new ArrayList<>();
    Map<ClusterId, Outcome.Rejected> firstInvalid = new TreeMap<>();
    for (Outcome outcome : outcomes) {
      if (outcome instanceof Outcome.Mapped mapped) {
        byId.computeIfAbsent(mapped.cluster().id(), k -> new ArrayList<>()).add(mapped);
      } else if (outcome instanceof Outcome.Rejected rejected) {
        invalid.add(rejected);
        rejected.cluster().ifPresent(id -> firstInvalid.merge(id, rejected, (a, b) ->
            a.claim().orElseThrow().compareTo(b.claim().orElseThrow()) <= 0 ? a : b));
      }
    }
    byId.values().forEach(claimants -> claimants.sort(Comparator.comparing(
        Outcome.Mapped::claim)));
    List<Rejection> rejections = new ArrayList<>();
    Map<ClusterId, Rejection> unreadable = new TreeMap<>();
    for (Outcome.Rejected rejected : invalid) {
      Rejection rejection = rejected.rejection();
      Optional<ClusterId> id = rejected.cluster().filter(claimed -> !byId.containsKey(claimed)
          || rejected.claim().orElseThrow().compareTo(byId.get(claimed).get(0).claim()) < 0);
      if (id.isPresent()) {
        rejection = new Rejection(rejection.subject(), rejection.reason(), rejection.message()
            + "; if cluster " + Quoting.quote(id.get().value()) + " has jobs and certificate "
            + "files on disk, it keeps them until the service is fixed or deleted");
        // of several such Services, one stands for the cluster; any is as good, one is chosen
        unreadable.merge(id.get(), rejection, (a, b) -> a.compareTo(b) <= 0 ? a : b);
      }
      rejections.add(rejection);
    }
    List<GuestCluster> clusters = new ArrayList<>();
    for (Map.Entry<ClusterId, List<Outcome.Mapped>> entry : byId.entrySet()) {
      List<Outcome.Mapped> claimants = entry.getValue();
      Outcome.Mapped established = claimants.get(0);
      String holder = established.claim().describe();
      String wayOut = "";
      List<Outcome.Mapped> later = claimants.subList(1, claimants.size());
      if (unreadable.containsKey(entry.getKey())) {
        // an invalid Service established before them holds the ID (see above)
        Claim first = firstInvalid.get(entry.getKey()).claim().orElseThrow();
        holder = first.describe() + ", which is invalid ("
            + firstInvalid.get(entry.getKey()).rejection().reason() + ")";
        // deleting the later one, the way out of a duplicate of a valid Service, is not it
        wayOut = ": it gets the id only once service " + Quoting.quote(first.namespace() + "/"
            + first.name()) + " is deleted or no longer claims it (fixed, that one is the "
            + "cluster)";
        later = claimants;
      } else {
        clusters.add(established.cluster());
      }
      for (Outcome.Mapped claimant : later) {
        rejections.add(new Rejection(claimant.subject(), DUPLICATE_CLUSTER_ID, "cluster id "
            + Quoting.quote(entry.getKey().value()) + " is already claimed by " + holder + "; "
            + claimant.claim().describe() + " is the later claimant" + wayOut));
      }
    }
    return new ClusterSnapshot(clusters, rejections, new TreeMap<>(unreadable));
  }
}
