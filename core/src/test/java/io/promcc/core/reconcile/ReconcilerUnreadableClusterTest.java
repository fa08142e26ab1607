package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Fixture.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.Rejection;
import io.promcc.core.plan.CertificatePaths;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.plan.ShardAssigner;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.TestCertificates;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A cluster the cluster source knows to be present but cannot read (its Service is malformed and
 * the source has no valid version of it, as after a restart) is not gone: it keeps the jobs and
 * certificate files it has on disk, as a cluster whose certificate source fails keeps its files.
 */
class ReconcilerUnreadableClusterTest {
  private static final Rejection BAD_ETCD = new Rejection("service \"a/master\"",
      "invalid-etcd-endpoint", "etcd endpoint of cluster \"a\" must be host or host:port, found "
          + "\"etcd.a:237900\"");

  private final Fixture f = new Fixture().with("a", "b");

  private Reconciler reconciler(OutputMode mode) {
    return f.builder().settings(ControllerSettings.DEFAULTS.toBuilder().outputMode(mode).build())
        .build();
  }

  private boolean hasFilesOf(String id) {
    return f.store.readOwned().keySet().stream().anyMatch(p -> p.contains("/" + id + "-")
        || p.endsWith("/" + id + ".yml"));
  }

  @ParameterizedTest
  @EnumSource(OutputMode.class)
  void afterARestartAnUnreadableClusterKeepsItsJobsAndCertificateFilesAsTheyAre(
      OutputMode mode) {
    reconciler(mode).reconcile();
    SortedMap<String, DesiredFile> before = f.store.readOwned();
    f.clusters.unreadable(id("a"), BAD_ETCD);

    ReconcileResult result = reconciler(mode).reconcile(); // a new process: nothing in memory

    assertEquals(Outcome.UNCHANGED, result.outcome(), result.message());
    assertEquals(before, f.store.readOwned());
    assertEquals(1, f.prometheus.reloads());
    assertEquals(List.of(id("a"), id("b")), result.active());
    Rejection degraded = result.degraded().get(id("a"));
    assertEquals("cluster-unreadable", degraded.reason());
    assertEquals("cluster \"a\" keeps the certificate files and any jobs it has on disk: the "
        + "cluster source cannot read it (service \"a/master\": invalid-etcd-endpoint)",
        degraded.message());
    assertEquals(List.of(BAD_ETCD), result.rejected());
    assertEquals(List.of(), result.waiting());
    assertEquals(TestCertificates.bundle().notAfter(),
        result.certificateNotAfter().get(id("a")));
  }

  @Test
  void anUnreadableClusterStaysWhileOthersChangeAndGoesOnceRemoved() {
    f.reconciler().reconcile();
    f.clusters.unreadable(id("a"), BAD_ETCD);
    Reconciler restarted = f.reconciler();
    restarted.reconcile();
    f.with("c");

    ReconcileResult withC = restarted.reconcile();

    assertEquals(List.of(id("a"), id("b"), id("c")), withC.active(), withC.message());
    assertTrue(f.hasJobsOf("a") && f.prometheusRunsJobsOf("a"));
    f.clusters.remove(id("a"));
    ReconcileResult removed = restarted.reconcile();
    assertEquals(List.of(id("b"), id("c")), removed.active(), removed.message());
    assertFalse(f.hasJobsOf("a"));
    assertFalse(hasFilesOf("a"), f.store.readOwned().keySet().toString());
  }

  /** The paths of cluster {@code id}'s certificate files. */
  private static List<String> certificateFiles(String id) {
    CertificatePaths paths = CertificatePaths.of(id(id), ControllerSettings.DEFAULTS);
    return List.of(paths.ca(), paths.certificate(), paths.key());
  }

  /** A base config with a job of the user's, named without {@code -a-}, using a's files. */
  private void baseConfigJobUsingTheFilesOfA() {
    List<String> files = certificateFiles("a"); // the config is at the root of the output
    f.baseConfig = "global:\n  scrape_interval: 1m\nscrape_configs:\n"
        + "- job_name: federate-extra\n"
        + "  tls_config:\n"
        + "    ca_file: " + files.get(0) + "\n"
        + "    cert_file: " + files.get(1) + "\n"
        + "    key_file: " + files.get(2) + "\n"
        + "  static_configs:\n"
        + "  - targets: [a.example:443]\n";
  }

