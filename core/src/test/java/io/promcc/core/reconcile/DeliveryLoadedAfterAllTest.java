package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A first config (nothing verified) pinned prometheus-not-ready: Prometheus went away during its
 * reload and was not ready within the ready timeout. When Prometheus then loads it after all, a
 * reconcile under the pin records it as verified; a load that may have read other files, or a
 * config Prometheus refused, stays pinned. Injected clocks, no sleeping.
 */
class DeliveryLoadedAfterAllTest {
  private final Fixture f = new Fixture().with("a");

  /** Dies loading the first config, as a Prometheus short of memory for its first big load. */
  private ReconcileResult pinnedNotReady(Reconciler reconciler) {
    f.prometheus.crashWhen(files -> files.containsKey(Fixture.CONFIG));
    ReconcileResult pinned = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, pinned.outcome(), pinned.message());
    assertEquals(RejectedConfig.NOT_READY, f.store.record().rejected().orElseThrow().reason(),
        pinned.message());
    assertEquals(Optional.empty(), f.store.record().verified());
    return pinned;
  }

  /** It comes up after the ready timeout and loads the files on disk: the pinned ones. */
  private void comesUpAfterTheReadyTimeout() {
    f.prometheus.crashWhen(files -> false);
    f.clock.advance(Duration.ofMinutes(2));
    f.prometheus.setUp(true);
    assertTrue(f.prometheusRunsJobsOf("a"));
  }

  @Test
  void aFirstConfigPinnedNotReadyThatPrometheusLoadedAfterAllIsVerified() {
    Reconciler reconciler = f.reconciler();
    ReconcileResult pinned = pinnedNotReady(reconciler);
    String configHash = pinned.configHash().orElseThrow();
    comesUpAfterTheReadyTimeout();
    int reloads = f.prometheus.reloads();

    ReconcileResult loaded = reconciler.reconcile();

    String said = loaded.outcome() + ": " + loaded.message();
    assertTrue(f.prometheusRunsJobsOf("a"), said);
    assertEquals(Outcome.UNCHANGED, loaded.outcome(), said);
    assertTrue(loaded.configInSync(), said);
    assertTrue(loaded.message().contains("loaded after all"), said);
    assertEquals(Optional.empty(), f.store.record().rejected(), said);
    Verification verified = f.store.record().verified().orElseThrow();
    assertEquals(configHash, verified.configHash(), said);
    assertEquals(DesiredState.hashOf(f.store.readOwned()), verified.stateHash(), said);
    assertEquals(f.prometheus.runtimeInfo().lastConfigTime(), verified.loadedAt(), said);
    assertEquals(reloads, f.prometheus.reloads(), "loaded already: no reload");

    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult next = f.reconciler().reconcile();
    assertEquals(Outcome.UNCHANGED, next.outcome(), next.message());
    assertTrue(next.configInSync());
    assertEquals(reloads, f.prometheus.reloads());
  }

  /** Recording the load fails once: a store failure, in sync; the next reconcile records it. */
  @Test
  void aLoadedAfterAllWhoseRecordFailsIsRecordedByTheNextReconcile() {
    var recordFailsOnce = new FullDiskOnRecord(f.store);
    Reconciler reconciler = f.builder().store(recordFailsOnce).build();
    String configHash = pinnedNotReady(reconciler).configHash().orElseThrow();
    comesUpAfterTheReadyTimeout();
    recordFailsOnce.failNextRecord();

    ReconcileResult failed = reconciler.reconcile();
    f.clock.advance(Duration.ofSeconds(10));
    ReconcileResult next = reconciler.reconcile();

    String said = failed.outcome() + ": " + failed.message() + "; then " + next.outcome()
        + ": " + next.message();
    assertFalse(recordFailsOnce.failurePending(), said);
    assertEquals(Outcome.FAILED, failed.outcome(), said);
    assertTrue(failed.configInSync(), said);
    assertTrue(failed.message().contains("loaded after all")
        && failed.message().contains("No space left on device"), said);
    assertEquals(Outcome.UNCHANGED, next.outcome(), said);
    assertTrue(next.configInSync(), said);
    assertEquals(configHash, f.store.record().verified().orElseThrow().configHash(), said);
    assertEquals(Optional.empty(), f.store.record().rejected(), said);
  }

  /**
   * Dropping the pin fails once (the load is then not recorded either): the result said
   * "recording that failed" of a record never asked. It names the pin's drop; the next
   * reconcile drops it and records the load.
   */
  @Test
  void aLoadedAfterAllWhosePinDropFailsNamesTheDrop() {
    var dropFailsOnce = new ForwardingStore(f.store) {
      boolean armed;

      @Override
      public void mark(DeliveryMark mark) {
        if (armed && mark instanceof DeliveryMark.Rejected rejected
            && rejected.rejected().isEmpty()) {
          armed = false;
          throw new ConfigStoreException("cannot append to \".promcc-manifest.journal\": No "
              + "space left on device");
        }
        super.mark(mark);
      }
    };
    Reconciler reconciler = f.builder().store(dropFailsOnce).build();
    String configHash = pinnedNotReady(reconciler).configHash().orElseThrow();
    comesUpAfterTheReadyTimeout();
    dropFailsOnce.armed = true;

    ReconcileResult failed = reconciler.reconcile();
    f.clock.advance(Duration.ofSeconds(10));
    ReconcileResult next = reconciler.reconcile();

    String said = failed.outcome() + ": " + failed.message() + "; then " + next.outcome()
        + ": " + next.message();
    assertEquals(Outcome.FAILED, failed.outcome(), said);
    assertTrue(failed.configInSync(), said);
    assertTrue(failed.message().endsWith(", and they are on disk, but dropping its pin failed: "
        + "cannot append to \".promcc-manifest.journal\": No space left on device; the next "
        + "reconcile drops it"), said);
    assertEquals(Outcome.UNCHANGED, next.outcome(), said);
    assertEquals(configHash, f.store.record().verified().orElseThrow().configHash(), said);
    assertEquals(Optional.empty(), f.store.record().rejected(), said);
  }

  @Test
  void theBaselineOfThePinHoldsAcrossAControllerRestart() {
    pinnedNotReady(f.reconciler());
    comesUpAfterTheReadyTimeout();

    ReconcileResult loaded = f.reconciler().reconcile();

    assertEquals(Outcome.UNCHANGED, loaded.outcome(), loaded.message());
    assertEquals(Optional.empty(), f.store.record().rejected());
  }

  /**
   * The reload request dies on the way (a proxy resets it) and Prometheus is unreachable for the
   * ready timeout, so the config is pinned not ready. Prometheus never got the request: it still
   * reports its load from before the write, a success that read other files.
   */
  @Test
  void aSuccessfulLoadFromBeforeTheWriteDoesNotVerifyThePinnedConfig() {
    f.clock.advance(Duration.ofSeconds(5)); // the load from the start is seconds old
    var lostOnTheWay = new ForwardingControl(f.prometheus) {
      boolean unreachable;

      @Override
      public ReloadAck reload() {
        unreachable = true;
        throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
            + "\"http://127.0.0.1:9090\" failed: connection reset");
      }

      @Override
      public void awaitReady(Duration timeout) {
        if (unreachable) {
          f.clock.advance(timeout);
          throw new PrometheusUnavailableException("prometheus at \"http://127.0.0.1:9090\" "
              + "not ready after " + timeout + ": no answer within PT10S");
        }
        super.awaitReady(timeout);
      }
    };
    Reconciler reconciler = f.builder().prometheus(lostOnTheWay).build();
    ReconcileResult pinned = reconciler.reconcile();
    assertEquals(RejectedConfig.NOT_READY, f.store.record().rejected().orElseThrow().reason(),
        pinned.outcome() + ": " + pinned.message());
    lostOnTheWay.unreachable = false;
    f.clock.advance(Duration.ofMinutes(1));

    ReconcileResult later = reconciler.reconcile();

    String said = later.outcome() + ": " + later.message();
    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), said);
    assertFalse(f.prometheusRunsJobsOf("a"), said);
    assertEquals(Outcome.REJECTED, later.outcome(), said);
    assertFalse(later.configInSync(), said);
    assertTrue(f.store.record().rejected().isPresent(), said);
    assertEquals(Optional.empty(), f.store.record().verified(), said);
  }

  /**
   * Pinned not ready; then cluster b is desired and its config written while Prometheus is down
   * (not verified: the pin stays), and Prometheus comes back with b's files. When b goes again,
   * the desired config is the pinned one, but the disk holds b's and Prometheus loaded those.
   */
  @Test
  void aLoadOfAnotherConfigWrittenUnderThePinDoesNotVerifyThePinnedConfig() {
    Reconciler reconciler = f.reconciler();
    String pinnedHash = pinnedNotReady(reconciler).configHash().orElseThrow();
    f.prometheus.crashWhen(files -> false);
    f.prometheus.setUp(false);
    f.with("b");
    ReconcileResult down = reconciler.reconcile();
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, down.outcome(), down.message());
    assertTrue(f.hasJobsOf("b"), down.message());
    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.setUp(true);
    f.clusters.remove(Fixture.id("b"));

    ReconcileResult later = reconciler.reconcile();

    String said = later.outcome() + ": " + later.message();
    assertTrue(f.prometheusRunsJobsOf("b"), said);
    assertFalse(later.configInSync(), said);
    assertEquals(pinnedHash, f.store.record().rejected().orElseThrow().configHash(), said);
    assertEquals(Optional.empty(), f.store.record().verified(), said);
  }

  /** A refusal (HTTP 500) is a verdict: a later successful load from outside unpins nothing. */
  @Test
  void aFirstConfigPrometheusRefusedStaysPinnedWhateverItLoadsLater() {
    f.rejectBogusOrBrokenRuleFile();
    f.ruleFileBroken = true;
    Reconciler reconciler = f.reconciler();
    ReconcileResult refused = reconciler.reconcile();
    assertEquals(RejectedConfig.REJECTED, f.store.record().rejected().orElseThrow().reason(),
        refused.outcome() + ": " + refused.message());
    f.ruleFileBroken = false;
    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.restart(); // loads the files on disk, the refused ones, without complaint now

    ReconcileResult later = reconciler.reconcile();

    String said = later.outcome() + ": " + later.message();
    assertTrue(f.prometheusRunsJobsOf("a"), said);
    assertEquals(Outcome.REJECTED, later.outcome(), said);
    assertTrue(f.store.record().rejected().isPresent(), said);
    assertEquals(Optional.empty(), f.store.record().verified(), said);
  }

  /** A pin recorded without its baseline (by an earlier promcc) proves nothing: it stays. */
  @Test
  void aNotReadyPinWithoutItsBaselineStays() {
    Reconciler reconciler = f.reconciler();
    pinnedNotReady(reconciler);
    RejectedConfig pin = f.store.record().rejected().orElseThrow();
    f.store.mark(new DeliveryMark.Rejected(Optional.of(
        new RejectedConfig(pin.configHash(), pin.reason(), pin.message()))));
    comesUpAfterTheReadyTimeout();

    ReconcileResult later = f.reconciler().reconcile();

    String said = later.outcome() + ": " + later.message();
    assertTrue(f.prometheusRunsJobsOf("a"), said);
    assertEquals(Outcome.REJECTED, later.outcome(), said);
    assertEquals(Optional.empty(), f.store.record().verified(), said);
  }

  /**
   * The store refuses every pin and every lift (a full disk): the first config's pin is kept
   * in memory for the run. Loaded after all, it is verified, its pin dropped in memory, the
   * store not asked to drop a pin it never held; the result said the store failed to drop it,
   * and the config stayed pinned and unverified while the store refused.
   */
  @Test
  void aLoadedAfterAllUnderAPinTheStoreRefusedIsVerifiedWithoutAskingTheStoreToDropIt() {
    var store = new DeliveryRefusedPinTest.RefusesPins(f);
    store.pins = true;
    store.lifts = true;
    Reconciler reconciler = f.builder().store(store).build();
    f.prometheus.crashWhen(files -> files.containsKey(Fixture.CONFIG));
    ReconcileResult pinned = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, pinned.outcome(), pinned.message());
    assertTrue(pinned.message().contains("pinning it failed"), pinned.message());
    comesUpAfterTheReadyTimeout();

    ReconcileResult loaded = reconciler.reconcile();

    String said = loaded.outcome() + ": " + loaded.message();
    assertEquals(Outcome.UNCHANGED, loaded.outcome(), said);
    assertTrue(loaded.message().endsWith("; verified and no longer pinned"), said);
    assertEquals(pinned.configHash().orElseThrow(),
        f.store.record().verified().orElseThrow().configHash(), said);
  }
}
