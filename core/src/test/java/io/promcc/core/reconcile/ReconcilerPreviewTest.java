package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Fixture.CONFIG;
import static io.promcc.core.reconcile.Fixture.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.reconcile.Preview.UnderPin;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.TestCertificates;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link Reconciler#preview()} says what the next reconcile writes and does, without doing it:
 * under the pin of the desired config, what the delivery under the pin does; without a
 * Prometheus, that the pin is lifted. Each preview is checked against the reconcile that
 * follows it. Injected clocks, no sleeping.
 */
class ReconcilerPreviewTest {
  private final Fixture f = new Fixture().with("a");

  /** A verified config, then a refused one: rolled back, and the refused config pinned. */
  private Reconciler refusedAndRolledBack() {
    Reconciler reconciler = f.reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    ReconcileResult refused = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, refused.outcome(), refused.message());
    assertFalse(f.configOnDisk().contains("bogus"), refused.message());
    return reconciler;
  }

  @Test
  void underAPinThePreviewListsOnlyTheRenewedCertificatesAReconcileWrites() {
    Reconciler reconciler = refusedAndRolledBack();
    f.certificates.put(id("a"), TestCertificates.other());

    Preview preview = reconciler.preview();
    ReconcileResult pinned = reconciler.reconcile();

    assertEquals(Outcome.REJECTED, pinned.outcome(), pinned.message());
    assertFalse(pinned.written().contains(CONFIG), pinned.written().toString());
    assertEquals(pinned.written(), preview.diff().writes());
    assertEquals(List.of(), preview.diff().deletes());
    assertFalse(preview.diff().configChanged(), preview.diff().toString());
  }

  @Test
  void underAPinWithNothingToRepairAReconcileWritesNothingAndRestoresOnlyAfterAFailedLoad() {
    Reconciler reconciler = refusedAndRolledBack();

    Preview preview = reconciler.preview();

    UnderPin under = preview.underPin().orElseThrow();
    assertTrue(preview.configPinned());
    assertFalse(preview.liftsPin());
    assertEquals(new FileDiff(List.of(), List.of(), false), preview.diff());
    assertEquals(Optional.empty(), under.restore());
    assertEquals(Optional.empty(), under.verifyAfter());
    assertTrue(under.asksPrometheus());
    assertEquals(Optional.empty(), under.restores(Optional.of(f.prometheus.runtimeInfo())));
    assertEquals(Optional.empty(), under.restores(Optional.empty()), "prometheus not asked");
    int reloads = f.prometheus.reloads();
    ReconcileResult pinned = reconciler.reconcile();
    assertEquals(List.of(), pinned.written(), pinned.message());
    assertEquals(reloads, f.prometheus.reloads(), pinned.message());

    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.rejectWhen(files -> Optional.of("loading groups failed: rules.yml"));
    assertThrows(ReloadRejectedException.class, f.prometheus::reload); // someone else's
    f.prometheus.rejectWhen(Fixture::bogus);
    assertEquals(Optional.of("prometheus still reported the failed load"),
        reconciler.preview().underPin().orElseThrow()
            .restores(Optional.of(f.prometheus.runtimeInfo())));
    ReconcileResult repaired = reconciler.reconcile();
    assertTrue(repaired.message().endsWith("; prometheus still reported the failed load; "
        + "restored and reloaded the last verified config "
        + f.store.record().verified().orElseThrow().configHash().substring(0, 12)),
        repaired.message());
  }

  @Test
  void aRollbackWhoseRestoreFailedShowsAsARestoreWhateverPrometheusReports() {
    var restoreFailsOnce = new FullDiskOnRestore(f.store, false);
    Reconciler reconciler = f.builder().store(restoreFailsOnce).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    restoreFailsOnce.failNextRestore();
    ReconcileResult refused = reconciler.reconcile();
    assertTrue(f.configOnDisk().contains("bogus"), refused.message());

    UnderPin under = reconciler.preview().underPin().orElseThrow();
    ReconcileResult finished = reconciler.reconcile();

    assertEquals(Optional.of("the config on disk was not the last verified one"),
        under.restore());
    assertFalse(under.asksPrometheus());
    assertTrue(finished.rolledBack(), finished.message());
    assertTrue(finished.message().contains("; the config on disk was not the last verified "
        + "one; restored and reloaded"), finished.message());
  }

  @Test
  void aFirstConfigPinnedNotReadyIsVerifiedByALoadAfterItsBaseline() {
    f.prometheus.crashWhen(files -> files.containsKey(CONFIG));
    Reconciler reconciler = f.reconciler();
    ReconcileResult notReady = reconciler.reconcile();
    RejectedConfig pin = f.store.record().rejected().orElseThrow();
    assertEquals(RejectedConfig.NOT_READY, pin.reason(), notReady.message());

    UnderPin down = reconciler.preview().underPin().orElseThrow();
    f.prometheus.crashWhen(files -> false);
    f.clock.advance(Duration.ofMinutes(2));
    f.prometheus.setUp(true);
    UnderPin up = reconciler.preview().underPin().orElseThrow();
    ReconcileResult verified = reconciler.reconcile();

    assertEquals(pin.baseline(), down.verifyAfter());
    assertEquals(Optional.empty(), down.verifies(Optional.empty()));
    assertEquals(Optional.empty(), down.restores(Optional.empty()));
    assertEquals(Optional.of(f.prometheus.runtimeInfo().lastConfigTime()),
        up.verifies(Optional.of(f.prometheus.runtimeInfo())));
    assertTrue(verified.message().contains("loaded after all"), verified.message());
    assertEquals(Optional.empty(), f.store.record().rejected());
  }

  /**
   * A first config pinned not ready by an earlier promcc, without its baseline: a load of it
   * cannot be told from an earlier one, so the preview says a reconcile keeps the pin, as it does.
   */
  @Test
  void aFirstConfigPinnedNotReadyWithoutItsBaselineIsUnverifiable() {
    f.prometheus.crashWhen(files -> files.containsKey(CONFIG));
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    RejectedConfig pin = f.store.record().rejected().orElseThrow();
    assertFalse(reconciler.preview().underPin().orElseThrow().unverifiable());
    f.store.mark(new DeliveryMark.Rejected(Optional.of(
        new RejectedConfig(pin.configHash(), pin.reason(), pin.message()))));
    f.prometheus.crashWhen(files -> false);
    f.clock.advance(Duration.ofMinutes(2));
    f.prometheus.setUp(true);

    UnderPin under = f.reconciler().preview().underPin().orElseThrow();
    ReconcileResult later = f.reconciler().reconcile();

    assertTrue(under.unverifiable());
    assertFalse(under.asksPrometheus());
    assertEquals(Optional.empty(), under.verifies(Optional.of(f.prometheus.runtimeInfo())));
    assertEquals(Outcome.REJECTED, later.outcome(), later.message());
    assertTrue(f.prometheusRunsJobsOf("a"), later.message());
    assertTrue(f.store.record().rejected().isPresent(), later.message());
  }

  /** The desired config went back to the verified one: the pin of the refused one is stale. */
  @Test
  void aPinOfAnotherConfigIsStaleAndTheReconcileThatDeliversTheDesiredOneLiftsIt() {
    Reconciler reconciler = refusedAndRolledBack();
    RejectedConfig pin = f.store.record().rejected().orElseThrow();
    f.baseConfig = "global:\n  scrape_interval: 1m\n";

    Preview preview = reconciler.preview();
    ReconcileResult unchanged = reconciler.reconcile();

    assertEquals(Optional.of(pin), preview.stalePin());
    assertFalse(preview.configPinned());
    assertEquals(Optional.empty(), preview.underPin());
    assertTrue(preview.diff().isEmpty(), preview.diff().toString());
    assertEquals(Outcome.UNCHANGED, unchanged.outcome(), unchanged.message());
    assertEquals(Optional.empty(), f.store.record().rejected());
    assertEquals(Optional.empty(), reconciler.preview().stalePin());
  }

  @Test
  void withoutAPrometheusAReconcileLiftsThePinAndWritesTheDesiredFiles() {
    Reconciler reconciler = refusedAndRolledBack();
    Reconciler withoutPrometheus = f.builder().prometheus(Optional.empty()).build();

    Preview preview = withoutPrometheus.preview();
    ReconcileResult written = withoutPrometheus.reconcile();

    assertTrue(preview.liftsPin());
    assertEquals(Optional.empty(), preview.underPin());
    assertEquals(List.of(CONFIG), preview.diff().writes());
    assertEquals(preview.diff().writes(), written.written());
    assertEquals(Optional.empty(), f.store.record().rejected());
    assertFalse(reconciler.preview().configPinned());
  }

  /**
   * A config pinned not ready while another one is verified: Prometheus may have loaded the
   * pinned files after all, before the rollback restored the verified ones. Only a load of the
   * verified config recorded at or after the pin's baseline says the rollback's reload was seen;
   * without one, or without a baseline, the preview says Prometheus may run the pinned config,
   * and a reconcile keeps the pin whatever Prometheus reports.
   */
  @Test
  void aConfigPinnedNotReadyWhoseRollbackWasNotSeenMayRunWhateverPrometheusReports() {
    Reconciler reconciler = f.reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    Instant loadedAt = f.store.record().verified().orElseThrow().loadedAt();
    f.with("b");
    String pinned = reconciler.preview().desired().configHash();

    pinNotReady(pinned, Optional.of(loadedAt.plusSeconds(10)));
    UnderPin unseen = reconciler.preview().underPin().orElseThrow();
    pinNotReady(pinned, Optional.empty());
    UnderPin noBaseline = reconciler.preview().underPin().orElseThrow();
    pinNotReady(pinned, Optional.of(loadedAt));
    UnderPin seen = reconciler.preview().underPin().orElseThrow();
    f.store.mark(new DeliveryMark.Rejected(Optional.of(new RejectedConfig(pinned,
        RejectedConfig.REJECTED, "bad scrape config", Optional.of(loadedAt.plusSeconds(10))))));
    UnderPin refused = reconciler.preview().underPin().orElseThrow();
    pinNotReady(pinned, Optional.of(loadedAt.plusSeconds(10)));
    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.restart(); // a successful load after the baseline, of the verified files
    ReconcileResult kept = reconciler.reconcile();

    assertEquals(Optional.of("no load of the last verified config after the pin's baseline "
        + loadedAt.plusSeconds(10) + " is recorded"), unseen.rollbackUnseen());
    assertEquals(Optional.of("the pin, recorded by an earlier promcc, has no baseline to tell a "
        + "load of the restored last verified config from an earlier one"),
        noBaseline.rollbackUnseen());
    assertEquals(Optional.empty(), seen.rollbackUnseen(), "the rollback's reload was seen");
    assertEquals(Optional.empty(), refused.rollbackUnseen(), "a refused config never ran");
    assertEquals(Optional.empty(), unseen.verifyAfter(), "never verified under the pin");
    assertEquals(Outcome.REJECTED, kept.outcome(), kept.message());
    assertEquals(Optional.of(pinned), f.store.record().rejected().map(RejectedConfig::configHash),
        kept.message());
  }

  private void pinNotReady(String configHash, Optional<Instant> baseline) {
    f.store.mark(new DeliveryMark.Rejected(Optional.of(new RejectedConfig(configHash,
        RejectedConfig.NOT_READY, "not ready within PT5M", baseline))));
  }
}
