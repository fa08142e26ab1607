package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A reload request that got no answer (a big config that outlasts the reload timeout) is watched
 * as for a signal until the verify timeout, and a runtime info call that times out right after a
 * big load is asked again (docs/delivery.md, step 4): one such call does not end the reconcile,
 * which would have the next one send the reload a second time, a second full load.
 */
class DeliveryNoAnswerBusyTest {
  private final Fixture f = new Fixture().with("a");

  /** The 1st reload outlasts its timeout but Prometheus finishes loading; then it is busy once. */
  private final class SlowLoadThenBusy extends ForwardingControl {
    int reloads;
    boolean busyNext;

    SlowLoadThenBusy() {
      super(f.prometheus);
    }

    @Override
    public ReloadAck reload() {
      if (++reloads == 1) {
        f.clock.advance(Duration.ofMinutes(5));
        super.reload(); // Prometheus goes on and loads the new files successfully
        busyNext = true;
        throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
            + "\"http://127.0.0.1:9090\" failed: no answer within PT5M");
      }
      return super.reload();
    }

    @Override
    public RuntimeInfo runtimeInfo() {
      if (busyNext) {
        busyNext = false; // right after loading 60,000 jobs: 39 s to answer
        throw new PrometheusUnavailableException("GET /api/v1/status/runtimeinfo to "
            + "prometheus at \"http://127.0.0.1:9090\" failed: no answer within PT10S");
      }
      return super.runtimeInfo();
    }
  }

  @Test
  void aBusyRuntimeInfoAfterAReloadWithoutAnswerIsAskedAgainNotGivenUpOn() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    SlowLoadThenBusy control = new SlowLoadThenBusy();
    Reconciler reconciler = f.builder().prometheus(control).build();

    ReconcileResult result = reconciler.reconcile();
    ReconcileResult next = reconciler.reconcile();

    String said = "first: " + result.outcome() + ": " + result.message() + "; next: "
        + next.outcome() + ": " + next.message();
    assertEquals(1, control.reloads, "reload requests sent for the same config; " + said);
    assertEquals(Outcome.RELOADED, result.outcome(), said);
  }
}
