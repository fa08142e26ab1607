package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Fixture.CONFIG;
import static io.promcc.core.reconcile.Fixture.cluster;
import static io.promcc.core.reconcile.Fixture.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.plan.ShardAssigner;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.port.InvalidFilesException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Never act on a partial view of the clusters: which failures of the cluster source, the
 * planner and the store keep jobs, what removes them, files someone else placed, and shards. The
 * certificates' side is {@link ReconcilerCertificateViewTest}.
 */
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
  void anUnownedMainConfigFailsTheReconcileAndWritesNothing() {
    f.store.putUnowned(CONFIG, DesiredFile.of(FileKind.MAIN_CONFIG, "a user's config"));

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.FAILED, result.outcome());
    assertTrue(result.message().contains("\"prometheus.yml\""), result.message());
    assertEquals(List.of(), f.store.writes());
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

  @Test
  void aStoreThatCannotWriteFailsTheReconcileNamingTheProblem() {
    f.store.failWrites("cannot write \"/prom/certs/a-ca.pem\": No space left on device");

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.FAILED, result.outcome());
    assertTrue(result.message().contains("No space left on device"), result.message());
    assertEquals(0, f.prometheus.reloads());
  }
}
