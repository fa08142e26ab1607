package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The reload sent once more after one that never reached Prometheus is handled as a first reload
 * is: one that kills Prometheus (a connection reset: sent, no answer) is waited for, and a
 * Prometheus not ready again after it rolls the config back.
 */
class DeliveryResentReloadTest {
  private final Fixture f = new Fixture().with("a");

  /** The first reload() is refused at connect (never sent); later ones go through. */
  private final class FirstReloadRefused extends ForwardingControl {
    int calls;

    FirstReloadRefused() {
      super(f.prometheus);
    }

    @Override
    public ReloadAck reload() {
      if (++calls == 1) {
        throw PrometheusUnavailableException.notSent("POST /-/reload to prometheus at "
            + "\"http://127.0.0.1:9090\" failed: connection refused", null);
      }
      return super.reload();
    }
  }

  @Test
  void aResentReloadThatKillsPrometheusIsRolledBackAsAFirstOneIs() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.crashWhen(files -> files.get(Fixture.CONFIG).text()
        .contains("guest-cluster-b-"));
    f.with("b");
    Reconciler reconciler = f.builder().prometheus(new FirstReloadRefused()).build();

    ReconcileResult result = reconciler.reconcile();
    ReconcileResult next = reconciler.reconcile();

    // before c5085c7 the first reconcile waited (unavailable) and the next one rolled back; now
    // Prometheus crash-loops on the new files and every reconcile "waits for prometheus"
    String said = "first: " + result.outcome() + ": " + result.message() + "; next: "
        + next.outcome() + ": " + next.message();
    assertTrue(f.prometheus.isUp(), "prometheus crash-loops on the resent config; " + said);
    assertEquals(good, f.configOnDisk(), said);
    assertEquals(RejectedConfig.NOT_READY, f.store.record().rejected().orElseThrow().reason());
  }
}