  /**
   * Nothing of an unreadable cluster's is found among the jobs on disk (written in the other
   * output mode), but a job of the base config, named without its ID, scrapes with its
   * certificate files: they stay while the cluster is unreadable, and the cluster is kept with
   * no job (only a definite removal removes; the base config's job would name deleted files).
   */
  @ParameterizedTest
  @EnumSource(OutputMode.class)
  void anUnreadableClusterWithNoJobFoundKeepsTheCertificateFilesABaseConfigJobUses(
      OutputMode mode) {
    baseConfigJobUsingTheFilesOfA();
    OutputMode other = mode == OutputMode.MERGED ? OutputMode.PER_CLUSTER_FILES
        : OutputMode.MERGED;
    reconciler(other).reconcile();
    f.clusters.unreadable(id("a"), BAD_ETCD);

    ReconcileResult result = reconciler(mode).reconcile();

    assertTrue(f.store.readOwned().keySet().containsAll(certificateFiles("a")),
        f.store.readOwned().keySet().toString());
    assertTrue(f.configOnDisk().contains("job_name: federate-extra"), f.configOnDisk());
    assertEquals(List.of(id("a"), id("b")), result.active(), result.message());
    assertEquals("cluster-unreadable", result.degraded().get(id("a")).reason());
  }

  /**
   * A cluster the profile makes no job for has no job on disk: with per-cluster files its file
   * holds none, in a merged config it has no item. Unreadable, it keeps its certificate files
   * in both modes alike (nothing is lost while it cannot be read).
   */
  @ParameterizedTest
  @EnumSource(OutputMode.class)
  void anUnreadableClusterWithoutJobsKeepsItsCertificateFilesInBothModes(OutputMode mode) {
    f.profile = ScrapeProfile.parse("jobs:\n  - name: etcd\n    target: etcd\n", "etcd.yml");
    reconciler(mode).reconcile();
    SortedMap<String, DesiredFile> before = f.store.readOwned();
    assertTrue(before.keySet().containsAll(certificateFiles("a")), before.keySet().toString());
    f.clusters.unreadable(id("a"), BAD_ETCD);

    ReconcileResult result = reconciler(mode).reconcile();

    assertEquals(before, f.store.readOwned());
    assertEquals(List.of(id("a"), id("b")), result.active(), result.message());
    assertEquals("cluster-unreadable", result.degraded().get(id("a")).reason());
  }

  /**
   * Kept with no job, an unreadable cluster still goes with its certificate files (and, with
   * per-cluster files, its file) once it is gone from the cluster source: only a definite
   * removal removes.
   */
  @ParameterizedTest
  @EnumSource(OutputMode.class)
  void anUnreadableClusterKeptWithNoJobLosesItsFilesOnceRemoved(OutputMode mode) {
    f.profile = ScrapeProfile.parse("jobs:\n  - name: etcd\n    target: etcd\n", "etcd.yml");
    reconciler(mode).reconcile();
    f.clusters.unreadable(id("a"), BAD_ETCD);
    Reconciler restarted = reconciler(mode);
    ReconcileResult kept = restarted.reconcile();
    assertEquals(List.of(id("a"), id("b")), kept.active(), kept.message());
    assertTrue(hasFilesOf("a"), f.store.readOwned().keySet().toString());

    f.clusters.remove(id("a"));
    ReconcileResult removed = restarted.reconcile();

    assertEquals(List.of(id("b")), removed.active(), removed.message());
    assertFalse(hasFilesOf("a"), f.store.readOwned().keySet().toString());
    assertTrue(removed.degraded().isEmpty(), removed.degraded().toString());
  }

  @Test
  void anUnreadableClusterWithNothingOnDiskIsLeftOutAsItsRejectionSays() {
    f.clusters.unreadable(id("a"), BAD_ETCD);

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(List.of(id("b")), result.active());
    assertEquals(List.of(BAD_ETCD), result.rejected());
    assertTrue(result.degraded().isEmpty(), result.degraded().toString());
    assertFalse(hasFilesOf("a"));
  }

  @Test
  void anUnreadableClusterWhoseKeptCertificateEndedSaysExpired() {
    f.certificates.put(id("a"), TestCertificates.expired());
    f.reconciler().reconcile();
    f.clusters.unreadable(id("a"), BAD_ETCD);

    ReconcileResult result = f.reconciler().reconcile();

    assertTrue(f.hasJobsOf("a"), "up == 0 is visible; vanished targets are not");
    Rejection reason = result.degraded().get(id("a"));
    assertEquals("expired", reason.reason());
    assertTrue(reason.message().contains("cannot read it")
        && reason.message().contains("invalid-etcd-endpoint"), reason.message());
  }

  /** A shard keeps an unreadable cluster only if it is its own, as it plans a listed one. */
  @Test
  void aShardKeepsOnlyItsOwnUnreadableClusters() {
    f.reconciler().reconcile(); // one shard held every cluster
    ClusterId other = new ShardAssigner(2).shardOf(id("a")) == 0 ? id("b") : id("a");
    ClusterId mine = other.equals(id("a")) ? id("b") : id("a");
    f.clusters.unreadable(id("a"), BAD_ETCD);
    f.clusters.unreadable(id("b"), new Rejection("service \"b/master\"", "invalid-port",
        "port of service \"b/master\" must be between 1 and 65535, found \"0\""));

    ReconcileResult result = f.builder().shard(0, 2).build().reconcile();

    assertEquals(List.of(mine), result.active(), result.message());
    assertTrue(f.hasJobsOf(mine.value()));
    assertFalse(f.hasJobsOf(other.value()));
  }
}
