package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.StoreFailures.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.StoreFailures.FailingOnce;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A load Prometheus made whose record the store failed once (the manifest journal's disk is
 * full): a failure of the store, not of the config, reported with the reload; the next
 * reconcile, and a preview, see the load, and a restart records it without a reload (the store
 * keeps the reload asked for it). Store failures at the marks and reads of a rollback are in
 * {@link DeliveryStoreFailuresTest}. Injected clocks, no sleeping.
 */
class DeliveryFailedLoadRecordTest {
  private final Fixture f = new Fixture().with("a");

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
    FailingOnce store = new FailingOnce(f);

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
    FailingOnce store = new FailingOnce(f);
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
    FailingOnce store = new FailingOnce(f);
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
   * The record is kept in memory, but the store kept the reload asked for Y: after a controller
   * restart Prometheus' load later than its baseline says Y loaded, so Y is recorded without
   * a reload, neither pinned nor rolled back.
   */
  @Test
  void aLoadWhoseVerificationCouldNotBeRecordedIsRecordedAfterARestart() {
    FailingOnce store = new FailingOnce(f);
    aLoadWhoseRecordFails(f.builder().store(store).build(), store);
    f.clock.advance(Duration.ofMinutes(1));
    int reloads = f.prometheus.reloads();

    ReconcileResult restarted = f.builder().store(store).build().reconcile();

    assertEquals(Outcome.UNCHANGED, restarted.outcome(), restarted.message());
    assertEquals(reloads, f.prometheus.reloads(), restarted.message());
    assertTrue(f.prometheusRunsJobsOf("b"));
    assertEquals(restarted.configHash().orElseThrow(),
        f.store.record().verified().orElseThrow().configHash());
  }
}
