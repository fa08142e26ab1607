package io.promcc.core.plan;

import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.LabelNames;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which clusters a plan can take ({@link Planner}): a cluster whose ID is claimed twice, that
 * has a label the controller or every histogram sets, that has no certificate, or that would
 * make a job name another cluster (listed or kept) makes, is rejected with its reason. Stateless.
 */
final class ClusterAcceptance {
  private ClusterAcceptance() {}

  /**
   * The clusters that can be planned, in ID order, each with its certificate and the last plan's
   * entry (null if it has none): parallel lists.
   */
  record Accepted(List<GuestCluster> clusters, List<CertificateBundle> bundles,
      List<RenderMemo.Rendered> last) {
    Accepted(int expected) {
      this(new ArrayList<>(expected), new ArrayList<>(expected), new ArrayList<>(expected));
    }

    void add(GuestCluster cluster, CertificateBundle bundle, RenderMemo.Rendered was) {
      clusters.add(cluster);
      bundles.add(bundle);
      last.add(was);
    }
  }

  /**
   * The clusters that can be planned; the others are rejected. {@code clusters} and
   * {@code certificates} are sorted by ID (an {@link Observation}'s are), so the clusters
   * claiming one ID are adjacent, and certificates and the last plan's entries are found by
   * walking alongside, each once per plan. A cluster that is the very instance the last plan
   * planned (with these settings: {@code last} is empty otherwise) passed the label check then,
   * and its labels are not read again: at 10,000 clusters reading them is milliseconds.
   */
  static Accepted accept(List<GuestCluster> clusters,
      SortedMap<ClusterId, CertificateBundle> certificates, Map<ClusterId, Rejection> problems,
      AscendingLookup<RenderMemo.Rendered> last, ControllerSettings settings,
      List<Rejection> rejections) {
    // and job and instance, which every target has: the shared job's rules and metric rules
    // are conditioned on job, and one instance for all of a cluster's targets would make them
    // equal, of which Prometheus keeps one
    Set<String> reserved = Set.of(settings.clusterIdLabel(), settings.clusterTypeLabel(),
        settings.providerLabel(), "job", "instance");
    Accepted accepted = new Accepted(clusters.size());
    // array-backed lists: walked by index, no entry made per cluster
    ImmutableSortedMap<ClusterId, CertificateBundle> certified =
        ImmutableSortedMap.copyOfSorted(certificates);
    List<ClusterId> certifiedIds = certified.keySet().asList();
    List<CertificateBundle> bundles = certified.values().asList();
    int certificate = 0;
    for (int i = 0; i < clusters.size(); ) {
      GuestCluster cluster = clusters.get(i);
      ClusterId id = cluster.id();
      String subject = id.value();
      int claims = 1;
      while (i + claims < clusters.size() && clusters.get(i + claims).id().equals(id)) {
        claims++;
      }
      i += claims;
      if (claims > 1) {
        rejections.add(new Rejection(subject, "duplicate-id", "cluster id "
            + Quoting.quote(subject) + " is claimed " + claims + " times"));
        continue;
      }
      RenderMemo.Rendered was = last.find(id);
      String collision = was != null && was.cluster() == cluster ? null
          : firstReserved(cluster, reserved);
      if (collision != null) {
        rejections.add(new Rejection(subject, "label-collision", "label "
            + Quoting.quote(collision) + " of cluster " + Quoting.quote(subject) + " "
            + LabelNames.seriesLabelProblem(collision).orElse(
                "collides with a label the controller or Prometheus sets on every target")));
        continue;
      }
      while (certificate < certifiedIds.size()
          && certifiedIds.get(certificate).compareTo(id) < 0) {
        certificate++;
      }
      if (certificate == certifiedIds.size() || certifiedIds.get(certificate).compareTo(id) != 0) {
        rejections.add(problems.containsKey(id) ? problems.get(id)
            : new Rejection(subject, "certificate-missing",
                "no client certificate for cluster " + Quoting.quote(subject)));
        continue;
      }
      accepted.add(cluster, bundles.get(certificate), was);
    }
    return accepted;
  }

