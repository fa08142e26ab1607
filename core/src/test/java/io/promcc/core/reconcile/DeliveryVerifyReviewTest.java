package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Review findings on verify()'s wait for a Prometheus that went away (29df98a, 9c34d3e). */
class DeliveryVerifyReviewTest {
  private final Fixture f = new Fixture().with("a");

  /**
   * After a reload signal runtime info is slow (no answer within 10 s, three times), then the
   * connection is refused: Prometheus restarted. GET /-/ready answers ready 40 s later (within
   * the ready timeout); the restarted Prometheus loaded the new files. awaitBack() finds the
   * verify deadline passed and throws "prometheus answers ready, but runtime info failed"
   * without asking runtime info once while it is ready: the reconcile reports Prometheus
   * unavailable, the verified set stays the old one, and the next reconcile signals a reload
   * of a config Prometheus already runs.
   */
  @Test
  void aPrometheusBackWithinTheReadyTimeoutAfterTheVerifyDeadlineIsAskedOnceMore() {
    f.prometheus.reloadBySignal();
    f.clock.advance(Duration.ofSeconds(2));
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    var restartsAfterTheSignal = new ForwardingControl(f.prometheus) {
      boolean signalled;
      int failures;

      @Override
      public ReloadAck reload() {
        ReloadAck ack = super.reload();
        signalled = true;
        return ack;
      }

      @Override
      public RuntimeInfo runtimeInfo() {
        if (signalled && failures < 4) {
          failures++;
          if (failures < 4) {
            f.clock.advance(Duration.ofSeconds(10));
            throw new PrometheusUnavailableException("GET /api/v1/status/runtimeinfo to "
                + "prometheus at \"http://127.0.0.1:9090\" failed: no answer within PT10S");
          }
          throw PrometheusUnavailableException.notSent("GET /api/v1/status/runtimeinfo to "
              + "prometheus at \"http://127.0.0.1:9090\" failed: connection refused", null);
        }
        return super.runtimeInfo();
      }

      @Override
      public void awaitReady(Duration timeout) {
        if (signalled && failures == 4) {
          f.clock.advance(Duration.ofSeconds(40));
          f.prometheus.restart(); // it comes up with the files on disk: the new config
        }
        super.awaitReady(timeout);
      }
    };
    ReconcileResult result = f.builder().prometheus(restartsAfterTheSignal).build().reconcile();
    boolean runsB = f.prometheusRunsJobsOf("b");
    int reloads = f.prometheus.reloads();
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult next = f.reconciler().reconcile();

    String said = result.outcome() + ": " + result.message() + "; prometheus runs b's jobs: "
        + runsB + "; next: " + next.outcome() + ": " + next.message() + ", reloads: "
        + (f.prometheus.reloads() - reloads);
    assertEquals(Outcome.RELOADED, result.outcome(), said);
  }
}
