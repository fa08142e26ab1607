package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Review findings on the start path of {@link Delivery} (9c34d3e). Injected clocks. */
class DeliveryStartReviewTest {
  private final Fixture f = new Fixture().with("a");

  /**
   * An unverified config is on disk (a reload request got no answer and no load was seen).
   * At the next reconcile the first runtime info is refused (Prometheus restarting), GET
   * /-/ready then answers ready at once, and the runtime info after it gets no answer in time
   * (busy after the start). The reconcile reports that Prometheus "was not ready within PT1M"
   * and restores the files "for its next start", though it answered ready.
   */
  @Test
  void aReadyPrometheusWhoseRuntimeInfoTimesOutIsNotReportedNotReady() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    var noAnswer = new ForwardingControl(f.prometheus) {
      @Override
      public ReloadAck reload() {
        throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
            + "\"http://127.0.0.1:9090\" failed: no answer within PT5M");
      }
    };
    ReconcileResult unverified = f.builder().prometheus(noAnswer).build().reconcile();
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, unverified.outcome(), unverified.message());
    assertEquals(true, f.hasJobsOf("b"), "the new files stay: " + unverified.message());

    f.clock.advance(Duration.ofMinutes(1));
    var restarting = new ForwardingControl(f.prometheus) {
      int calls;
      int readyWaits;

      @Override
      public void awaitReady(Duration timeout) {
        readyWaits++;
        super.awaitReady(timeout); // ready at once
      }

      @Override
      public RuntimeInfo runtimeInfo() {
        calls++;
        if (calls == 1) {
          throw PrometheusUnavailableException.notSent("GET /api/v1/status/runtimeinfo to "
              + "prometheus at \"http://127.0.0.1:9090\" failed: connection refused", null);
        }
        if (calls == 2) {
          throw new PrometheusUnavailableException("GET /api/v1/status/runtimeinfo to "
              + "prometheus at \"http://127.0.0.1:9090\" failed: no answer within PT10S");
        }
        return super.runtimeInfo();
      }
    };
    ReconcileResult result = f.builder().prometheus(restarting).build().reconcile();

    String said = result.outcome() + ": " + result.message() + " (ready waits: "
        + restarting.readyWaits + ", all answered ready)";
    assertFalse(result.message().contains("was not ready within"), "prometheus answered "
        + "ready, yet the message says it was not: " + said);
  }
}
