package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A reload refused at connect never reached Prometheus; Prometheus stays down past the ready
 * timeout (stopped for a reason of its own; it never read the new files). The new config was
 * never judged, yet it is pinned prometheus-not-ready and never tried again when Prometheus
 * comes back, until the desired config changes.
 */
class DeliveryUnsentDownTest {
  private final Fixture f = new Fixture().with("a");

  @Test
  void aReloadThatNeverReachedAPrometheusDownForGoodPinsNothing() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    var goneBeforeTheReload = new ForwardingControl(f.prometheus) {
      int calls;

      @Override
      public ReloadAck reload() {
        if (++calls == 1) {
          f.prometheus.setUp(false); // its node went away; not the config's doing
          throw PrometheusUnavailableException.notSent("POST /-/reload to prometheus at "
              + "\"http://127.0.0.1:9090\" failed: connection refused", null);
        }
        return super.reload();
      }
    };

    ReconcileResult result = f.builder().prometheus(goneBeforeTheReload).build().reconcile();
    f.prometheus.setUp(true);
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult back = f.reconciler().reconcile();

    String said = "down: " + result.outcome() + ": " + result.message() + "; back: "
        + back.outcome() + ": " + back.message();
    assertEquals(Optional.empty(), f.store.record().rejected(), said);
    assertEquals(Outcome.RELOADED, back.outcome(), said);
  }
}
