package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reloads of the last verified config alone that a reconcile made, listed in its result
 * (the metrics count them): a rollback's, and those while a config waits for a cause outside
 * promcc's files; a reload of the desired config is none.
 */
class DeliveryVerifiedReloadsTest {
  private final Fixture f = new Fixture();

  @Test
  void aRollbackListsItsLoadedReloadOfTheVerifiedConfig() {
    Reconciler reconciler = f.with("a").reconciler();
    ReconcileResult first = reconciler.reconcile();
    f.breakBaseConfig();

    ReconcileResult rejected = reconciler.reconcile();
    ReconcileResult pinned = reconciler.reconcile();

    assertEquals(List.of(), first.verifiedReloads(), "the desired config's reload is none");
    assertTrue(rejected.rolledBack(), rejected.message());
    assertEquals(List.of(VerifiedReload.LOADED), rejected.verifiedReloads());
    assertEquals(List.of(), pinned.verifiedReloads(), "nothing reloaded under the pin");
  }

  @Test
  void reloadsOfTheVerifiedConfigWhileAConfigWaitsAreListedWithTheirEnd() {
    f.failApplyingWhileRuleFileBroken();
    Reconciler reconciler = f.with("a").reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.ruleFileBroken = true;
    f.with("b");

    ReconcileResult refused = reconciler.reconcile();
    ReconcileResult waits = reconciler.reconcile();
    f.clock.advance(OutsideCause.RELOAD_AGAIN_AFTER);
    ReconcileResult refusedAgain = reconciler.reconcile();
    f.ruleFileBroken = false;
    f.clock.advance(OutsideCause.RELOAD_AGAIN_AFTER);
    ReconcileResult landed = reconciler.reconcile();

    assertFalse(refused.rolledBack(), refused.message());
    assertEquals(List.of(VerifiedReload.REFUSED), refused.verifiedReloads(), "the rollback's");
    assertEquals(List.of(), waits.verifiedReloads(), waits.message());
    assertEquals(List.of(VerifiedReload.REFUSED), refusedAgain.verifiedReloads());
    assertEquals(Outcome.RELOADED, landed.outcome(), landed.message());
    assertEquals(List.of(VerifiedReload.LOADED), landed.verifiedReloads(),
        "the verified config, then the desired: " + landed.message());
  }

  @Test
  void aVerifiedReloadThatGetsNoAnswerIsListedUnanswered() {
    f.failApplyingWhileRuleFileBroken();
    boolean[] timesOut = {false};
    // from the reload on, Prometheus is ready but its runtime info answers nothing (too busy)
    ForwardingControl slow = new ForwardingControl(f.prometheus) {
      private boolean busy;

      @Override
      public ReloadAck reload() {
        if (timesOut[0]) {
          busy = true;
          f.clock.advance(Duration.ofMinutes(1));
          throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
              + "\"http://127.0.0.1:9090\" failed: no answer within PT1M");
        }
        return super.reload();
      }

      @Override
      public RuntimeInfo runtimeInfo() {
        if (busy) {
          f.clock.advance(Duration.ofSeconds(10));
          throw new PrometheusUnavailableException("GET /api/v1/status/runtimeinfo: no "
              + "answer within PT10S");
        }
        return super.runtimeInfo();
      }
    };
    Reconciler reconciler = f.with("a").builder().prometheus(slow).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.ruleFileBroken = true;
    f.with("b");
    assertEquals(Outcome.REJECTED, reconciler.reconcile().outcome());
    f.clock.advance(OutsideCause.RELOAD_AGAIN_AFTER);
    timesOut[0] = true;

    ReconcileResult unanswered = reconciler.reconcile();

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, unanswered.outcome(), unanswered.message());
    assertEquals(List.of(VerifiedReload.UNANSWERED), unanswered.verifiedReloads(),
        unanswered.message());
  }

  @Test
  void aVerifiedReloadAfterWhichPrometheusDoesNotComeBackIsListedRefused() {
    f.failApplyingWhileRuleFileBroken();
    Reconciler reconciler = f.with("a").reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.ruleFileBroken = true;
    f.with("b");
    assertEquals(Outcome.REJECTED, reconciler.reconcile().outcome());
    f.clock.advance(OutsideCause.RELOAD_AGAIN_AFTER);
    f.prometheus.crashWhen(files -> true); // dies at the reload, and stays down

    ReconcileResult gone = reconciler.reconcile();

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, gone.outcome(), gone.message());
    assertEquals(List.of(VerifiedReload.REFUSED), gone.verifiedReloads(), gone.message());
  }
}
