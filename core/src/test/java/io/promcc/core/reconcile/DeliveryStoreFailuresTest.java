package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/**
 * Store failures (ConfigStoreException) at the marks and reads of a rollback, and a rollback
 * left unfinished when the desired config goes back to the verified one. Injected clocks, no
 * sleeping.
 */
class DeliveryStoreFailuresTest {
  private final Fixture f = new Fixture().with("a");

  /** A store whose next markVerified, or next readOwned after a restore, fails once. */
  private final class FailingOnce extends ForwardingStore {
    boolean markVerifiedArmed;
    boolean readAfterRestoreArmed;
    boolean restored;
    int failures;

    FailingOnce() {
      super(f.store);
    }

    @Override
    public void markVerified(Verification verification) {
      if (markVerifiedArmed) {
        markVerifiedArmed = false;
        failures++;
        throw new ConfigStoreException("cannot append to \".promcc-manifest.journal\": No "
            + "space left on device");
      }
      super.markVerified(verification);
    }

    @Override
    public boolean restoreLastVerified() {
      boolean done = super.restoreLastVerified();
      restored = true;
      return done;
    }

    @Override
    public SortedMap<String, DesiredFile> readOwned() {
      if (readAfterRestoreArmed && restored) {
        readAfterRestoreArmed = false;
        failures++;
        throw new ConfigStoreException("cannot read ownership manifest journal "
            + "\".promcc-manifest.journal\": Input/output error");
      }
      return super.readOwned();
    }
  }

  /**
   * A rule file (outside promcc's files) is broken when cluster b arrives: Prometheus refuses
   * the new config Y, and the verified X as well after the rollback. restoreAndReload's
   * ReloadRejectedException branch then unpins Y (the cause is outside promcc's files) -- but it
   * records the restored files with markVerified first; when that one append fails, the
   * exception leaves the branch before pin(Optional.empty()), and Y stays pinned with
   * unconfirmedRollback unset. The next reconcile under the pin sees the failed load, reloads X
   * and, the rule file fixed meanwhile, X loads: the pin stays for good, and Y (refused only for
   * the rule file) is never tried again until the desired config changes.
   */
  @Test
  void aStoreFailureWhileTheVerifiedConfigIsRefusedTooDoesNotKeepTheNewConfigPinned() {
    f.rejectBogusOrBrokenRuleFile();
    FailingOnce store = new FailingOnce();
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

    f.ruleFileBroken = false; // the rule file is fixed
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
    FailingOnce store = new FailingOnce();
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
    FailingOnce store = new FailingOnce();
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

  /** X verified; cluster b's config Y loads (HTTP 200), but recording that fails once. */
  private ReconcileResult aLoadWhoseRecordFails(Reconciler reconciler, FailingOnce store) {
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    store.markVerifiedArmed = true;
    ReconcileResult loaded = reconciler.reconcile();
    assertEquals(1, store.failures, "the store failure happened: " + loaded);
    assertTrue(f.prometheusRunsJobsOf("b"), "prometheus loaded Y: " + loaded);
    return loaded;
  }

  /**
   * Y loaded; only its record failed. The reconcile ended FAILED with the store's message
   * alone, as if nothing had loaded: the reload was not counted (promcc_reloads_total), and the
   * config was reported out of sync though Prometheus runs it. It is a failure of the store:
   * reported as one, with the reload that succeeded, and nothing pinned or rolled back.
   */
  @Test
  void aLoadWhoseVerificationCouldNotBeRecordedIsReportedAsAStoreFailureWithItsReload() {
    FailingOnce store = new FailingOnce();

    ReconcileResult loaded = aLoadWhoseRecordFails(f.builder().store(store).build(), store);

    String said = loaded.outcome() + ": " + loaded.message();
    assertTrue(loaded.desiredReloadAsked(), "the reload is not counted: " + said);
    assertTrue(loaded.configInSync(), "prometheus runs the desired config: " + said);
    assertEquals(Outcome.FAILED, loaded.outcome(), said);
    assertTrue(loaded.message().startsWith("prometheus loaded config "), said);
    assertTrue(loaded.message().contains("No space left on device"), said);
    assertFalse(loaded.rolledBack(), said);
    assertEquals(Optional.empty(), f.store.record().rejected(), said);
    assertTrue(f.hasJobsOf("b"), said);
  }

  /**
   * Y loaded, and the store still names X verified. Prometheus then goes away for a reason of
   * its own: the next reconcile took Y on disk for a config Prometheus never verified (one it
   * may be crash-looping on) and restored X over it, a good config overwritten. The load is
   * recorded first instead; back, Prometheus runs Y and nothing is reloaded.
   */
  @Test
  void aLoadWhoseVerificationCouldNotBeRecordedIsNotRolledBackByTheNextReconcile() {
    FailingOnce store = new FailingOnce();
    Reconciler reconciler = f.builder().store(store).build();
    ReconcileResult loaded = aLoadWhoseRecordFails(reconciler, store);
    int reloads = f.prometheus.reloads();

    f.prometheus.setUp(false);
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult down = reconciler.reconcile();
    boolean keptWhileDown = f.hasJobsOf("b");
    f.prometheus.setUp(true);
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult back = reconciler.reconcile();

    String said = said(List.of(loaded, down, back));
    assertTrue(keptWhileDown, "Y, which prometheus loaded, was overwritten: " + said);
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, down.outcome(), said);
    assertEquals(loaded.configHash().orElseThrow(),
        f.store.record().verified().orElseThrow().configHash(), said);
    assertEquals(Outcome.UNCHANGED, back.outcome(), said);
    assertTrue(back.configInSync(), said);
    assertEquals(reloads, f.prometheus.reloads(), "Y loaded already: " + said);
  }