  /**
   * The first of the cluster's labels (they are sorted) that the controller sets, or that every
   * histogram or summary has ({@link LabelNames#seriesLabelProblem}), or null.
   */
  private static String firstReserved(GuestCluster cluster, Set<String> reserved) {
    for (String name : cluster.labels().keySet()) {
      if (reserved.contains(name) || LabelNames.seriesLabelProblem(name).isPresent()) {
        return name;
      }
    }
    return null;
  }

  /**
   * Rejects every cluster one of whose job names another cluster also makes (possible with
   * custom profiles: cluster {@code a} with job {@code node-exporter} and cluster {@code a-node}
   * with job {@code exporter}), so one cluster cannot make the whole config invalid.
   *
   * <p>A job name is {@code <prefix>-<cluster id>-<job>}, so two clusters' names can be equal
   * only if one ID is the other's followed by {@code -} and more. Only such clusters are compared:
   * in ID order, the IDs that extend an ID with {@code -} follow it directly ({@code -} sorts
   * before every other character an ID may hold), so finding them is one pass over neighbours,
   * and a fleet without such IDs makes no job name at all. Comparing only them finds exactly the
   * collisions, with the same messages, that comparing every cluster's names would: every
   * cluster making a name that another also makes is among them, in the same order.
   */
  static Accepted rejectJobNameCollisions(Accepted accepted, JobRenderer renderer,
      List<Rejection> rejections) {
    List<GuestCluster> related = relatedById(accepted.clusters());
    if (related.isEmpty()) {
      return accepted;
    }
    Map<String, ClusterId> owners = new HashMap<>();
    Map<ClusterId, String> collisions = new TreeMap<>();
    for (GuestCluster cluster : related) {
      for (String name : renderer.jobNames(cluster)) {
        ClusterId other = owners.putIfAbsent(name, cluster.id());
        if (other != null) {
          collisions.putIfAbsent(other, "job name " + Quoting.quote(name) + " of cluster "
              + Quoting.quote(other.value()) + " is also made for cluster "
              + Quoting.quote(cluster.id().value()));
          collisions.putIfAbsent(cluster.id(), "job name " + Quoting.quote(name) + " of cluster "
              + Quoting.quote(cluster.id().value()) + " is also made for cluster "
              + Quoting.quote(other.value()));
        }
      }
    }
    return rejectColliding(accepted, collisions, rejections);
  }

  /**
   * The clusters, of {@code sorted} (by ID), whose ID another one's extends with {@code -}, and
   * those other ones; in ID order.
   */
  private static List<GuestCluster> relatedById(List<GuestCluster> sorted) {
    boolean[] related = new boolean[sorted.size()];
    boolean any = false;
    for (int i = 0; i < sorted.size(); i++) {
      String id = sorted.get(i).id().value();
      for (int j = i + 1; j < sorted.size() && extendsWithDash(sorted.get(j).id().value(), id);
          j++) {
        related[i] = true;
        related[j] = true;
        any = true;
      }
    }
    if (!any) {
      return List.of();
    }
    List<GuestCluster> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      if (related[i]) {
        out.add(sorted.get(i));
      }
    }
    return out;
  }

  /** True if {@code id} is {@code prefix}, {@code -} and more. */
  static boolean extendsWithDash(String id, String prefix) {
    return id.length() > prefix.length() && id.charAt(prefix.length()) == '-'
        && id.startsWith(prefix);
  }

  /** {@code accepted} without the clusters of {@code collisions}, rejected with their message. */
  static Accepted rejectColliding(Accepted accepted, Map<ClusterId, String> collisions,
      List<Rejection> rejections) {
    if (collisions.isEmpty()) {
      return accepted;
    }
    collisions.forEach((id, message) ->
        rejections.add(new Rejection(id.value(), "job-name-collision", message)));
    Accepted out = new Accepted(accepted.clusters().size());
    for (int i = 0; i < accepted.clusters().size(); i++) {
      GuestCluster cluster = accepted.clusters().get(i);
      if (!collisions.containsKey(cluster.id())) {
        out.add(cluster, accepted.bundles().get(i), accepted.last().get(i));
      }
    }
    return out;
  }
}
