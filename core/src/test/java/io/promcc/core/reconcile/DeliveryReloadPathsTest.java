package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The reload paths of {@link Delivery}: the ready wait with nothing verified is no reload, and
 * an HTTP reload that outlasts the reload timeout is not sent again. Injected clocks, no
 * sleeping.
 */
class DeliveryReloadPathsTest {
  private final Fixture f = new Fixture().with("a");

  /**
   * An HTTP Prometheus whose load of the new config outlasts the client's reload timeout, as a
   * big config does: the first {@code POST /-/reload} gets no answer within the timeout (5 min),
   * while Prometheus goes on loading and finishes 20 s later. As in Prometheus 2.53 (the web
   * handler hands the request to the one reload loop and waits for it), a second {@code POST}
   * waits for the running load and is then a second full load of its own.
   */
  private final class LoadOutlastingTheTimeout extends ForwardingControl {
    int requests;
    Instant pendingLoadAt;

    LoadOutlastingTheTimeout() {
      super(f.prometheus);
    }

    @Override
    public ReloadAck reload() {
      requests++;
      if (requests == 1) {
        f.clock.advance(Duration.ofMinutes(5));
        pendingLoadAt = f.clock.instant().plusSeconds(20);
        throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
            + "\"http://127.0.0.1:9090\" failed: no answer within PT5M");
      }
      if (pendingLoadAt != null) { // queued behind the running load
        if (f.clock.instant().isBefore(pendingLoadAt)) {
          f.clock.advance(Duration.between(f.clock.instant(), pendingLoadAt));
        }
        finishPendingLoadIfDue();
      }
      return super.reload();
    }

    @Override
    public RuntimeInfo runtimeInfo() {
      finishPendingLoadIfDue();
      return super.runtimeInfo();
    }

    private void finishPendingLoadIfDue() {
      if (pendingLoadAt != null && !f.clock.instant().isBefore(pendingLoadAt)) {
        pendingLoadAt = null;
        try {
          f.prometheus.reload(); // the load the timed-out request started, from the disk
        } catch (ReloadRejectedException refused) {
          // runtime info shows it
        }
      }
    }
  }

  @Test
  void aReloadThatOutlastsTheReloadTimeoutIsNotSentASecondTime() {
    Reconciler first = f.reconciler();
    assertEquals(Outcome.RELOADED, first.reconcile().outcome());
    int loadsBefore = f.prometheus.reloads();
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    LoadOutlastingTheTimeout slow = new LoadOutlastingTheTimeout();

    ReconcileResult result = f.builder().prometheus(slow).build().reconcile();

    // Prometheus is still loading the config the first request asked for; a second request
    // makes it load everything again (and, queued behind the first, outlasts the timeout too)
    assertEquals(1, slow.requests, "reload requests sent; outcome " + result.outcome() + ": "
        + result.message());
    assertEquals(loadsBefore + 1, f.prometheus.reloads(), "loads Prometheus made");
  }

  @Test
  void aTimedOutReloadWhilePrometheusStillReportsAnEarlierFailedLoadNeitherPinsNorRollsBack() {
    Reconciler first = f.reconciler();
    assertEquals(Outcome.RELOADED, first.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(30));
    // someone's broken rule file made a load fail; it is fixed since, nobody reloaded yet:
    // Prometheus still reports reloadConfigSuccess=false of that earlier load
    f.prometheus.rejectWhen(files -> Optional.of("someone's bad rule file"));
    try {
      f.prometheus.reload();
    } catch (ReloadRejectedException expected) {
      // runtime info now says reloadConfigSuccess=false
    }
    f.prometheus.rejectWhen(Fixture::bogus);
    f.clock.advance(Duration.ofSeconds(30));
    f.with("b");
    LoadOutlastingTheTimeout slow = new LoadOutlastingTheTimeout();

    ReconcileResult result = f.builder().prometheus(slow).build().reconcile();

    // the reload request timed out while Prometheus was still loading (it goes on to load b
    // successfully): the stale reloadConfigSuccess=false of the earlier load is no verdict on b
    assertEquals(Optional.empty(), f.store.record().rejected(),
        "b pinned as rejected; outcome " + result.outcome() + ": " + result.message());
    assertFalse(result.rolledBack(), result.message());
    assertTrue(f.hasJobsOf("b"), "b's files were replaced by the rollback");
  }

  /**
   * Nothing verified yet and Prometheus down (starting): the wait for it to become ready is not
   * a reload, so it is not timed as one.
   */
  @Test
  void theReadyWaitWithNothingVerifiedIsNotTimedAsTheReload() {
    f.prometheus.setUp(false);
    var starting = new ForwardingControl(f.prometheus) {
      @Override
      public void awaitReady(Duration timeout) {
        f.clock.advance(Duration.ofSeconds(40)); // replaying its WAL
        f.prometheus.restart();
        super.awaitReady(timeout);
      }

      @Override
      public ReloadAck reload() {
        f.clock.advance(Duration.ofMillis(700));
        return super.reload();
      }
    };

    ReconcileResult result = f.builder().prometheus(starting).build().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertEquals(Duration.ofMillis(700), result.durations().get(Phase.RELOAD),
        "the reload phase (promcc_reconcile_duration_seconds{phase=\"reload\"})");
  }

  /**
   * Nothing verified yet and Prometheus does not come up: no reload was sent, so the result has
   * no reload phase (the app counts promcc_reloads_total{result="unavailable"} for a
   * prometheus-unavailable result with one, see ReloadResult.of).
   */
  @Test
  void aPrometheusThatNeverCameUpWasNotReloadedAndTheResultSaysSo() {
    f.prometheus.setUp(false);

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome());
    assertEquals(0, f.prometheus.reloads(), "no reload was sent");
    assertFalse(result.durations().containsKey(Phase.RELOAD),
        "a reload phase although no reload was sent: " + result.durations());
  }
}
