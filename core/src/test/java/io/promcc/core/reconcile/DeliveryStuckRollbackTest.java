package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.StuckStates.verifiedThenClusterB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.StuckStates.BusyOnceAfterTheRejection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rollbacks {@link Delivery} does not finish: the restore of the last verified files fails
 * (whole or part-way), the restore's reload is never made, or the record of its verification
 * fails. Reconciles under the pin of a config judged by Prometheus are in
 * {@link DeliveryStuckPinTest}. Injected clocks, no sleeping.
 */
class DeliveryStuckRollbackTest {
  private final Fixture f = new Fixture().with("a");

  /**
   * Prometheus rejects a config; the rollback's restore of the last verified files fails once
   * (a full disk, say). The config is pinned, and while it is pinned only certificates are
   * written: the rejected files stay on disk until the desired config changes, and a
   * Prometheus that restarts meanwhile reads them and does not come up.
   */
  @Test
  void aRollbackWhoseRestoreFailedIsRestoredByALaterReconcile() {
    var restoreFailsOnce = new FullDiskOnRestore(f.store, true);
    Reconciler reconciler = f.builder().store(restoreFailsOnce).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();

    ReconcileResult rejected = reconciler.reconcile();
    List<String> said = new ArrayList<>();
    said.add("rejected: " + rejected.outcome() + ": " + rejected.message());
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertTrue(good.equals(f.configOnDisk()), "the rejected files stay on disk (bogus: "
        + f.configOnDisk().contains("bogus") + "); " + said);
    f.prometheus.restart();
    assertTrue(f.prometheus.isUp(), "a restarted prometheus reads the rejected files; " + said);
  }

  /**
   * A rollback whose restore failed is finished by a later reconcile under the pin, which
   * reloads the last verified config only: that is no reload of the desired config, which
   * {@code promcc_reloads_total} counts, so it is not counted as a second rejected reload.
   */
  @Test
  void aRollbackFinishedUnderThePinIsNoReloadOfTheDesiredConfig() {
    var restoreFailsOnce = new FullDiskOnRestore(f.store, true);
    Reconciler reconciler = f.builder().store(restoreFailsOnce).build();
    ReconcileResult first = reconciler.reconcile();
    assertEquals(Outcome.RELOADED, first.outcome());
    assertTrue(first.desiredReloadAsked());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();

    ReconcileResult rejected = reconciler.reconcile();
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult finished = reconciler.reconcile();

    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
    assertTrue(rejected.desiredReloadAsked(), rejected.message());
    assertFalse(rejected.rolledBack(), rejected.message());
    assertEquals(Outcome.REJECTED, finished.outcome(), finished.message());
    assertTrue(finished.rolledBack(), finished.message());
    assertTrue(finished.durations().containsKey(Phase.RELOAD), finished.message());
    assertFalse(finished.desiredReloadAsked(), "the reload of the verified config under the "
        + "pin counts as one of the desired config: " + finished.message());
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult pinned = reconciler.reconcile();
    assertFalse(pinned.desiredReloadAsked(), pinned.message());
    assertFalse(pinned.durations().containsKey(Phase.RELOAD), pinned.message());
  }

