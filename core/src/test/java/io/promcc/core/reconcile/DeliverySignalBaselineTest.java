package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A signal reload is proved by a load newer than the baseline; a load between the baseline and
 * the moment the new config is complete on disk (a restart, an earlier signal still pending)
 * read the old files, so it must not pass for this config's.
 */
class DeliverySignalBaselineTest {
  private final Fixture f = new Fixture().with("a");

  @Test
  void aLoadOfTheOldFilesBeforeTheNewConfigIsWrittenDoesNotVerifyIt() {
    f.prometheus.reloadBySignal();
    f.clock.advance(Duration.ofSeconds(2));
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    String verifiedBefore = f.store.record().verified().orElseThrow().configHash();
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    var restartedBeforeTheWrite = new ForwardingControl(f.prometheus) {
      int runtimeInfoCalls;

      @Override
      public RuntimeInfo runtimeInfo() {
        RuntimeInfo info = super.runtimeInfo();
        if (++runtimeInfoCalls == 1) {
          // the baseline is read; Prometheus restarts before the new config is on disk
          f.clock.advance(Duration.ofSeconds(2));
          f.prometheus.restart();
        }
        return info;
      }

      @Override
      public ReloadAck reload() {
        return ReloadAck.SIGNALLED; // the signal is lost: only the restart loads anything
      }
    };

    ReconcileResult result = f.builder().prometheus(restartedBeforeTheWrite)
        .verifyTimeout(Duration.ofSeconds(30)).build().reconcile();

    String said = result.outcome() + ": " + result.message();
    assertFalse(f.prometheus.loadedFiles().get(Fixture.CONFIG).text()
        .contains("guest-cluster-b-"), "the restart loaded the old config; " + said);
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome(), said);
    assertEquals(verifiedBefore, f.store.record().verified().orElseThrow().configHash(),
        "the new config is not verified; " + said);
  }
}
