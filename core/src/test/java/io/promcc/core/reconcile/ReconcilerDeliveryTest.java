package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Fixture.CONFIG;
import static io.promcc.core.reconcile.Fixture.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ValidationException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.TestCertificates;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How the reconciler writes, reloads and rolls back, and which configs it pins; how it tells that
 * a reload took is {@link ReconcilerReloadVerificationTest}. Injected clocks, no sleeping.
 */
class ReconcilerDeliveryTest {
  private final Fixture f = new Fixture().with("a");

  @Test
  void firstReconcileWritesCertificatesBeforeTheConfigThenReloadsAndVerifies() {
    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem", CONFIG),
        result.written());
    assertEquals(1, f.prometheus.reloads());
    assertEquals(f.store.readOwned(), f.prometheus.loadedFiles());
    assertEquals(result.stateHash(), f.store.record().verified().map(v -> v.stateHash()));
    assertTrue(result.configInSync());
    assertEquals(List.of(id("a")), result.active());
  }

  @Test
  void aSecondReconcileWithNothingChangedWritesAndReloadsNothing() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    int writes = f.store.writes().size();

    ReconcileResult again = reconciler.reconcile();

    assertEquals(Outcome.UNCHANGED, again.outcome());
    assertEquals(writes, f.store.writes().size());
    assertEquals(1, f.prometheus.reloads());
    assertTrue(again.configInSync());
  }

  @Test
  void aRestartedControllerDoesNotReloadAnUnchangedState() {
    f.reconciler().reconcile();
    f.clock.advance(Duration.ofMinutes(3));

    assertEquals(Outcome.UNCHANGED, f.reconciler().reconcile().outcome());
    assertEquals(1, f.prometheus.reloads());
  }

  @Test
  void aRestartedPrometheusThatLoadedTheVerifiedFilesNeedsNoReload() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.clock.advance(Duration.ofMinutes(3));
    f.prometheus.restart();

    assertEquals(Outcome.UNCHANGED, reconciler.reconcile().outcome());
    assertEquals(1, f.prometheus.reloads());
  }

  @Test
  void aFailedReloadBySomeoneElseIsRepairedByReloadingTheVerifiedFiles() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.clock.advance(Duration.ofSeconds(30));
    f.prometheus.rejectWhen(files -> Optional.of("someone's bad edit"));
    try {
      f.prometheus.reload();
    } catch (RuntimeException expected) {
      // Prometheus now reports reloadConfigSuccess=false
    }
    f.prometheus.rejectWhen(Fixture::bogus);
    f.clock.advance(Duration.ofSeconds(30));

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess());
  }

  @Test
  void aNewClusterIsWrittenAndReloadedOnce() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.clock.advance(Duration.ofSeconds(10));
    f.with("b");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome());
    assertEquals(List.of("certs/b-ca.pem", "certs/b-crt.pem", "certs/b-key.pem", CONFIG),
        result.written());
    assertEquals(2, f.prometheus.reloads());
    assertTrue(f.prometheusRunsJobsOf("b"));
  }

  @Test
  void aRenewedCertificateIsWrittenWithoutAReloadEvenWhilePrometheusIsDown() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.prometheus.setUp(false);
    f.certificates.put(id("a"), TestCertificates.other());

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.WRITTEN, result.outcome(), result.message());
    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem"),
        result.written());
    assertEquals(1, f.prometheus.reloads());
    assertEquals(TestCertificates.other().certificatePem(),
        f.store.readOwned().get("certs/a-crt.pem").text());
  }

  @Test
  void aRemovedClustersConfigGoesBeforeItsCertificates() {
    Reconciler reconciler = f.with("b").reconciler();
    reconciler.reconcile();
    f.clusters.remove(id("b"));

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome());
    assertEquals(List.of(CONFIG), result.written(), "the config no longer names b's files");
    assertEquals(List.of("certs/b-ca.pem", "certs/b-crt.pem", "certs/b-key.pem"),
        result.deleted());
  }

  @Test
  void aRejectedConfigIsRolledBackReloadedAndReportedInPrometheusWords() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.REJECTED, result.outcome());
    assertTrue(result.rolledBack());
    assertTrue(result.message().contains("field bogus not found in type config.plain"),
        result.message());
    assertEquals(good, f.configOnDisk());
    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), "restored config reloaded");
    assertFalse(result.configInSync());
    assertEquals(RejectedConfig.REJECTED,
        f.store.record().rejected().orElseThrow().reason());
  }

  /**
   * Prometheus refuses the new config and then the restored, last verified one too: what fails
   * is outside promcc's files (a broken rule file), so the new config is not pinned; once that
   * file is fixed, the next reconcile loads it (pinned, it waited for an unrelated change).
   */
  @Test
  void aConfigRefusedWithTheVerifiedOneIsNotPinnedAndLandsOnceTheOutsideCauseIsFixed() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.prometheus.rejectWhen(files -> Optional.of("rule file broken"));
    f.with("b");
    f.clock.advance(Duration.ofSeconds(5));

    ReconcileResult refused = reconciler.reconcile();

    assertEquals(Outcome.REJECTED, refused.outcome());
    assertTrue(refused.message().contains("prometheus refused the last verified config too, so "
        + "the cause is outside promcc's files"), refused.message());
    assertEquals(Optional.empty(), f.store.record().rejected());
    f.prometheus.rejectWhen(Fixture::bogus);
    f.clock.advance(OutsideCause.RELOAD_AGAIN_AFTER); // no one reloads: promcc's next reload
    ReconcileResult afterFix = reconciler.reconcile();
    assertEquals(Outcome.RELOADED, afterFix.outcome(), afterFix.message());
    assertTrue(f.prometheusRunsJobsOf("b"));
  }

  @Test
  void aRejectedConfigIsNotTriedAgainUntilItChangesAlsoAfterAControllerRestart() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.breakBaseConfig();
    reconciler.reconcile();
    int reloads = f.prometheus.reloads();
    int writes = f.store.writes().size();

    ReconcileResult again = reconciler.reconcile();
    ReconcileResult afterRestart = f.reconciler().reconcile();

    assertEquals(Outcome.REJECTED, again.outcome());
    assertEquals(Outcome.REJECTED, afterRestart.outcome());
    assertTrue(afterRestart.message().contains("not tried again"), afterRestart.message());
    assertEquals(reloads, f.prometheus.reloads());
    assertEquals(writes, f.store.writes().size());

    f.baseConfig = "global:\n  scrape_interval: 2m\n";
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome(), "a fixed config is tried");
    assertTrue(f.store.record().rejected().isEmpty());
  }

  @Test
  void renewedCertificatesLandWhileAConfigIsPinnedAndRollbackKeepsTheNewerCertificate() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    // the bad config and a renewal arrive together: the rollback must not undo the renewal
    f.breakBaseConfig();
    f.certificates.put(id("a"), TestCertificates.other());
    ReconcileResult rejected = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome());
    assertEquals(TestCertificates.other().certificatePem(),
        f.store.readOwned().get("certs/a-crt.pem").text());

    // a later renewal while the config is still the rejected one
    f.certificates.put(id("a"), TestCertificates.bundle());
    ReconcileResult pinned = reconciler.reconcile();

    assertEquals(Outcome.REJECTED, pinned.outcome());
    assertEquals(List.of("certs/a-ca.pem", "certs/a-crt.pem", "certs/a-key.pem"),
        pinned.written());
    assertEquals(TestCertificates.bundle().certificatePem(),
        f.store.readOwned().get("certs/a-crt.pem").text());
    assertFalse(f.configOnDisk().contains("bogus"));
  }

  @Test
  void aRejectionWithNothingVerifiedLeavesTheFilesAndSaysSo() {
    f.breakBaseConfig();

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.REJECTED, result.outcome());
    assertFalse(result.rolledBack());
    assertTrue(result.message().contains("no verified files to restore"), result.message());
    assertTrue(f.configOnDisk().contains("bogus"));
  }

  @Test
  void aFileThatFailsValidationWritesNothingAndDoesNotReload() {
    f.validator = (desired, changed) -> {
      throw new ValidationException("desired state", List.of("certificate file "
          + "\"certs/a-crt.pem\" holds no PEM certificate"));
    };

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.FAILED, result.outcome());
    assertTrue(result.message().contains("holds no PEM certificate"), result.message());
    assertEquals(List.of(), f.store.writes());
    assertEquals(0, f.prometheus.reloads());
  }

  @Test
  void withAVerifiedConfigAndPrometheusDownOnlyCertificatesLandAndTheNextReconcileFinishes() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    String before = f.configOnDisk();
    f.prometheus.setUp(false);
    f.with("b");

    ReconcileResult down = reconciler.reconcile();

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, down.outcome());
    assertEquals(List.of("certs/b-ca.pem", "certs/b-crt.pem", "certs/b-key.pem"),
        down.written());
    assertEquals(before, f.configOnDisk(), "the config change waits for prometheus");

    f.prometheus.setUp(true);
    ReconcileResult up = reconciler.reconcile();
    assertEquals(Outcome.RELOADED, up.outcome());
    assertTrue(f.prometheusRunsJobsOf("b"));
  }

  @Test
  void withNothingVerifiedEverythingIsWrittenForAPrometheusThatWaitsForItsConfig() {
    f.prometheus.setUp(false);

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome());
    assertTrue(f.hasJobsOf("a"), "prometheus may need this config to start");
    f.prometheus.restart();
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
  }

  @Test
  void aPrometheusThatDiesOnANewConfigGetsTheLastGoodFilesBackAndTheConfigIsPinned() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    String good = f.configOnDisk();
    f.prometheus.crashWhen(files -> files.get(CONFIG).text().contains("guest-cluster-b-"));
    f.with("b");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.REJECTED, result.outcome());
    assertTrue(result.message().contains("not ready within"), result.message());
    assertEquals(good, f.configOnDisk());
    assertTrue(f.prometheus.isUp(), "it came back with the restored files");
    assertEquals(RejectedConfig.NOT_READY,
        f.store.record().rejected().orElseThrow().reason());
    assertEquals(Outcome.REJECTED, reconciler.reconcile().outcome(), "not tried again");
  }

  /** Prometheus did not refuse a config pinned not ready: the message does not say it did. */
  @Test
  void aConfigPinnedNotReadyIsNotCalledRejected() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.prometheus.crashWhen(files -> files.get(CONFIG).text().contains("guest-cluster-b-"));
    f.with("b");
    ReconcileResult gone = reconciler.reconcile();
    RejectedConfig pin = f.store.record().rejected().orElseThrow();
    assertEquals(RejectedConfig.NOT_READY, pin.reason(), gone.message());

    ReconcileResult pinned = reconciler.reconcile();

    assertEquals("config " + pin.configHash().substring(0, 12) + " was pinned as not ready ("
        + pin.message() + "), so it is not reloaded again until the desired config changes",
        pinned.message());
  }

  @Test
  void withoutAPrometheusTheFilesAreOnlyWritten() {
    Reconciler reconciler = f.builder().prometheus(Optional.empty()).build();

    assertEquals(Outcome.WRITTEN, reconciler.reconcile().outcome());
    assertEquals(Outcome.UNCHANGED, reconciler.reconcile().outcome());
    assertEquals(0, f.prometheus.reloads());
  }

  @Test
  void aLoadFailingForAReasonOutsideTheFilesDoesNotPinTheVerifiedConfig() {
    Reconciler reconciler = f.reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(30));
    // someone's broken rule file: every load fails, the controller's verified config included
    f.prometheus.rejectWhen(files -> Optional.of("someone's bad rule file"));
    assertThrows(RuntimeException.class, f.prometheus::reload);
    f.clock.advance(Duration.ofSeconds(30));

    ReconcileResult during = reconciler.reconcile();

    assertEquals(Outcome.REJECTED, during.outcome(), during.message());
    assertTrue(during.message().contains("someone's bad rule file"), during.message());
    assertTrue(during.message().contains("outside"), during.message());
    assertEquals(Optional.empty(), f.store.record().rejected(), "the verified config not pinned");

    // fixed; someone reloads, and Prometheus runs the controller's verified files again
    f.prometheus.rejectWhen(Fixture::bogus);
    f.clock.advance(Duration.ofSeconds(30));
    f.prometheus.reload();
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult after = reconciler.reconcile();

    assertEquals(Outcome.UNCHANGED, after.outcome(), after.message());
    assertTrue(after.configInSync());
  }
}
