package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;

/**
 * The set-up shared by the tests of states {@link Delivery} does not get out of: a verified
 * config before cluster b is desired, and a Prometheus whose runtime info gets no answer once
 * after a rejected reload.
 */
final class StuckStates {
  private StuckStates() {}

  /** A config with cluster a verified; a minute later cluster b is desired. */
  static void verifiedThenClusterB(Fixture f) {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
  }

  /** Runtime info gets no answer once, right after the first rejected reload. */
  static final class BusyOnceAfterTheRejection extends ForwardingControl {
    boolean refused;
    boolean busy;

    BusyOnceAfterTheRejection(Fixture f) {
      super(f.prometheus);
    }

    @Override
    public ReloadAck reload() {
      try {
        return super.reload();
      } catch (ReloadRejectedException e) {
        if (!refused) {
          refused = true;
          busy = true;
        }
        throw e;
      }
    }

    @Override
    public RuntimeInfo runtimeInfo() {
      if (busy) {
        busy = false;
        throw new PrometheusUnavailableException("GET /api/v1/status/runtimeinfo to "
            + "prometheus at \"http://127.0.0.1:9090\" failed: no answer within PT10S");
      }
      return super.runtimeInfo();
    }
  }
}
