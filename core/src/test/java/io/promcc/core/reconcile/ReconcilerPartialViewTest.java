package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Fixture.CONFIG;
import static io.promcc.core.reconcile.Fixture.cluster;
import static io.promcc.core.reconcile.Fixture.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.plan.ShardAssigner;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.port.InvalidFilesException;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.TestCertificates;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Never act on a partial view: which source failures keep jobs, and what removes them. */
class ReconcilerPartialViewTest {
  private final Fixture f = new Fixture().with("a", "b");

  @Test
  void aClusterSourceThatIsNotSyncedChangesNothingAndSaysSo() {
    FakeClusterSource unsynced = FakeClusterSource.unsynced();

    ReconcileResult result = f.builder().clusterSource(unsynced).build().reconcile();

    assertEquals(Outcome.SOURCE_NOT_READY, result.outcome());
    assertTrue(result.message().contains("has not synced yet; nothing was changed"),
        result.message());
    assertEquals(List.of(), f.store.writes());
    assertEquals(0, f.prometheus.reloads());
  }

  @Test
  void aFailingClusterSourceNeverDropsAnyCluster() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.clusters.fail("list services: 500 internal error");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.SOURCE_NOT_READY, result.outcome());
    assertTrue(f.hasJobsOf("a") && f.hasJobsOf("b"));
    assertEquals(1, f.prometheus.reloads());
  }

  @Test
  void aSourceOrPlannerBreakingItsContractFailsTheReconcileAndDropsNothing() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    GuestClusterSource broken = new GuestClusterSource() {
      @Override
      public ClusterSnapshot snapshot() {
        throw new IllegalStateException("a bug in the source");
      }

      @Override
      public void addChangeListener(Runnable listener) {}
    };

    ReconcileResult observing = f.builder().clusterSource(broken).build().reconcile();
    ReconcileResult planning = f.builder().planner(() -> {
      throw new IllegalArgumentException("a bug in the planner");
    }).build().reconcile();

    assertEquals(Outcome.FAILED, observing.outcome());
    assertTrue(observing.message().contains("IllegalStateException: a bug in the source"),
        observing.message());
    assertEquals(Outcome.FAILED, planning.outcome());
    assertTrue(planning.message().contains("IllegalArgumentException: a bug in the planner"),
        planning.message());
    assertTrue(f.hasJobsOf("a") && f.hasJobsOf("b"));
    assertEquals(1, f.prometheus.reloads());
  }

  @Test
  void aCertificateServedWhileItsRenewalFailsIsDegradedWithTheSourcesReason() {
    CertificateSource renewalFailing = new CertificateSource() {
      @Override
      public CertificateObservation observe(Collection<GuestCluster> clusters) {
        SortedMap<ClusterId, CertificateBundle> bundles = new TreeMap<>();
        clusters.forEach(c -> bundles.put(c.id(), TestCertificates.bundle()));
        return new CertificateObservation(bundles, new TreeMap<>(Map.of(id("b"),
            new Rejection("b", "vault-sealed", "renewal failed: vault is sealed"))),
            Optional.empty());
      }

      @Override
      public void addChangeListener(Runnable listener) {}
    };

    ReconcileResult result = f.builder().certificateSource(renewalFailing).build().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertEquals(List.of(id("b")), List.copyOf(result.degraded().keySet()));
    assertEquals("vault-sealed", result.degraded().get(id("b")).reason());
    assertEquals(List.of(), result.waiting());
    assertTrue(f.hasJobsOf("a") && f.hasJobsOf("b"));
  }

  @Test
  void aCertificateSourceAnsweringInAnotherOrderStillCertifiesEveryCluster() {
    f.with("c");
    CertificateSource reversed = new CertificateSource() {
      @Override
      public CertificateObservation observe(Collection<GuestCluster> clusters) {
        SortedMap<ClusterId, CertificateBundle> bundles = new TreeMap<>(Comparator.reverseOrder());
        clusters.forEach(c -> bundles.put(c.id(), TestCertificates.bundle()));
        return new CertificateObservation(bundles, new TreeMap<>(), Optional.empty());
      }

      @Override
      public void addChangeListener(Runnable listener) {}
    };

    ReconcileResult result = f.builder().certificateSource(reversed).build().reconcile();

    assertEquals(List.of(id("a"), id("b"), id("c")), result.active());
    assertEquals(List.of(), result.waiting());
    assertTrue(f.hasJobsOf("a") && f.hasJobsOf("b") && f.hasJobsOf("c"));
  }

  @Test
  void aClusterWhoseCertificateSourceFailsKeepsItsJobsAndFilesWithTheSourcesReason() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    var before = f.store.readOwned();
    f.certificates.fail(id("a"), "vault-sealed");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.UNCHANGED, result.outcome());
    assertEquals(before, f.store.readOwned());
    assertEquals(List.of(id("a"), id("b")), result.active());
    assertEquals("vault-sealed", result.degraded().get(id("a")).reason());
    assertEquals(List.of(), result.waiting());
  }

  @Test
  void afterARestartWhileVaultIsDownEveryClusterKeepsItsJobsAndCertificates() {
    f.reconciler().reconcile();
    var before = f.store.readOwned();
    // no certificate served at all (failAll would serve the ones the source has, as Vault does)
    f.certificates.fail(id("a"), "vault-unreachable");
    f.certificates.fail(id("b"), "vault-unreachable");

    ReconcileResult result = f.reconciler().reconcile(); // a new process: nothing in memory

    assertEquals(Outcome.UNCHANGED, result.outcome(), result.message());
    assertEquals(before, f.store.readOwned());
    assertEquals(2, result.degraded().size());
    assertEquals(1, f.prometheus.reloads());
  }

  @Test
  void aKeptCertificatePastItsEndStaysAndTheReasonSaysExpired() {
    f.certificates.put(id("a"), TestCertificates.expired());
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.certificates.fail(id("a"), "vault-sealed");

    ReconcileResult result = reconciler.reconcile();

    assertTrue(f.hasJobsOf("a"), "up == 0 is visible; vanished targets are not");
    Rejection reason = result.degraded().get(id("a"));
    assertEquals("expired", reason.reason());
    assertTrue(reason.message().contains("expired at 2024-01-02T00:00:00Z")
        && reason.message().contains("vault-sealed"), reason.message());
    assertEquals(Instant.parse("2024-01-02T00:00:00Z"), result.certificateNotAfter().get(id("a")));
  }

  /**
   * The end of validity is reported for exactly the planned clusters: not for one that has a
   * certificate but is rejected (its label collides with the controller's).
   */
  @Test
  void certificateEndsAreReportedForThePlannedClustersOnly() {
    f.certificates.put(id("a"), TestCertificates.expired());
    ReconcileResult all = f.reconciler().reconcile();
    assertEquals(Map.of(id("a"), Instant.parse("2024-01-02T00:00:00Z"),
        id("b"), TestCertificates.bundle().notAfter()), all.certificateNotAfter());

    f.clusters.put(cluster("c").withLabels(Map.of("cluster_id", "mine")));
    ReconcileResult withC = f.reconciler().reconcile();
    assertEquals("label-collision", withC.rejected().get(0).reason());
    assertEquals(all.certificateNotAfter(), withC.certificateNotAfter());
  }

  @Test
  void aNewClusterWithoutAnyCertificateWaitsWithTheSourcesOwnReason() {
    f.certificates.fail(id("b"), "secret-missing");

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome());
    assertEquals(List.of(id("a")), result.active());
    assertEquals("secret-missing", result.waiting().get(0).reason());
    assertEquals(List.of(), result.rejected());
    assertFalse(f.hasJobsOf("b"));

    f.certificates.recover(id("b"));
    assertEquals(List.of(id("a"), id("b")), f.reconciler().reconcile().active());
  }

  @Test
  void aClusterGoneFromTheSourceLosesItsJobsAndFiles() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.clusters.remove(id("b"));

    reconciler.reconcile();

    assertFalse(f.hasJobsOf("b"));
    assertFalse(f.store.readOwned().containsKey("certs/b-crt.pem"));
  }

  @Test
  void aClusterTheSourceRejectsLosesItsJobsAndTheReasonIsCarriedThrough() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.clusters.remove(id("b"));
    Rejection invalid = new Rejection("service \"b/master\"", "invalid-api-server",
        "api server of service \"b/master\" must be https, found \"http://b\"");
    f.clusters.setRejections(List.of(invalid));

    ReconcileResult result = reconciler.reconcile();

    assertFalse(f.hasJobsOf("b"));
    assertEquals(List.of(invalid), result.rejected());
  }

  @Test
  void aFileSomeoneElsePlacedBlocksOnlyTheClusterItBelongsTo() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.store.putUnowned("certs/c-key.pem", DesiredFile.of(FileKind.PRIVATE_KEY, "hand-made"));
    f.with("c", "d");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertEquals(List.of(id("a"), id("b"), id("d")), result.active());
    Rejection blocked = result.rejected().get(0);
    assertEquals("file-not-owned", blocked.reason());
    assertTrue(blocked.message().contains("\"certs/c-key.pem\""), blocked.message());
    assertEquals("hand-made", f.store.unownedText("certs/c-key.pem").orElseThrow());
  }

  @Test
  void aReconcileThatPlansAgainWithoutABlockedClusterAsksForThePlannerOnce() {
    f.reconciler().reconcile();
    f.store.putUnowned("certs/c-key.pem", DesiredFile.of(FileKind.PRIVATE_KEY, "hand-made"));
    f.with("c");
    AtomicInteger calls = new AtomicInteger();
    Reconciler reconciler = f.builder().planner(() -> {
      calls.incrementAndGet();
      return f.planner();
    }).build();

    ReconcileResult result = reconciler.reconcile();

    assertEquals("file-not-owned", result.rejected().get(0).reason(), result.toString());
    assertEquals(1, calls.get(), "planner supplier calls in one reconcile");
  }

  /** A validator that finds the files of {@code cluster}'s certificate invalid when they change. */
  private void invalidCertificateOf(String cluster) {
    String key = "certs/" + cluster + "-key.pem";
    f.validator = (desired, changed) -> {
      if (changed.contains(key)) {
        throw new InvalidFilesException("desired state", Map.of(key, List.of("private key "
            + Quoting.quote(key) + " does not match the certificate")));
      }
    };
  }

  @Test
  void aNewClusterWhoseCertificateFilesAreInvalidWaitsAndTheOthersChangesLand() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    invalidCertificateOf("bad");
    f.certificates.put(id("a"), TestCertificates.other()); // a renewal of a
    f.with("bad", "c");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.toString());
    assertEquals(List.of(id("a"), id("b"), id("c")), result.active());
    Rejection waiting = result.waiting().get(0);
    assertEquals("certificate-invalid", waiting.reason());
    assertTrue(waiting.message().contains("\"certs/bad-key.pem\" does not match"),
        waiting.message());
    assertEquals(TestCertificates.other().certificatePem(),
        f.store.readOwned().get("certs/a-crt.pem").text(), "a's renewal landed");
    assertFalse(f.hasJobsOf("bad"));
    assertFalse(f.store.readOwned().containsKey("certs/bad-key.pem"));
  }

  @Test
  void aClusterWhoseRenewedCertificateFilesAreInvalidKeepsItsLastFilesAndJobs() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    String kept = f.store.readOwned().get("certs/b-crt.pem").text();
    invalidCertificateOf("b");
    f.certificates.put(id("b"), TestCertificates.other()); // b's renewal, found invalid
    f.with("c");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.toString());
    assertEquals(List.of(id("a"), id("b"), id("c")), result.active());
    assertEquals("certificate-invalid", result.degraded().get(id("b")).reason());
    assertEquals(kept, f.store.readOwned().get("certs/b-crt.pem").text(), "b's last files");
    assertTrue(f.hasJobsOf("b") && f.hasJobsOf("c"));
  }

  @Test
  void aKeptCertificatePastItsEndWhoseRenewalIsInvalidIsExpired() {
    f.certificates.put(id("a"), TestCertificates.expired());
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    invalidCertificateOf("a");
    f.certificates.put(id("a"), TestCertificates.other()); // a's renewal, found invalid

    ReconcileResult result = reconciler.reconcile();

    assertTrue(f.hasJobsOf("a"), result.toString());
    Rejection reason = result.degraded().get(id("a"));
    assertEquals("expired", reason.reason(), reason.message());
    assertTrue(reason.message().contains("its new certificate files are invalid"),
        reason.message());
  }

  @Test
  void invalidFilesThatAreNoClustersFailTheReconcileAndWriteNothing() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    int writes = f.store.writes().size();
    f.validator = (desired, changed) -> {
      throw new InvalidFilesException("desired state",
          Map.of(CONFIG, List.of("config names a file that will not exist")));
    };
    f.with("c");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.FAILED, result.outcome());
    assertTrue(result.message().contains("config names a file that will not exist"),
        result.message());
    assertEquals(writes, f.store.writes().size());
  }

  @Test
  void aCertificateSourceThatBreaksForOneClusterHoldsBackOnlyThatCluster() {
    f.reconciler().reconcile();
    f.with("c");
    CertificateSource breaking = new CertificateSource() {
      @Override
      public CertificateObservation observe(Collection<GuestCluster> clusters) {
        return CertificateObservation.ofEach(clusters, cluster -> {
          if (cluster.id().equals(id("b"))) {
            throw new IllegalStateException("a bug in the source");
          }
          return TestCertificates.bundle();
        }, Optional.empty());
      }

      @Override
      public void addChangeListener(Runnable listener) {}
    };

    ReconcileResult result = f.builder().certificateSource(breaking).build().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertEquals(List.of(id("a"), id("b"), id("c")), result.active());
    Rejection problem = result.degraded().get(id("b"));
    assertEquals("certificate-source-failed", problem.reason());
    // named by type and place: an unexpected exception's text may quote a secret
    assertTrue(problem.message().contains("unexpectedly with java.lang.IllegalStateException at "),
        problem.message());
    assertFalse(problem.message().contains("a bug in the source"), problem.message());
    assertTrue(f.hasJobsOf("b") && f.hasJobsOf("c"));
  }

  @Test
  void anUnownedMainConfigFailsTheReconcileAndWritesNothing() {
    f.store.putUnowned(CONFIG, DesiredFile.of(FileKind.MAIN_CONFIG, "a user's config"));

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.FAILED, result.outcome());
    assertTrue(result.message().contains("\"prometheus.yml\""), result.message());
    assertEquals(List.of(), f.store.writes());
  }

  @Test
  void theNextRunIsDueWhenTheCertificateSourceNeedsAttention() {
    Instant renewal = f.clock.instant().plus(Duration.ofHours(7));
    f.certificates.setNextAttention(Optional.of(renewal));

    assertEquals(Optional.of(renewal), f.reconciler().reconcile().runAgainAt());
  }

  @Test
  void aShardKeepsOnlyItsClustersAndObservesCertificatesOnlyForThem() {
    for (int i = 0; i < 20; i++) {
      f.clusters.put(cluster("c" + i));
    }
    ReconcileResult zero = f.builder().shard(0, 2).build().reconcile();
    ReconcileResult one = f.builder().store(new io.promcc.core.port.FakeConfigStore())
        .shard(1, 2).build().reconcile();

    assertEquals(22, zero.active().size() + one.active().size());
    assertTrue(zero.active().stream().noneMatch(one.active()::contains));
    assertEquals(zero.active(), f.certificates.observed().get(0));
  }

  /**
   * The shard count changed (each Pod restarted with {@code --shard K/N+1}) while the certificate
   * source fails: a cluster that stays in this shard keeps its jobs and files, as through any
   * restart; one that moved to another shard left this one, a definite removal here (the other
   * shard scrapes it once its own certificate source gives it a certificate).
   */
  @Test
  void aKeptClusterKeepsItsJobsAcrossAShardCountChangeOnlyIfItStaysInTheShard() {
    for (int i = 0; i < 20; i++) {
      f.clusters.put(cluster("c" + i));
    }
    ShardAssigner two = new ShardAssigner(2);
    ShardAssigner three = new ShardAssigner(3);
    List<ClusterId> ids = f.clusters.snapshot().clusters().stream().map(GuestCluster::id)
        .toList();
    ClusterId stays = ids.stream()
        .filter(id -> two.shardOf(id) == 0 && three.shardOf(id) == 0).findFirst().orElseThrow();
    ClusterId moves = ids.stream()
        .filter(id -> two.shardOf(id) == 0 && three.shardOf(id) != 0).findFirst().orElseThrow();
    f.builder().shard(0, 2).build().reconcile();
    assertTrue(f.hasJobsOf(stays.value()) && f.hasJobsOf(moves.value()));
    f.certificates.fail(stays, "vault-unreachable");
    f.certificates.fail(moves, "vault-unreachable");

    ReconcileResult result = f.builder().shard(0, 3).build().reconcile(); // restarted as 0/3

    assertTrue(f.hasJobsOf(stays.value()), result.message());
    assertEquals("vault-unreachable", result.degraded().get(stays).reason());
    assertFalse(f.hasJobsOf(moves.value()));
    assertFalse(f.store.readOwned().keySet().stream()
        .anyMatch(path -> path.contains("/" + moves.value() + "-")), "its files stayed");
    assertFalse(result.active().contains(moves) || result.waiting().contains(moves));
  }

  /**
   * A cluster kept with the files on disk while its certificate source failed gets the
   * certificate the source gives once it recovers, at the next reconcile: not at the renewal
   * time of the kept one.
   */
  @Test
  void aKeptClusterTakesTheCertificateOfTheRecoveredSourceAtOnce() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    var kept = f.store.readOwned();
    f.certificates.fail(id("a"), "vault-unreachable");
    assertEquals(Outcome.UNCHANGED, f.reconciler().reconcile().outcome()); // after a restart
    assertEquals(kept, f.store.readOwned());

    f.certificates.put(id("a"), TestCertificates.other());
    ReconcileResult result = f.reconciler().reconcile();

    assertTrue(result.degraded().isEmpty(), result.degraded().toString());
    assertEquals(TestCertificates.other().certificatePem(),
        f.store.readOwned().get("certs/a-crt.pem").text());
  }

  @Test
  void aStoreThatCannotWriteFailsTheReconcileNamingTheProblem() {
    f.store.failWrites("cannot write \"/prom/certs/a-ca.pem\": No space left on device");

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.FAILED, result.outcome());
    assertTrue(result.message().contains("No space left on device"), result.message());
    assertEquals(0, f.prometheus.reloads());
  }
}
