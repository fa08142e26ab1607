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
 * The start path waits for ready twice when the files on disk were never verified (a controller
 * stopped during its reload) and Prometheus, ready after the first wait, refuses the baseline's
 * second runtime info call: readyRuntimeInfo's awaitReady, then the start path's own awaitReady.
 * With the runtime info calls a real control makes (each up to its 10 s request timeout, a
 * refused connect up to its 2 s connect timeout) and promtool taking its timeout, such a
 * reconcile and its rollback stay within the app's liveness bound, longestDelivery + promtool
 * timeout + 5 minutes (ControllerModule.loopHealth), with the defaults (5 min each, promtool
 * 2 min): the loop is not reported stuck in the middle of a rollback.
 */
class LongestDeliveryStartPathTest {
  private static final Duration READY = Duration.ofMinutes(5);
  private static final Duration VERIFY = Duration.ofMinutes(5);
  private static final Duration RELOAD_REQUEST = Duration.ofMinutes(5);
  private static final Duration PROMTOOL = Duration.ofMinutes(2);
  private static final Duration REQUEST = Duration.ofSeconds(10); // the adapter's default
  private static final Duration CONNECT = Duration.ofSeconds(2); // the adapter's default

  private final Fixture f = new Fixture().with("a");

  private enum Answer { STARTING, OK, REFUSED, POLL, FAILED_LOAD, LOADED_NOW }

  private final class EveryWait extends ForwardingControl {
    private final List<Answer> answers = List.of(
        Answer.STARTING, Answer.REFUSED, // baseline: 503, ready wait, then refused
        Answer.OK, // the start path's own ready wait, then asked again
        Answer.OK, // the baseline read again after the config write
        Answer.OK, // after the first reload, refused: ready, asked
        Answer.POLL, Answer.FAILED_LOAD, // verifying the second reload: no load, 503, failed
        Answer.OK, // the rollback's baseline
        Answer.OK, // after the third reload, refused
        Answer.POLL, Answer.LOADED_NOW); // verifying the fourth: the restored load
    private int next;
    private boolean verifyStarts;
    private Instant verifyDeadline;
    int runtimeInfoCalls;
    int readyWaits;
    int reloads;

    EveryWait() {
      super(f.prometheus);
    }

    @Override
    public void awaitReady(Duration timeout) {
      readyWaits++;
      f.clock.advance(timeout); // ready just at the end of its timeout
      super.awaitReady(timeout);
      if (verifyStarts) {
        verifyStarts = false;
        verifyDeadline = f.clock.instant().plus(VERIFY);
      }
    }

    @Override
    public ReloadAck reload() {
      if (++reloads % 2 == 1) {
        f.clock.advance(CONNECT);
        throw PrometheusUnavailableException.notSent("connect timed out", null);
      }
      f.clock.advance(RELOAD_REQUEST);
      verifyStarts = true;
      throw new PrometheusUnavailableException("no answer within " + RELOAD_REQUEST);
    }

    @Override
    public RuntimeInfo runtimeInfo() {
      runtimeInfoCalls++;
      Answer answer = answers.get(next);
      if (answer == Answer.POLL && f.clock.instant().plus(REQUEST).isBefore(verifyDeadline)) {
        f.clock.advance(REQUEST);
        return super.runtimeInfo(); // no new load yet
      }
      next++;
      f.clock.advance(answer == Answer.REFUSED ? CONNECT : REQUEST);
      return switch (answer) {
        case STARTING, POLL -> throw new PrometheusApiException(
            "GET /api/v1/status/runtimeinfo", 503, "Service Unavailable");
        case REFUSED -> throw PrometheusUnavailableException.notSent("connection refused", null);
        case OK -> super.runtimeInfo();
        case FAILED_LOAD -> {
          RuntimeInfo info = super.runtimeInfo();
          yield new RuntimeInfo(false, info.lastConfigTime(), info.serverTime());
        }
        case LOADED_NOW -> {
          f.prometheus.reload(); // the restored config's load, seen now
          yield super.runtimeInfo();
        }
      };
    }
  }

  @Test
  void aRollbackAfterTheStartPathsTwoReadyWaitsEndsWithinTheLivenessBound() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    // a reload of config b that gets no answer and shows no load: b stays on disk, unverified
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    ReconcileResult unverified = f.builder().prometheus(new ForwardingControl(f.prometheus) {
      @Override
      public ReloadAck reload() {
        throw new PrometheusUnavailableException("no answer within " + RELOAD_REQUEST);
      }
    }).build().reconcile();
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, unverified.outcome(), unverified.message());
    assertTrue(f.hasJobsOf("b"), "b's files stay on disk, unverified");

    f.clock.advance(Duration.ofMinutes(1));
    f.with("c");
    f.validator = (desired, changed) -> f.clock.advance(PROMTOOL); // promtool takes its timeout
    EveryWait control = new EveryWait();
    Instant start = f.clock.instant();

    ReconcileResult result = f.builder().prometheus(control).readyTimeout(READY)
        .verifyTimeout(VERIFY).build().reconcile();

    Duration took = Duration.between(start, f.clock.instant());
    Duration liveness = Reconciler.longestDelivery(READY, VERIFY, RELOAD_REQUEST).plus(PROMTOOL)
        .plus(Duration.ofMinutes(5)); // as ControllerModule.loopHealth
    String said = result.outcome() + ": " + result.message() + "; " + control.runtimeInfoCalls
        + " runtime info calls, " + control.readyWaits + " ready waits, " + control.reloads
        + " reloads, took " + took
        + ", longestDelivery " + Reconciler.longestDelivery(READY, VERIFY, RELOAD_REQUEST)
        + ", liveness bound " + liveness;
    assertEquals(Outcome.REJECTED, result.outcome(), said);
    assertTrue(result.rolledBack(), said);
    assertEquals(11, control.next, "every scripted answer was asked for; " + said);
    assertTrue(took.compareTo(liveness) <= 0,
        "a reconcile whose every call kept within its own timeout outlasted the liveness bound: "
            + said);
  }
}
