package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Reconciler#longestDelivery} bounds a reconcile that meets every wait there is, each
 * taking all but a second of its timeout: a Prometheus that is starting at the baseline, refuses
 * the first reload and is then ready, does not answer the second within the reload timeout,
 * restarts during the verification (twice), and reports the load failed; then the same for the
 * rollback's reload of the verified config, which succeeds. A liveness bound shorter than this
 * restarts the controller in the middle of a rollback.
 */
class LongestDeliveryTest {
  private static final Duration READY = Duration.ofMinutes(5);
  private static final Duration VERIFY = Duration.ofMinutes(5);
  private static final Duration RELOAD_REQUEST = Duration.ofMinutes(5);
  private static final Duration ALMOST = Duration.ofSeconds(1);

  private final Fixture f = new Fixture().with("a");

  /** What each runtime info call answers, in order. */
  private enum Answer { STARTING, OK, REFUSED, FAILED_LOAD }

  private final class EveryWait extends ForwardingControl {
    private final List<Answer> answers = List.of(
        Answer.STARTING, Answer.OK, // the baseline: 503, ready, asked again
        Answer.OK, // the baseline read again after the write
        Answer.OK, // after the first reload, refused: ready, asked
        Answer.REFUSED, Answer.REFUSED, Answer.FAILED_LOAD, // verifying the second reload
        Answer.OK, // the rollback's baseline
        Answer.OK, // after the third reload, refused
        Answer.REFUSED, Answer.REFUSED, Answer.OK); // verifying the fourth: the restored load
    int runtimeInfoCalls;
    int reloads;

    EveryWait() {
      super(f.prometheus);
    }

    @Override
    public void awaitReady(Duration timeout) {
      f.clock.advance(timeout.minus(ALMOST));
      super.awaitReady(timeout);
    }

    @Override
    public ReloadAck reload() {
      if (++reloads % 2 == 1) {
        throw PrometheusUnavailableException.notSent("connection refused", null);
      }
      f.clock.advance(RELOAD_REQUEST);
      if (reloads == 4) {
        super.reload(); // the restored config loads, the answer comes too late
      }
      throw new PrometheusUnavailableException("no answer within " + RELOAD_REQUEST);
    }

    @Override
    public RuntimeInfo runtimeInfo() {
      Answer answer = answers.get(runtimeInfoCalls++);
      return switch (answer) {
        case STARTING -> throw new PrometheusApiException("GET /api/v1/status/runtimeinfo", 503,
            "Service Unavailable");
        case REFUSED -> throw PrometheusUnavailableException.notSent("connection refused", null);
        case OK -> super.runtimeInfo();
        case FAILED_LOAD -> {
          RuntimeInfo info = super.runtimeInfo();
          yield new RuntimeInfo(false, info.lastConfigTime(), info.serverTime());
        }
      };
    }
  }

  @Test
  void aReconcileThroughEveryWaitEndsWithinTheLongestDelivery() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    EveryWait control = new EveryWait();
    Instant start = f.clock.instant();

    ReconcileResult result = f.builder().prometheus(control).readyTimeout(READY)
        .verifyTimeout(VERIFY).build().reconcile();

    Duration took = Duration.between(start, f.clock.instant());
    String said = result.outcome() + ": " + result.message() + "; " + control.runtimeInfoCalls
        + " runtime info calls, " + control.reloads + " reloads, took " + took;
    assertEquals(Outcome.REJECTED, result.outcome(), said);
    assertTrue(result.rolledBack(), said);
    assertEquals(12, control.runtimeInfoCalls, "every scripted answer was asked for; " + said);
    assertTrue(took.compareTo(READY.plus(RELOAD_REQUEST).multipliedBy(2)) > 0,
        "longer than a reload and a rollback with one ready wait each: " + said);
    assertTrue(took.compareTo(Reconciler.longestDelivery(READY, VERIFY, RELOAD_REQUEST)) <= 0,
        said);
  }
}
