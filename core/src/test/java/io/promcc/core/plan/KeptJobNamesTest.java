package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.Rejection;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A cluster kept as it is on disk (present, unreadable) keeps its jobs under the names they were
 * written with, while the profile or the job prefix may have changed since: whatever the names,
 * the planned config never holds two jobs of one name (Prometheus would refuse the whole
 * config), and what gives way is rejected as {@code job-name-collision}.
 */
class KeptJobNamesTest {
  private static final ScrapeProfile PROFILE = ScrapeProfile.parse("""
      jobs:
        - name: exporter
          role: endpoints
          target: pod-proxy
        - name: node-exporter
          role: endpoints
          target: pod-proxy
      """, "colliding.yml");
  private static final ScrapeProfile RENAMED = ScrapeProfile.parse("""
      jobs:
        - name: metrics
          role: endpoints
          target: pod-proxy
        - name: node-exporter
          role: endpoints
          target: pod-proxy
      """, "renamed.yml");

  private static GuestCluster cluster(String id) {
    return GuestCluster.of(id, "aws", "https://master." + id + ".example:6443");
  }

  private static ControllerSettings settings(OutputMode mode, String prefix) {
    return ControllerSettings.DEFAULTS.toBuilder().outputMode(mode).jobPrefix(prefix).build();
  }

  /** The files {@code clusters} had, planned with {@code settings}. */
  private static DesiredState written(ScrapeProfile profile, List<GuestCluster> clusters,
      ControllerSettings settings) {
    return new Planner(profile, BaseConfig.empty()).plan(clusters,
        TestCertificates.forAll(clusters), settings);
  }

  /** {@code listed} with {@code kept} kept as {@code onDisk} has them, with {@code settings}. */
  private static Observation keeping(List<ClusterId> kept, SortedMap<String, DesiredFile> onDisk,
      List<GuestCluster> listed, ControllerSettings settings) {
    List<GuestCluster> all = new ArrayList<>(listed);
    kept.forEach(id -> all.add(cluster(id.value())));
    return new Observation(listed, new TreeMap<>(TestCertificates.forAll(all)),
        new TreeMap<>(), List.of(), Planner.keptJobs(kept, onDisk, settings));
  }

  private static void assertLoadable(DesiredState state) {
    Set<String> names = new HashSet<>();
    for (PlannedOutput.Job job : PlannedOutput.jobs(state)) {
      assertTrue(names.add(job.name()), "two jobs named " + job.name());
    }
  }

  /**
   * A new prefix makes cluster {@code node}'s job {@code exporter} the name that {@code a}'s
   * {@code node-exporter} had under the old one: their IDs are not related, yet the names are
   * equal. The kept jobs are what Prometheus runs; the listed cluster gives way, as it does when
   * the IDs are related.
   */
  @Test
  void aNewPrefixThatMakesAListedClustersJobNameAKeptOneRejectsTheListedCluster() {
    ControllerSettings before = settings(OutputMode.PER_CLUSTER_FILES, "p");
    ControllerSettings after = settings(OutputMode.PER_CLUSTER_FILES, "p-a");
    DesiredState onDisk = written(PROFILE, List.of(cluster("a"), cluster("b")), before);

    DesiredState state = new Planner(PROFILE, BaseConfig.empty()).plan(keeping(
        List.of(ClusterId.of("a")), onDisk.files(), List.of(cluster("b"), cluster("node")),
        after), after);

    assertLoadable(state);
    assertEquals(List.of(ClusterId.of("a"), ClusterId.of("b")), state.clusters());
    assertEquals(onDisk.files().get("scrape_configs/a.yml"),
        state.files().get("scrape_configs/a.yml"), "a keeps its jobs as they are");
    assertEquals(List.of(new Rejection("node", "job-name-collision", "job name "
        + "\"p-a-node-exporter\" of cluster \"node\" is also a job of cluster \"a\", which "
        + "keeps the jobs it has")), state.rejections());
  }

