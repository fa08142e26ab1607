package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class JobNameCollisionTest {
  private static final ScrapeProfile PROFILE = ScrapeProfile.parse("""
      jobs:
        - name: exporter
          role: endpoints
          target: pod-proxy
        - name: node-exporter
          role: endpoints
          target: pod-proxy
      """, "colliding.yml");

  /**
   * Job names collide between clusters {@code a} and {@code a-node} ({@code node-exporter} and
   * {@code exporter}), {@code a} and {@code a-x} ({@code x-etcd} and {@code etcd}, only while
   * both scrape etcd), and through both {@code a-node} and {@code a-node-x}.
   */
  static final ScrapeProfile COLLIDING_WITH_ETCD = ScrapeProfile.parse("""
      jobs:
        - name: exporter
          role: endpoints
          target: pod-proxy
        - name: node-exporter
          role: endpoints
          target: pod-proxy
        - name: etcd
          target: etcd
        - name: x-etcd
          target: etcd
        - name: node-x-etcd
          target: etcd
      """, "colliding-etcd.yml");

  /** IDs some of which extend others with {@code -}, and some that merely look alike. */
  static final List<String> RELATED_IDS = List.of("a", "a-node", "a-x", "a-node-x", "a-b",
      "a0", "a-node0", "b", "b-node", "node", "x-etcd", "a-x-etcd");

  /**
   * A cluster kept as it is on disk (present, unreadable) keeps its jobs; a listed cluster that
   * would make a job of the same name is rejected instead, whichever ID extends the other.
   */
  @Test
  void aListedClusterThatWouldMakeAKeptClustersJobNameIsRejectedNotTheKeptOne() {
    GuestCluster a = GuestCluster.of("a", "aws", "https://master.a");
    GuestCluster aNode = GuestCluster.of("a-node", "aws", "https://master.a-node");
    GuestCluster b = GuestCluster.of("b", "aws", "https://master.b");
    for (GuestCluster kept : List.of(a, aNode)) {
      GuestCluster listed = kept == a ? aNode : a;
      DesiredState before = new Planner(PROFILE, BaseConfig.empty()).plan(List.of(kept, b),
          TestCertificates.forAll(List.of(kept, b)), ControllerSettings.DEFAULTS);
      var jobs = Planner.keptJobs(List.of(kept.id()), before.files(), ControllerSettings.DEFAULTS);

      DesiredState state = new Planner(PROFILE, BaseConfig.empty()).plan(new Observation(
          List.of(listed, b), new TreeMap<>(TestCertificates.forAll(List.of(a, aNode, b))),
          new TreeMap<>(), List.of(), jobs), ControllerSettings.DEFAULTS);

      assertEquals(before.files(), state.files(), "kept " + kept.id());
      assertEquals(List.of(new Rejection(listed.id().value(), "job-name-collision",
          "job name \"guest-cluster-a-node-exporter\" of cluster "
              + Quoting.quote(listed.id().value()) + " is also a job of cluster "
              + Quoting.quote(kept.id().value()) + ", which keeps the jobs it has")),
          state.rejections());
    }
  }

  @Test
  void clustersWhoseJobNamesCollideAreRejectedAndTheOthersPlanned() {
    List<GuestCluster> clusters = List.of(
        GuestCluster.of("a", "aws", "https://master.a"),
        GuestCluster.of("a-node", "aws", "https://master.a-node"),
        GuestCluster.of("b", "aws", "https://master.b"));

    DesiredState state = new Planner(PROFILE, BaseConfig.empty())
        .plan(clusters, TestCertificates.forAll(clusters), ControllerSettings.DEFAULTS);

    assertEquals(List.of(ClusterId.of("b")), state.clusters());
    assertEquals(List.of(
        new Rejection("a", "job-name-collision", "job name \"guest-cluster-a-node-exporter\" of"
            + " cluster \"a\" is also made for cluster \"a-node\""),
        new Rejection("a-node", "job-name-collision", "job name \"guest-cluster-a-node-exporter\""
            + " of cluster \"a-node\" is also made for cluster \"a\"")), state.rejections());
    String config = state.config().text();
    assertTrue(config.contains("job_name: guest-cluster-b-exporter"), config);
    assertTrue(!config.contains("guest-cluster-a-"), config);
  }

  /** Clusters with IDs of {@link #RELATED_IDS}, each scraping etcd or not. */
  @Provide
  static Arbitrary<List<GuestCluster>> relatedClusters() {
    return Combinators.combine(Arbitraries.of(RELATED_IDS), Arbitraries.of(true, false))
        .as((id, etcd) -> {
          GuestCluster cluster = GuestCluster.of(id, "aws", "https://master." + id);
          return etcd ? cluster.withEtcd("etcd." + id + ":2379") : cluster;
        })
        .list().ofMaxSize(RELATED_IDS.size()).uniqueElements(GuestCluster::id);
  }

  /**
   * The planner compares only clusters whose IDs extend one another with {@code -}; it finds
   * the same collisions, with the same messages, as comparing every cluster's job names with
   * every other's.
   */
  @Property(tries = 300)
  void rejectsExactlyTheCollisionsThatComparingAllJobNamesFinds(
      @ForAll("relatedClusters") List<GuestCluster> clusters) {
    ControllerSettings settings = ControllerSettings.DEFAULTS;
    DesiredState state = new Planner(COLLIDING_WITH_ETCD, BaseConfig.empty())
        .plan(clusters, TestCertificates.forAll(clusters), settings);

    Map<ClusterId, String> expected = collisionsOfAllNames(clusters,
        new JobRenderer(COLLIDING_WITH_ETCD, settings));
    List<Rejection> rejections = new ArrayList<>();
    expected.forEach((id, message) ->
        rejections.add(new Rejection(id.value(), "job-name-collision", message)));
    assertEquals(rejections, state.rejections());
    assertEquals(clusters.stream().map(GuestCluster::id).filter(id -> !expected.containsKey(id))
        .sorted().toList(), state.clusters());
  }

  /** Every cluster's job names against every other's, in ID order: the plain way. */
  private static Map<ClusterId, String> collisionsOfAllNames(List<GuestCluster> clusters,
      JobRenderer renderer) {
    Map<String, ClusterId> owners = new HashMap<>();
    Map<ClusterId, String> collisions = new TreeMap<>();
    clusters.stream().sorted((x, y) -> x.id().compareTo(y.id())).forEach(cluster -> {
      for (String name : renderer.jobNames(cluster)) {
        ClusterId other = owners.putIfAbsent(name, cluster.id());
        if (other != null) {
          collisions.putIfAbsent(other, message(name, other, cluster.id()));
          collisions.putIfAbsent(cluster.id(), message(name, cluster.id(), other));
        }
      }
    });
    return collisions;
  }

  private static String message(String name, ClusterId of, ClusterId alsoFor) {
    return "job name " + Quoting.quote(name) + " of cluster " + Quoting.quote(of.value())
        + " is also made for cluster " + Quoting.quote(alsoFor.value());
  }
}
