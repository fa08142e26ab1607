package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A controller stopped while Prometheus loads a new config (SIGTERM during the reload): after
 * its restart it recognises from Prometheus' answers and the store's record of the reload it
 * asked for a config Prometheus loaded meanwhile, and does not reload it again; a config it
 * wrote but never had reloaded, or one Prometheus did not load, is reloaded. Injected clocks.
 */
class DeliveryStoppedDuringReloadTest {
  private final Fixture f = new Fixture().with("a");

  /** A control whose reload stops the controller before or after Prometheus' load. */
  private static final class StopsAtTheReload extends ForwardingControl {
    private final boolean afterTheLoad;

    StopsAtTheReload(Fixture f, boolean afterTheLoad) {
      super(f.prometheus);
      this.afterTheLoad = afterTheLoad;
    }

    @Override
    public ReloadAck reload() {
      if (afterTheLoad) {
        super.reload();
      }
      throw new IllegalStateException("stopped (SIGTERM) before the reload's answer");
    }
  }

  /** Verifies config "a", then stops the controller at the reload of "a" and "b". */
  private String stoppedAtTheReloadOfANewConfig(boolean afterTheLoad) {
    ReconcileResult first = f.reconciler().reconcile();
    assertEquals(Outcome.RELOADED, first.outcome(), first.message());
    f.clock.advance(Duration.ofSeconds(5));
    f.with("b");
    ReconcileResult stopped = f.builder().prometheus(new StopsAtTheReload(f, afterTheLoad))
        .build().reconcile();
    assertEquals(Outcome.FAILED, stopped.outcome(), stopped.message());
    assertEquals(first.configHash(), f.store.record().verified().map(v -> v.configHash()),
        "the new config's load is not recorded");
    f.clock.advance(Duration.ofSeconds(5));
    return stopped.configHash().orElseThrow();
  }

  @Test
  void aConfigPrometheusLoadedBeforeTheStopIsRecordedWithoutAReload() {
    String configHash = stoppedAtTheReloadOfANewConfig(true);
    assertTrue(f.prometheusRunsJobsOf("b"));
    int reloads = f.prometheus.reloads();

    ReconcileResult restarted = f.reconciler().reconcile();

    String said = restarted.outcome() + ": " + restarted.message();
    assertEquals(reloads, f.prometheus.reloads(), "prometheus loaded it already: " + said);
    assertEquals(Outcome.UNCHANGED, restarted.outcome(), said);
    assertTrue(restarted.configInSync(), said);
    assertTrue(restarted.message().startsWith("prometheus loaded config "), said);
    assertEquals(Optional.of(configHash),
        f.store.record().verified().map(v -> v.configHash()), said);
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult next = f.reconciler().reconcile();
    assertEquals(Outcome.UNCHANGED, next.outcome(), next.message());
    assertEquals(reloads, f.prometheus.reloads(), next.message());
  }

  @Test
  void aConfigWrittenButNeverReloadedIsReloadedAfterTheRestart() {
    String configHash = stoppedAtTheReloadOfANewConfig(false);
    assertFalse(f.prometheusRunsJobsOf("b"));
    int reloads = f.prometheus.reloads();

    ReconcileResult restarted = f.reconciler().reconcile();

    String said = restarted.outcome() + ": " + restarted.message();
    assertEquals(reloads + 1, f.prometheus.reloads(), said);
    assertEquals(Outcome.RELOADED, restarted.outcome(), said);
    assertTrue(f.prometheusRunsJobsOf("b"), said);
    assertEquals(Optional.of(configHash),
        f.store.record().verified().map(v -> v.configHash()), said);
  }

  /** Someone else's reload after the ask fails (a rule file): the config is reloaded. */
  @Test
  void aLoadAfterTheAskThatFailedIsNoProofAndTheConfigIsReloaded() {
    stoppedAtTheReloadOfANewConfig(true);
    f.failApplyingWhileRuleFileBroken();
    f.ruleFileBroken = true;
    assertThrows(ReloadRejectedException.class, f.prometheus::reload);
    assertFalse(f.prometheus.runtimeInfo().reloadConfigSuccess());
    f.ruleFileBroken = false;
    f.clock.advance(Duration.ofSeconds(5));
    int reloads = f.prometheus.reloads();

    ReconcileResult restarted = f.reconciler().reconcile();

    String said = restarted.outcome() + ": " + restarted.message();
    assertEquals(reloads + 1, f.prometheus.reloads(), said);
    assertEquals(Outcome.RELOADED, restarted.outcome(), said);
  }
}