  /**
   * Listed clusters {@code a} and {@code a-node} share {@code p-a-node-exporter}; {@code a-node}
   * also makes {@code p-a-node-node-exporter}, a job kept cluster {@code node} has (written under
   * prefix {@code p-a}). {@code a-node} gives way to the kept cluster, and then {@code a} shares
   * its names with no planned cluster: only {@code a-node} goes.
   */
  @Test
  void aListedClusterThatGivesWayToAKeptOneLeavesAnotherListedClusterTheNameTheyShared() {
    ScrapeProfile nodeExporterOnly = ScrapeProfile.parse("""
        jobs:
          - name: node-exporter
            role: endpoints
            target: pod-proxy
        """, "node-exporter.yml");
    ControllerSettings after = settings(OutputMode.PER_CLUSTER_FILES, "p");
    DesiredState onDisk = written(nodeExporterOnly, List.of(cluster("node")),
        settings(OutputMode.PER_CLUSTER_FILES, "p-a"));

    DesiredState state = new Planner(PROFILE, BaseConfig.empty()).plan(keeping(
        List.of(ClusterId.of("node")), onDisk.files(), List.of(cluster("a"), cluster("a-node")),
        after), after);

    assertLoadable(state);
    assertEquals(List.of(new Rejection("a-node", "job-name-collision", "job name "
        + "\"p-a-node-node-exporter\" of cluster \"a-node\" is also a job of cluster \"node\", "
        + "which keeps the jobs it has")), state.rejections());
    assertEquals(List.of(ClusterId.of("a"), ClusterId.of("node")), state.clusters());
  }

  /**
   * A job of the base config that carries the old prefix was the controller's own and left
   * out; under a new prefix it is the user's, and a kept cluster's job of that name gives way.
   */
  @Test
  void aKeptJobNamedLikeAJobOfTheBaseConfigRejectsTheKeptCluster() {
    ControllerSettings before = settings(OutputMode.PER_CLUSTER_FILES, "p");
    ControllerSettings after = settings(OutputMode.PER_CLUSTER_FILES, "q");
    BaseConfig base = BaseConfig.parse("""
        scrape_configs:
          - job_name: p-a-exporter
            static_configs:
              - targets: [localhost:9100]
        """, "base.yml");
    DesiredState onDisk = written(PROFILE, List.of(cluster("a"), cluster("b")), before);

    DesiredState state = new Planner(PROFILE, base).plan(keeping(List.of(ClusterId.of("a")),
        onDisk.files(), List.of(cluster("b")), after), after);

    assertLoadable(state);
    assertEquals(List.of(ClusterId.of("b")), state.clusters());
    assertTrue(state.files().keySet().stream().noneMatch(path -> path.contains("a-")
        || path.endsWith("/a.yml")), state.files().keySet().toString());
    assertEquals(List.of(new Rejection("a", "job-name-collision", "job name \"p-a-exporter\" "
        + "of cluster \"a\", which keeps the jobs it has, is also a job of base config "
        + "\"base.yml\"")), state.rejections());
  }

  /**
   * Two clusters kept from files of two different plans (a prefix changed between them, and a
   * write was cut short): their names may be equal though neither listed cluster makes them.
   * Neither can be chosen over the other, so both give way, as two listed clusters do.
   */
  @Test
  void twoKeptClustersWithAJobOfOneNameAreBothRejected() {
    ControllerSettings after = settings(OutputMode.PER_CLUSTER_FILES, "q");
    SortedMap<String, DesiredFile> onDisk = new TreeMap<>(written(PROFILE,
        List.of(cluster("a"), cluster("b")), settings(OutputMode.PER_CLUSTER_FILES, "p-x"))
        .files());
    onDisk.putAll(written(PROFILE, List.of(cluster("x-a")),
        settings(OutputMode.PER_CLUSTER_FILES, "p")).files());

    DesiredState state = new Planner(PROFILE, BaseConfig.empty()).plan(keeping(
        List.of(ClusterId.of("a"), ClusterId.of("x-a")), onDisk, List.of(cluster("b")), after),
        after);

    assertLoadable(state);
    assertEquals(List.of(ClusterId.of("b")), state.clusters());
    assertEquals(List.of(
        new Rejection("a", "job-name-collision", "job name \"p-x-a-exporter\" of cluster \"a\","
            + " which keeps the jobs it has, is also a job of cluster \"x-a\", which keeps the"
            + " jobs it has"),
        new Rejection("x-a", "job-name-collision", "job name \"p-x-a-exporter\" of cluster"
            + " \"x-a\", which keeps the jobs it has, is also a job of cluster \"a\", which keeps"
            + " the jobs it has")), state.rejections());
  }