  /**
   * Y loaded and its record failed; the next reconcile records the load first and finds Y
   * verified, nothing to do. A preview in between read the store's record alone: Y not
   * verified, X verified, so an embedder asking what a reconcile would do was told Prometheus
   * does not run the desired config. The preview sees the record as the next reconcile does.
   */
  @Test
  void aPreviewAfterALoadWhoseRecordFailedSeesTheLoadAsTheNextReconcileDoes() {
    FailingOnce store = new FailingOnce();
    Reconciler reconciler = f.builder().store(store).build();
    aLoadWhoseRecordFails(reconciler, store);
    var stored = f.store.record();

    Preview preview = reconciler.preview();
    var afterPreview = f.store.record();
    ReconcileResult next = reconciler.reconcile();

    assertEquals(stored, afterPreview, "a preview records nothing");
    assertEquals(Outcome.UNCHANGED, next.outcome(), next.message());
    assertEquals(f.store.record(), preview.record(), "the preview's record is not the one the "
        + "next reconcile decides from");
    assertTrue(preview.configVerified(), preview.record().toString());
  }

  /**
   * The record is kept in memory: after a controller restart nothing says Y loaded, so Y is
   * reloaded and verified, neither pinned nor rolled back.
   */
  @Test
  void aLoadWhoseVerificationCouldNotBeRecordedIsReloadedAfterARestart() {
    FailingOnce store = new FailingOnce();
    aLoadWhoseRecordFails(f.builder().store(store).build(), store);
    f.clock.advance(Duration.ofMinutes(1));

    ReconcileResult restarted = f.builder().store(store).build().reconcile();

    assertEquals(Outcome.RELOADED, restarted.outcome(), restarted.message());
    assertTrue(f.prometheusRunsJobsOf("b"));
    assertEquals(restarted.configHash().orElseThrow(),
        f.store.record().verified().orElseThrow().configHash());
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

  private static String said(List<ReconcileResult> results) {
    return results.stream().map(r -> r.outcome() + " (rolledBack " + r.rolledBack()
        + ", desiredReloadAsked " + r.desiredReloadAsked() + "): " + r.message()).toList()
        .toString();
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
    FailingOnce store = new FailingOnce();
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
    FailingOnce store = new FailingOnce();
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
