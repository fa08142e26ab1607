package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.StoreFailures.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.StoreFailures.FailingOnce;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Store failures (ConfigStoreException) at the marks and reads of a rollback, and a rollback
 * left unfinished when the desired config goes back to the verified one. A load whose record
 * the store failed is in {@link DeliveryFailedLoadRecordTest}. Injected clocks, no sleeping.
 */
class DeliveryStoreFailuresTest {
  private final Fixture f = new Fixture().with("a");

  /**
   * A rule file (outside promcc's files) is broken when cluster b arrives: Prometheus refuses
   * the new config Y, and the verified X as well after the rollback. restoreAndReload's
   * ReloadRejectedException branch then unpins Y (the cause is outside promcc's files) -- but it
   * records the restored files with a Verified mark first; when that one append fails, the
   * exception leaves the branch before pin(Optional.empty()), and Y stays pinned with
   * unconfirmedRollback unset. The next reconcile under the pin sees the failed load, reloads X
   * and, the rule file fixed meanwhile, X loads: the pin stays for good, and Y (refused only for
   * the rule file) is never tried again until the desired config changes.
   */
  @Test
  void aStoreFailureWhileTheVerifiedConfigIsRefusedTooDoesNotKeepTheNewConfigPinned() {
    f.rejectBogusOrBrokenRuleFile();
    FailingOnce store = new FailingOnce(f);
    Reconciler reconciler = f.builder().store(store).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));

    f.ruleFileBroken = true;
    f.with("b");
    store.markVerifiedArmed = true;
    List<String> said = new ArrayList<>();
    ReconcileResult first = reconciler.reconcile();
    said.add(first.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
        + first.message());
    assertEquals(1, store.failures, "the store failure happened: " + said);

    f.ruleFileFixed();
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
          + later.message());
    }

    assertTrue(f.prometheusRunsJobsOf("b"), "the config refused only for the broken rule file "
        + "stays pinned after the fix because one manifest append failed; b is not scraped; "
        + said);
  }

  /**
   * A config Y is refused (HTTP 500); the rollback restores X and Prometheus loads it (200), but
   * recording that verification fails once (the manifest journal's disk is full). The store
   * error leaves deliver(): the reconcile is FAILED with rolledBack=false and
   * desiredReloadAsked=false, and no later reconcile reports either (the pin holds, Prometheus
   * reports a successful load, unconfirmedRollback was never set). docs/metrics.md:
   * promcc_rollbacks_total counts "rejected configs replaced by the last verified one and
   * reloaded" (a rollback not finished at once "counts when a later reconcile under the pin
   * finishes it"); promcc_reloads_total{result="rejected"} counts a refused reload of the
   * desired config. Neither ever counts this one.
   */
  @Test
  void aRollbackWhoseVerificationCouldNotBeRecordedIsStillCounted() {
    FailingOnce store = new FailingOnce(f);
    Reconciler reconciler = f.builder().store(store).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    store.markVerifiedArmed = true;

    List<ReconcileResult> results = new ArrayList<>();
    results.add(reconciler.reconcile());
    assertEquals(1, store.failures, "the store failure happened: " + results);
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      results.add(reconciler.reconcile());
    }

    List<String> said = results.stream().map(r -> r.outcome() + " (rolledBack "
        + r.rolledBack() + ", desiredReloadAsked " + r.desiredReloadAsked() + "): "
        + r.message()).toList();
    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), "rolled back: " + said);
    assertFalse(f.configOnDisk().contains("bogus"), "restored: " + said);
    long rollbacks = results.stream().filter(ReconcileResult::rolledBack).count();
    long rejectedReloads = results.stream().filter(r -> r.desiredReloadAsked()
        && r.outcome() == Outcome.REJECTED).count();
    assertEquals(1, rollbacks, "promcc_rollbacks_total never counts the rollback; " + said);
    assertEquals(1, rejectedReloads, "promcc_reloads_total{result=\"rejected\"} never counts "
        + "the refused reload; " + said);
  }

  /**
   * As DeliveryStuckRollbackTest
   * .aPinnedNotReadyConfigThatLoadedAfterAllIsNotLeftRunningUnderThePin:
   * the reload of Y gets no answer, Prometheus is not ready within the ready timeout, so Y is
   * pinned (prometheus-not-ready) and X restored; Y's load did finish, successfully. Here the
   * store's readOwned right after the restore fails once (restoreAndReload reads the restored
   * files' hash outside any catch), so unconfirmedRollback is never set: no reconcile under the
   * pin reloads X, and Prometheus keeps running the pinned Y while X is on disk and in the store
   * as verified, until the desired config changes or Prometheus restarts.
   */
  @Test
  void aStoreReadFailureAfterTheRestoreDoesNotLeaveThePinnedConfigRunning() {
    FailingOnce store = new FailingOnce(f);
    assertEquals(Outcome.RELOADED, f.builder().store(store).build().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    var overloaded = new LoadsThenOverloaded(f);
    Reconciler reconciler = f.builder().store(store).prometheus(overloaded).build();
    store.readAfterRestoreArmed = true;
    ReconcileResult rejected = reconciler.reconcile();
    List<String> said = new ArrayList<>();
    said.add("first: " + rejected.outcome() + ": " + rejected.message());
    assertEquals(1, store.failures, "the store failure happened: " + said);
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
   * The reload of Y (cluster b added) gets no answer and Prometheus is not ready within the
   * ready timeout: Y is pinned prometheus-not-ready, X restored, and the rollback's reload gets
   * no answer (unconfirmedRollback = Y). Y's load did finish, successfully: Prometheus runs Y.
   * The operator, seeing the rejection, removes cluster b: the desired config is X again, the
   * verified one, which is on disk. deliver() is no longer under the pin, and its "nothing to
   * do" check (configVerified) sees reloadConfigSuccess=true with a lastConfigTime newer than
   * X's verification (Y's load) and reports the config in sync; the pin is cleared, and with it
   * the only memory that the rollback's reload never happened. Prometheus keeps running Y, whose
   * jobs name b's certificate files, which the same reconcile deletes, for good (until
   * Prometheus restarts), while promcc_config_in_sync says 1.
   */
  @Test
  void aRollbackWhoseReloadDidNotFinishIsFinishedWhenTheDesiredConfigGoesBackToTheVerifiedOne() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    var overloaded = new LoadsThenOverloaded(f);
    Reconciler reconciler = f.builder().prometheus(overloaded).build();
    ReconcileResult rejected = reconciler.reconcile();
    List<String> said = new ArrayList<>();
    said.add("first: " + rejected.outcome() + ": " + rejected.message());
    assertTrue(f.store.record().rejected().isPresent(), "pinned: " + said);
    assertFalse(f.hasJobsOf("b"), "verified files restored: " + said);
    assertTrue(f.prometheusRunsJobsOf("b"), "the pinned config loaded after all: " + said);

    overloaded.busy = false; // the load is over; prometheus answers again
    f.clusters.remove(Fixture.id("b")); // the operator reverts to the verified config
    List<ReconcileResult> later = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult result = reconciler.reconcile();
      later.add(result);
      said.add(result.outcome() + " (in sync " + result.configInSync() + "): "
          + result.message());
    }

    assertFalse(f.prometheusRunsJobsOf("b") && later.get(later.size() - 1).configInSync(),
        "prometheus keeps running the rejected config with b's jobs (b's certificates "
        + "deleted: " + !f.store.readOwned().keySet().stream().anyMatch(p -> p.contains("b"))
        + ") and the result says in sync; " + said);
    assertFalse(f.prometheusRunsJobsOf("b"), "prometheus keeps running the pinned config "
        + "after the desired config went back to the verified one; " + said);
  }

  /** Runtime info fails once right after Prometheus refused a reload (too busy to answer). */
  private final class BusyAfterRefusal extends ForwardingControl {
    boolean armed;

    BusyAfterRefusal() {
      super(f.prometheus);
    }

    @Override
    public ReloadAck reload() {
      try {
        return super.reload();
      } catch (ReloadRejectedException e) {
        armed = true;
        throw e;
      }
    }

    @Override
    public RuntimeInfo runtimeInfo() {
      if (armed) {
        armed = false;
        throw new PrometheusUnavailableException("GET /api/v1/status/runtimeinfo to "
            + "prometheus at \"http://127.0.0.1:9090\" failed: no answer within PT10S");
      }
      return super.runtimeInfo();
    }
  }

  /**
   * Y is refused (HTTP 500): pinned, X restored, but the rollback's reload fails (runtime info
   * does not answer once) and recording the restored files (restoreAndReload's generic catch)
   * fails once too (the journal's disk is full). The store error leaves deliver(): the reconcile
   * is FAILED, Prometheus' message is lost, and desiredReloadAsked is false. The later reconciles
   * are under the pin (no reload of the desired config asked). docs/metrics.md:
   * promcc_reloads_total{result="rejected"} counts a reload of the desired config Prometheus
   * refused "whether or not the last verified config was then restored": it never counts this
   * one (as for a failure to record a finished rollback, above).
   */
  @Test
  void aStoreFailureAfterAFailedRollbackReloadStillCountsTheRejectedReload() {
    FailingOnce store = new FailingOnce(f);
    BusyAfterRefusal control = new BusyAfterRefusal();
    Reconciler reconciler = f.builder().store(store).prometheus(control).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    store.markVerifiedArmed = true;

    List<ReconcileResult> results = new ArrayList<>();
    results.add(reconciler.reconcile());
    assertEquals(1, store.failures, "the store failure happened: " + said(results));
    assertTrue(f.store.record().rejected().isPresent(), "pinned: " + said(results));
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      results.add(reconciler.reconcile());
    }

    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), said(results));
    assertFalse(f.configOnDisk().contains("bogus"), said(results));
    long rejectedReloads = results.stream().filter(r -> r.desiredReloadAsked()
        && r.outcome() == Outcome.REJECTED).count();
    assertEquals(1, rejectedReloads, "promcc_reloads_total{result=\"rejected\"} never counts "
        + "the refused reload of the pinned config; " + said(results));
  }

  /**
   * As above, with the store's read of the restored files failing right after the restore
   * (restoreAndReload reads them outside any catch): FAILED, the refused reload of Y is never
   * counted in promcc_reloads_total, and the reconcile's message does not say Prometheus
   * rejected anything.
   */
  @Test
  void aStoreReadFailureAfterTheRestoreStillCountsTheRejectedReload() {
    FailingOnce store = new FailingOnce(f);
    Reconciler reconciler = f.builder().store(store).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    store.readAfterRestoreArmed = true;

    List<ReconcileResult> results = new ArrayList<>();
    results.add(reconciler.reconcile());
    assertEquals(1, store.failures, "the store failure happened: " + said(results));
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      results.add(reconciler.reconcile());
    }

    assertFalse(f.configOnDisk().contains("bogus"), said(results));
    long rejectedReloads = results.stream().filter(r -> r.desiredReloadAsked()
        && r.outcome() == Outcome.REJECTED).count();
    assertEquals(1, rejectedReloads, "promcc_reloads_total{result=\"rejected\"} never counts "
        + "the refused reload of the pinned config; " + said(results));
  }
}