  /**
   * A kept cluster rejected for a job named like one of the base config is not planned, so a
   * job name it shares with another kept cluster is that one's alone: the other keeps its jobs.
   */
  @Test
  void aKeptClusterRejectedForABaseConfigJobLeavesAnotherKeptClusterItsSharedName() {
    ScrapeProfile exporterOnly = ScrapeProfile.parse("""
        jobs:
          - name: exporter
            role: endpoints
            target: pod-proxy
        """, "exporter.yml");
    ControllerSettings after = settings(OutputMode.PER_CLUSTER_FILES, "q");
    BaseConfig base = BaseConfig.parse("""
        scrape_configs:
          - job_name: p-x-a-node-exporter
            static_configs:
              - targets: [localhost:9100]
        """, "base.yml");
    SortedMap<String, DesiredFile> onDisk = new TreeMap<>(written(PROFILE,
        List.of(cluster("a"), cluster("b")), settings(OutputMode.PER_CLUSTER_FILES, "p-x"))
        .files());
    onDisk.putAll(written(exporterOnly, List.of(cluster("x-a")),
        settings(OutputMode.PER_CLUSTER_FILES, "p")).files());

    DesiredState state = new Planner(PROFILE, base).plan(keeping(
        List.of(ClusterId.of("a"), ClusterId.of("x-a")), onDisk, List.of(cluster("b")), after),
        after);

    assertLoadable(state);
    assertEquals(List.of(new Rejection("a", "job-name-collision", "job name "
        + "\"p-x-a-node-exporter\" of cluster \"a\", which keeps the jobs it has, is also a job "
        + "of base config \"base.yml\"")), state.rejections());
    assertEquals(List.of(ClusterId.of("b"), ClusterId.of("x-a")), state.clusters());
    assertEquals(onDisk.get("scrape_configs/x-a.yml"),
        state.files().get("scrape_configs/x-a.yml"), "x-a keeps its jobs as they are");
  }

  /**
   * A merged config holds the base config's jobs too. One of the user's that scrapes with the
   * certificate the controller writes for cluster {@code a}, named with {@code -a-} in it, is
   * the base config's, not one of {@code a}'s kept jobs: while {@code a} is kept, the config is
   * the one it was, not one without {@code a}.
   */
  @Test
  void aBaseConfigJobUsingAKeptClustersCertificateStaysTheBaseConfigs() {
    ControllerSettings settings = settings(OutputMode.MERGED, "p");
    String certificate = CertificatePaths.of(ClusterId.of("a"), settings)
        .relativeTo(RelativePaths.parent(settings.configFileName())).certificate();
    BaseConfig base = BaseConfig.parse("scrape_configs:\n"
        + "- job_name: federate-a-extra\n"
        + "  tls_config:\n"
        + "    cert_file: " + certificate + "\n"
        + "  static_configs:\n"
        + "  - targets: [a.example:443]\n", "base.yml");
    Planner planner = new Planner(PROFILE, base);
    DesiredState onDisk = planner.plan(List.of(cluster("a"), cluster("b")),
        TestCertificates.forAll(List.of(cluster("a"), cluster("b"))), settings);

    DesiredState state = new Planner(PROFILE, base).plan(keeping(List.of(ClusterId.of("a")),
        onDisk.files(), List.of(cluster("b")), settings), settings);

    assertEquals(List.of(), state.rejections());
    assertEquals(List.of(ClusterId.of("a"), ClusterId.of("b")), state.clusters());
    assertLoadable(state);
    assertEquals(onDisk.config().text(), state.config().text(), "the config it was");
  }

  /**
   * A kept cluster whose only job found on disk is the base config's has no job of its own there,
   * but that job scrapes with its certificate files: it is planned on them and no job, as a
   * listed cluster the profile makes no job for is, so the files the config names stay and the
   * config is the one it was (left out, its files would go, and promtool would refuse the
   * config: "error checking client cert file").
   */
  @Test
  void aKeptClusterWhoseOnlyJobOnDiskIsTheBaseConfigsKeepsTheCertificateFilesThatJobUses() {
    ScrapeProfile etcdOnly = ScrapeProfile.parse("""
        jobs:
          - name: etcd
            target: etcd
        """, "etcd.yml");
    ControllerSettings settings = settings(OutputMode.MERGED, "p");
    String certificate = CertificatePaths.of(ClusterId.of("a"), settings)
        .relativeTo(RelativePaths.parent(settings.configFileName())).certificate();
    BaseConfig base = BaseConfig.parse("scrape_configs:\n"
        + "- job_name: federate-a-extra\n"
        + "  tls_config:\n"
        + "    cert_file: " + certificate + "\n"
        + "  static_configs:\n"
        + "  - targets: [a.example:443]\n", "base.yml");
    GuestCluster b = cluster("b").withEtcd("etcd.b.example:2379");
    DesiredState onDisk = new Planner(etcdOnly, base).plan(List.of(cluster("a"), b),
        TestCertificates.forAll(List.of(cluster("a"), b)), settings);
    assertTrue(onDisk.files().keySet().stream().anyMatch(path -> path.endsWith(certificate)));
    Observation observation = keeping(List.of(ClusterId.of("a")), onDisk.files(), List.of(b),
        settings);
    assertEquals(List.of(ClusterId.of("a")), List.copyOf(observation.keptJobs().keySet()));

    DesiredState state = new Planner(etcdOnly, base).plan(observation, settings);

    assertEquals(List.of(), state.rejections());
    assertEquals(List.of(ClusterId.of("a"), ClusterId.of("b")), state.clusters());
    assertEquals(onDisk.files(), state.files(), "the files it was, a's certificate among them");
  }