  /**
   * Prometheus rejects a config (HTTP 500); the files are restored, but the runtime info call
   * before the restore reload gets no answer once. The config is pinned and, while pinned, no
   * reconcile asks Prometheus or reloads: the restore reload is never made, and Prometheus keeps
   * reporting the failed load. Prometheus 2.53 applies what it can of a config that parses but
   * fails to apply (docs/reliability.md: the query_log_file edit), so it keeps running part of
   * the rejected config until the desired config changes. docs/delivery.md, step 5: "The last
   * verified configuration is restored and reloaded".
   */
  @Test
  void aRestoreReloadThatFailedOnceIsMadeByALaterReconcile() {
    var busyOnceAfterTheRejection = new BusyOnceAfterTheRejection(f);
    Reconciler reconciler = f.builder().prometheus(busyOnceAfterTheRejection).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();

    ReconcileResult rejected = reconciler.reconcile();
    int reloads = f.prometheus.reloads();
    List<String> said = new ArrayList<>();
    said.add("rejected: " + rejected.outcome() + ": " + rejected.message());
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), "prometheus still reports the "
        + "failed load of the rejected config; reloads since the rollback: "
        + (f.prometheus.reloads() - reloads) + "; " + said);
  }

  /**
   * A rollback's restore fails part-way (the real store renames file by file and deletes stale
   * config files last: a full disk or an I/O error after the main config was put back leaves the
   * rejected config's other files). docs/delivery.md: "if restoring the files failed (a full
   * disk), the rejected files still on disk are replaced then". The under-pin check only looks
   * for the pinned config hash or the verified one on disk; a mix of both is neither, so the
   * rejected files stay on disk for as long as the pin holds (per-cluster output: the new
   * cluster's scrape config file of the rejected config stays, read by the glob at a restart).
   */
  @Test
  void aRollbackWhoseRestoreFailedPartWayIsFinishedByALaterReconcile() {
    var restoreFailsPartWayOnce = new ForwardingStore(f.store) {
      DesiredState lastWritten;
      int restores;

      @Override
      public void write(DesiredState desired, FileDiff diff) {
        lastWritten = desired;
        super.write(desired, diff);
      }

      @Override
      public boolean restoreLastVerified() {
        boolean restored = super.restoreLastVerified();
        if (++restores == 1) {
          // the stale config files of the rejected config were not deleted
          List<String> stale = lastWritten.files().entrySet().stream()
              .filter(e -> e.getValue().kind().isConfig())
              .filter(e -> !f.store.readOwned().containsKey(e.getKey()))
              .map(e -> e.getKey()).toList();
          super.write(lastWritten, new FileDiff(stale, List.of(), true));
          throw new ConfigStoreException("cannot delete " + stale + ": Input/output error");
        }
        return restored;
      }
    };
    Reconciler reconciler = f.builder().store(restoreFailsPartWayOnce)
        .settings(io.promcc.core.model.ControllerSettings.builder()
            .outputMode(io.promcc.core.model.OutputMode.PER_CLUSTER_FILES).build())
        .build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    var verifiedConfigFiles = configPaths(f.store.readOwned());
    f.clock.advance(Duration.ofSeconds(5));
    f.with("b");
    f.breakBaseConfig();

    ReconcileResult rejected = reconciler.reconcile();
    var afterTheFailedRestore = configPaths(f.store.readOwned());
    List<String> said = new ArrayList<>();
    said.add("rejected: " + rejected.outcome() + ": " + rejected.message());
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertEquals(verifiedConfigFiles, configPaths(f.store.readOwned()), "config files of the "
        + "rejected config stay on disk under the pin (after the failed restore: "
        + afterTheFailedRestore + "); " + said);
  }

  /**
   * The reload request of a new config gets no answer (reload timeout), Prometheus then does
   * not answer GET /-/ready within the ready timeout (overloaded by the big load), so the config
   * is pinned (prometheus-not-ready) and the verified files are restored; the restore's runtime
   * info gets no answer, so the rollback's reload is never made. The load of the pinned config
   * did finish, successfully. Under the pin, failedLoad() sees reloadConfigSuccess=true and
   * takes it for a confirmed rollback: Prometheus keeps running the pinned config, which the
   * store says is not verified, while the verified one is on disk, until the desired config
   * changes or Prometheus restarts. docs/delivery.md step 5: "The last verified configuration
   * is restored and reloaded"; "A rollback that did not finish is finished by a later reconcile
   * under the pin".
   */
  @Test
  void aPinnedNotReadyConfigThatLoadedAfterAllIsNotLeftRunningUnderThePin() {
    verifiedThenClusterB(f);
    var overloaded = new LoadsThenOverloaded(f);
    Reconciler reconciler = f.builder().prometheus(overloaded).build();
    ReconcileResult rejected = reconciler.reconcile();
    List<String> said = new ArrayList<>();
    said.add("first: " + rejected.outcome() + ": " + rejected.message());
    assertTrue(f.store.record().rejected().isPresent(), "pinned: " + said);
    assertFalse(f.hasJobsOf("b"), "verified files restored: " + said);

    overloaded.busy = false; // the load is over; prometheus answers again
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertFalse(f.prometheusRunsJobsOf("b"), "prometheus keeps running the pinned config "
        + "(disk: verified one, store: pinned " + f.store.record().rejected().get().reason()
        + "); reloads: " + f.prometheus.reloads() + "; " + said);
  }

  /**
   * The rollback's reload of the verified config succeeds (HTTP 200), but recording that
   * verification fails once (the manifest journal's disk is full). The generic catch in
   * restoreAndReload takes the store's error for a failed reload: the result says "reloading
   * them failed: <store error>" and not rolled back, and unconfirmedRollback is set for a
   * rollback Prometheus confirmed.
   */
  @Test
  void aFailureToRecordTheRollbacksVerificationIsNotReportedAsAFailedReload() {
    var recordFailsOnce = new FullDiskOnRecord(f.store);
    Reconciler reconciler = f.builder().store(recordFailsOnce).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    recordFailsOnce.failNextRecord();

    ReconcileResult rejected = reconciler.reconcile();
    String said = rejected.outcome() + ": " + rejected.message() + " (rolledBack "
        + rejected.rolledBack() + "; prometheus reloaded the verified config: "
        + f.prometheus.runtimeInfo().reloadConfigSuccess() + ")";

    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), said);
    assertFalse(rejected.message().contains("reloading them failed"), "the reload succeeded; "
        + "the store failed: " + said);
  }

  @Test
  void aStoreFailureInTheFailedRollbackReloadDoesNotLeaveThePinnedConfigRunning() {
    var recordFailsOnce = new FullDiskOnRecord(f.store);
    verifiedThenClusterB(f);
    var overloaded = new LoadsThenOverloaded(f);
    Reconciler reconciler = f.builder().store(recordFailsOnce).prometheus(overloaded).build();
    recordFailsOnce.failNextRecord();
    ReconcileResult rejected = reconciler.reconcile();
    List<String> said = new ArrayList<>();
    said.add("first: " + rejected.outcome() + ": " + rejected.message());
    assertTrue(f.store.record().rejected().isPresent(), "pinned: " + said);
    assertFalse(f.hasJobsOf("b"), "verified files restored: " + said);
    assertFalse(recordFailsOnce.failurePending(), "the store failure happened: " + said);

    overloaded.busy = false; // the load is over; prometheus answers again
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertFalse(f.prometheusRunsJobsOf("b"), "prometheus keeps running the pinned config "
        + "(disk: verified one, store: pinned " + f.store.record().rejected().get().reason()
        + "); reloads: " + f.prometheus.reloads() + "; " + said);
  }

  private static java.util.SortedSet<String> configPaths(
      java.util.SortedMap<String, io.promcc.core.model.DesiredFile> files) {
    java.util.SortedSet<String> paths = new java.util.TreeSet<>();
    files.forEach((path, file) -> {
      if (file.kind().isConfig()) {
        paths.add(path);
      }
    });
    return paths;
  }
}
