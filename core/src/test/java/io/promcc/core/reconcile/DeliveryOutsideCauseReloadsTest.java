package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.TestCertificates;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How often the last verified config is reloaded while a config waits for a cause outside
 * promcc's files (a broken rule file): each reload restarts Prometheus' service discovery, which
 * lists every guest API server again, so a refused reload is repeated only once something
 * changed (Prometheus reports another load, the verified config is another) or {@link
 * OutsideCause#RELOAD_AGAIN_AFTER} has passed, on the controller's clock.
 */
class DeliveryOutsideCauseReloadsTest {
  private final Fixture f = new Fixture();

  @BeforeEach
  void prometheusFailsApplyingWhileTheRuleFileIsBroken() {
    f.failApplyingWhileRuleFileBroken();
  }

  @Test
  void aRefusedVerifiedConfigIsNotReloadedAgainAtEachReconcileWhileNothingChanged() {
    Reconciler reconciler = f.refusedWithTheVerified();
    int reloads = f.prometheus.reloads();

    for (int i = 0; i < 4; i++) {
      f.clock.advance(Duration.ofSeconds(60)); // the loop's retries, well within the interval
      int asked = f.prometheus.runtimeInfoCalls();
      ReconcileResult waits = reconciler.reconcile();
      assertEquals(Outcome.REJECTED, waits.outcome(), waits.message());
      assertFalse(waits.desiredReloadAsked(), waits.message());
      assertFalse(waits.configInSync());
      assertTrue(f.prometheus.runtimeInfoCalls() > asked, "prometheus is still asked");
      assertTrue(waits.message().contains("waits until prometheus loads it again: prometheus "
          + "refused the last verified config at 2026-11-25T12:00:00.250Z: prometheus "
          + "rejected the configuration: " + Fixture.APPLYING_FAILED + "; it is reloaded again at "
          + "2026-11-25T12:05:00.250Z, or at once when prometheus reports another load "
          + "(someone reloaded it)"), waits.message());
    }

    assertEquals(reloads, f.prometheus.reloads(), "no reload: each restarts discovery");
    assertFalse(f.prometheusRunsJobsOf("b"), "prometheus keeps the jobs it ran");
  }

  @Test
  void aFixedRuleFileIsPickedUpByTheReloadOnceTheIntervalHasPassed() {
    Reconciler reconciler = f.refusedWithTheVerified();
    f.clock.advance(Duration.ofMinutes(2));
    assertEquals(Outcome.REJECTED, reconciler.reconcile().outcome());
    int reloads = f.prometheus.reloads();
    f.ruleFileBroken = false; // fixed, and nobody reloads Prometheus

    f.clock.advance(Duration.ofMinutes(2));
    ReconcileResult before = reconciler.reconcile();
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult fixed = reconciler.reconcile();

    assertEquals(Outcome.REJECTED, before.outcome(), before.message());
    assertEquals(Outcome.RELOADED, fixed.outcome(), fixed.message());
    assertEquals(reloads + 2, f.prometheus.reloads(), "the verified config, then the desired");
    assertTrue(f.prometheusRunsJobsOf("b"));
    assertEquals(Outcome.UNCHANGED, reconciler.reconcile().outcome());
  }

  @Test
  void stillBrokenAfterTheIntervalItWaitsAnotherInterval() {
    Reconciler reconciler = f.refusedWithTheVerified();
    f.clock.advance(Duration.ofMinutes(5));
    int reloads = f.prometheus.reloads();

    ReconcileResult again = reconciler.reconcile();
    f.clock.advance(Duration.ofMinutes(4));
    ReconcileResult waits = reconciler.reconcile();

    assertEquals(reloads + 1, f.prometheus.reloads(), "one reload in the second interval");
    assertTrue(again.message().contains("prometheus refused the last verified config again"),
        again.message());
    assertTrue(waits.message().contains("refused the last verified config at "
        + "2026-11-25T12:05:00.250Z"), waits.message());
    assertFalse(f.prometheusRunsJobsOf("b"));
  }

  /**
   * Someone reloaded Prometheus successfully and then failed again (another load time, still no
   * successful load): the refusal is old news, and the verified config is reloaded at once.
   */
  @Test
  void anotherLoadReportedByPrometheusReloadsTheVerifiedConfigAtOnce() {
    Reconciler reconciler = f.refusedWithTheVerified();
    f.ruleFileBroken = false;
    f.clock.advance(Duration.ofSeconds(30));
    f.prometheus.reload(); // someone else's, loads
    f.ruleFileBroken = true;
    f.clock.advance(Duration.ofSeconds(30));
    assertFalse(reloadsCleanly(), "someone else's second reload fails");
    int reloads = f.prometheus.reloads();

    ReconcileResult waits = reconciler.reconcile();

    assertEquals(reloads + 1, f.prometheus.reloads(), waits.message());
    assertTrue(waits.message().contains("prometheus refused the last verified config again"),
        waits.message());
  }

  @Test
  void aLoadReportedByPrometheusLetsTheConfigGoAheadBeforeTheInterval() {
    Reconciler reconciler = f.refusedWithTheVerified();
    f.ruleFileBroken = false;
    f.clock.advance(Duration.ofSeconds(30));
    f.prometheus.reload(); // someone else's, after fixing the rule file
    int reloads = f.prometheus.reloads();

    ReconcileResult landed = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, landed.outcome(), landed.message());
    assertEquals(reloads + 1, f.prometheus.reloads(), "the desired config alone");
    assertTrue(f.prometheusRunsJobsOf("b"));
  }

  @Test
  void renewedCertificatesLandWithoutAReloadWhileTheConfigWaits() {
    Reconciler reconciler = f.refusedWithTheVerified();
    int reloads = f.prometheus.reloads();
    f.certificates.put(Fixture.id("a"), TestCertificates.other());
    f.clock.advance(Duration.ofSeconds(60));

    ReconcileResult waits = reconciler.reconcile();

    assertEquals(Outcome.REJECTED, waits.outcome(), waits.message());
    assertTrue(waits.written().contains("certs/a-crt.pem"), waits.toString());
    assertEquals(reloads, f.prometheus.reloads(), "prometheus re-reads certificate files");
  }

  private boolean reloadsCleanly() {
    try {
      f.prometheus.reload();
      return true;
    } catch (io.promcc.core.port.ReloadRejectedException refused) {
      return false;
    }
  }
}