  /**
   * A job since removed from the base config, named with {@code -a-} and scraping with the
   * certificate file of {@code a}, cannot be told from one of {@code a}'s on disk: while
   * {@code a} is kept it stays, and the config loads (docs/operations.md says so).
   */
  @Test
  void aJobRemovedFromTheBaseConfigStaysWithTheKeptClusterWhoseCertificateItUses() {
    ControllerSettings settings = settings(OutputMode.MERGED, "p");
    String certificate = CertificatePaths.of(ClusterId.of("a"), settings)
        .relativeTo(RelativePaths.parent(settings.configFileName())).certificate();
    BaseConfig before = BaseConfig.parse("scrape_configs:\n"
        + "- job_name: federate-a-extra\n"
        + "  tls_config:\n"
        + "    cert_file: " + certificate + "\n"
        + "  static_configs:\n"
        + "  - targets: [a.example:443]\n", "base.yml");
    DesiredState onDisk = new Planner(PROFILE, before).plan(List.of(cluster("a"), cluster("b")),
        TestCertificates.forAll(List.of(cluster("a"), cluster("b"))), settings);

    DesiredState state = new Planner(PROFILE, BaseConfig.empty()).plan(keeping(
        List.of(ClusterId.of("a")), onDisk.files(), List.of(cluster("b")), settings), settings);

    assertLoadable(state);
    assertEquals(List.of("federate-a-extra", "p-a-exporter", "p-a-node-exporter",
        "p-b-exporter", "p-b-node-exporter"), PlannedOutput.jobs(state).stream()
        .map(PlannedOutput.Job::name).sorted().toList());
  }

  /**
   * A job template renamed while a cluster is kept: the kept cluster runs its jobs under their
   * old names, the others under the new ones, in one loadable config; in merged mode and with
   * per-cluster files alike.
   */
  @ParameterizedTest
  @EnumSource(OutputMode.class)
  void aRenamedTemplateLeavesTheKeptClusterItsOldNamesAndTheConfigLoadable(OutputMode mode) {
    ControllerSettings settings = settings(mode, "p");
    DesiredState onDisk = written(PROFILE, List.of(cluster("a"), cluster("b")), settings);

    DesiredState state = new Planner(RENAMED, BaseConfig.empty()).plan(keeping(
        List.of(ClusterId.of("a")), onDisk.files(), List.of(cluster("b")), settings), settings);

    assertLoadable(state);
    assertEquals(List.of(ClusterId.of("a"), ClusterId.of("b")), state.clusters());
    List<String> names = PlannedOutput.jobs(state).stream().map(PlannedOutput.Job::name)
        .sorted().toList();
    assertEquals(List.of("p-a-exporter", "p-a-node-exporter", "p-b-metrics",
        "p-b-node-exporter"), names);
    assertEquals(List.of(), state.rejections());
  }

  /**
   * After a change of the job prefix, a kept cluster keeps its jobs under the old prefix in a
   * merged config as it does with per-cluster files (its certificate file tells its jobs from
   * the others), and a plan on those files finds them again.
   */
  @ParameterizedTest
  @EnumSource(OutputMode.class)
  void aNewPrefixLeavesTheKeptClusterItsJobsUnderTheOldOne(OutputMode mode) {
    DesiredState onDisk = written(PROFILE, List.of(cluster("a"), cluster("b")),
        settings(mode, "p"));
    ControllerSettings after = settings(mode, "q");
    Planner planner = new Planner(PROFILE, BaseConfig.empty());

    DesiredState state = planner.plan(keeping(List.of(ClusterId.of("a")), onDisk.files(),
        List.of(cluster("b")), after), after);

    assertLoadable(state);
    assertEquals(List.of(ClusterId.of("a"), ClusterId.of("b")), state.clusters());
    assertEquals(List.of("p-a-exporter", "p-a-node-exporter", "q-b-exporter",
        "q-b-node-exporter"), PlannedOutput.jobs(state).stream().map(PlannedOutput.Job::name)
        .sorted().toList());
    assertEquals(List.of(), state.rejections());
    assertEquals(state.files(), planner.plan(keeping(List.of(ClusterId.of("a")),
        state.files(), List.of(cluster("b")), after), after).files(), "found again");
  }
}
