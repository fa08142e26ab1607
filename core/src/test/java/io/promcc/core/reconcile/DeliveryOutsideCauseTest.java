package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.TestCertificates;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rule file broken by someone else, as Prometheus 2.53 refuses it: every reload fails after
 * applying the config (its scrape configs run, no successful load is reported). A new config
 * refused with the last verified one after it waits, without switching Prometheus' jobs at
 * every reconcile, and lands once the rule file is fixed.
 */
class DeliveryOutsideCauseTest {
  private final Fixture f = new Fixture();

  @BeforeEach
  void prometheusFailsApplyingWhileTheRuleFileIsBroken() {
    f.failApplyingWhileRuleFileBroken();
  }

  /** The verified config with a, refused (and restored) with b's config while broken. */
  private Reconciler refusedWithTheVerified() {
    Reconciler reconciler = f.refusedWithTheVerified();
    assertFalse(f.prometheusRunsJobsOf("b"), "the restored config applied");
    return reconciler;
  }

  /**
   * The verified config is reloaded again once {@link OutsideCause#RELOAD_AGAIN_AFTER} passed
   * (DeliveryOutsideCauseReloadsTest: and when else), not at every reconcile.
   */
  @Test
  void aConfigRefusedWithTheVerifiedOneWaitsWithoutSwitchingJobsUntilTheFix() {
    Reconciler reconciler = refusedWithTheVerified();
    int reloads = f.prometheus.reloads();
    int writes = f.store.writes().size();

    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofSeconds(45));
      ReconcileResult waits = reconciler.reconcile();
      assertEquals(Outcome.REJECTED, waits.outcome(), waits.message());
      assertTrue(waits.message().contains("waits until prometheus loads it again: prometheus "
          + "refused the last verified config at "), waits.message());
      assertTrue(waits.message().contains("prometheus rejected the configuration: "
          + Fixture.APPLYING_FAILED), waits.message());
      assertFalse(waits.configInSync());
      assertFalse(waits.desiredReloadAsked(), "the desired config is not reloaded");
      assertEquals(List.of(), waits.written());
      assertEquals(reloads, f.prometheus.reloads(), "nothing changed: no reload");
      assertEquals(writes, f.store.writes().size(), "nothing written");
      assertFalse(f.hasJobsOf("b"));
      assertFalse(f.prometheusRunsJobsOf("b"), "prometheus keeps the jobs it ran");
    }

    f.ruleFileBroken = false;
    f.clock.advance(OutsideCause.RELOAD_AGAIN_AFTER);
    ReconcileResult fixed = reconciler.reconcile();
    assertEquals(Outcome.RELOADED, fixed.outcome(), fixed.message());
    assertTrue(f.prometheusRunsJobsOf("b"));
    assertEquals(reloads + 2, f.prometheus.reloads(), "the verified config, then the desired");
    assertEquals(Outcome.UNCHANGED, reconciler.reconcile().outcome());
  }

  /**
   * The refusal says what the next reconcile does: the config waits for the verified one to
   * load, where it said the config was tried again at the next reconcile, which it is not.
   */
  @Test
  void theRefusalSaysTheConfigWaitsNotThatItIsTriedAgain() {
    Reconciler reconciler = f.with("a").reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.ruleFileBroken = true;
    f.with("b");

    ReconcileResult refused = reconciler.reconcile();
    ReconcileResult next = reconciler.reconcile();

    assertTrue(refused.message().endsWith("; not pinned: it waits until prometheus loads the "
        + "last verified config again, which is reloaded again in 5 minutes, or at once when "
        + "prometheus reports another load"), refused.message());
    assertFalse(refused.message().contains("tried again"), refused.message());
    assertFalse(next.desiredReloadAsked(), "as said: " + next.message());
  }

  @Test
  void renewedCertificatesLandWhileTheConfigWaits() {
    Reconciler reconciler = refusedWithTheVerified();
    f.certificates.put(Fixture.id("a"), TestCertificates.other());

    ReconcileResult waits = reconciler.reconcile();

    assertEquals(Outcome.REJECTED, waits.outcome(), waits.message());
    assertTrue(waits.written().contains("certs/a-crt.pem"), waits.toString());
    assertFalse(f.hasJobsOf("b"));
  }

  /**
   * A cluster removed while the config waits: its config is tried at once, and refused, which
   * deletes the removed cluster's files; the restore puts them back, renewed ones included, so
   * the verified config Prometheus runs names no missing or older certificate file.
   */
  @Test
  void aClusterRemovedWhileTheConfigWaitsKeepsTheFilesTheVerifiedConfigNames() {
    Reconciler reconciler = f.with("a", "x").reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.ruleFileBroken = true;
    f.with("b");
    assertEquals(Outcome.REJECTED, reconciler.reconcile().outcome());
    f.certificates.put(Fixture.id("x"), TestCertificates.other());
    ReconcileResult renewed = reconciler.reconcile();
    assertTrue(renewed.written().contains("certs/x-crt.pem"), renewed.toString());
    String renewedCert = f.store.readOwned().get("certs/x-crt.pem").text();

    f.clusters.remove(Fixture.id("x"));
    ReconcileResult tried = reconciler.reconcile();
    ReconcileResult waits = reconciler.reconcile();

    assertTrue(tried.desiredReloadAsked(), tried.message());
    assertEquals(Outcome.REJECTED, waits.outcome(), waits.message());
    assertFalse(waits.desiredReloadAsked(), waits.message());
    assertTrue(f.hasJobsOf("x") && f.prometheusRunsJobsOf("x"), "the verified config runs");
    assertEquals(renewedCert, f.store.readOwned().get("certs/x-crt.pem").text(),
        "the renewed certificate of x, which the verified config names: " + tried);
  }

  /** A store that refuses to record the certificates with the verified config is named. */
  @Test
  void aRefusedRecordOfTheCertificatesWhileTheConfigWaitsIsNamed() {
    FullDiskOnRecord store = new FullDiskOnRecord(f.store);
    Reconciler reconciler = f.with("a").builder().store(store).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.ruleFileBroken = true;
    f.with("b");
    assertEquals(Outcome.REJECTED, reconciler.reconcile().outcome());
    f.certificates.put(Fixture.id("a"), TestCertificates.other());
    store.failNextRecord();

    ReconcileResult waits = reconciler.reconcile();

    assertEquals(Outcome.FAILED, waits.outcome(), waits.message());
    assertTrue(waits.written().contains("certs/a-crt.pem"), waits.toString());
    assertTrue(waits.message().endsWith("; the certificates were written, but recording them "
        + "with the last verified config " + f.store.record().verified().orElseThrow()
            .configHash().substring(0, 12) + " failed: cannot append to "
        + "\".promcc-manifest.journal\": No space left on device"), waits.message());
    assertFalse(waits.desiredReloadAsked());
    assertEquals(Outcome.REJECTED, reconciler.reconcile().outcome(), "waits, as before");
  }

  /** The wait is kept for the run alone: a restart tries the config once, then it waits. */
  @Test
  void aRestartTriesTheWaitingConfigOnceThenItWaitsAgain() {
    refusedWithTheVerified();
    Reconciler restarted = f.reconciler();
    int reloads = f.prometheus.reloads();

    ReconcileResult tried = restarted.reconcile();
    int afterTried = f.prometheus.reloads();
    ReconcileResult waits = restarted.reconcile();

    assertTrue(tried.desiredReloadAsked(), tried.message());
    assertEquals(reloads + 2, afterTried, "the desired config, then the verified");
    assertFalse(waits.desiredReloadAsked(), waits.message());
    assertEquals(afterTried, f.prometheus.reloads(), "the rollback's refusal stands");
    assertFalse(f.prometheusRunsJobsOf("b"));
  }

  @Test
  void anotherDesiredConfigIsTriedAtOnceItMayBeTheFix() {
    Reconciler reconciler = refusedWithTheVerified();
    f.with("c");

    ReconcileResult tried = reconciler.reconcile();

    assertTrue(tried.desiredReloadAsked(), tried.message());
    assertEquals(Outcome.REJECTED, tried.outcome(), tried.message());
  }

  @Test
  void aLoadAfterTheFixBySomeoneElseLetsTheConfigGoAheadWithOneReload() {
    Reconciler reconciler = refusedWithTheVerified();
    f.ruleFileBroken = false;
    f.prometheus.reload(); // someone else's, of the verified files on disk
    int reloads = f.prometheus.reloads();

    ReconcileResult landed = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, landed.outcome(), landed.message());
    assertEquals(reloads + 1, f.prometheus.reloads());
    assertTrue(f.prometheusRunsJobsOf("b"));
  }
}
