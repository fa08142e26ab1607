package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The reload paths of {@link Delivery}: the ready wait with nothing verified is no reload; a
 * reload without an answer is watched, never sent again; one that never reached Prometheus is
 * sent once more, and handled as the first; a rollback's restore without an answer. Injected
 * clocks, no sleeping.
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

  // A reload that never reached Prometheus (PrometheusUnavailableException.notSent(): a
  // refused or timed-out connect, or in signal mode a runtime info call before the signal that
  // failed) is sent once Prometheus is ready; waiting for the load it asked for would wait the
  // whole verify timeout for a load that cannot come.

  /** The first reload() fails before anything reaches Prometheus; Prometheus stays up. */
  private final class FirstReloadNeverSent extends ForwardingControl {
    final String why;
    int calls;

    FirstReloadNeverSent(String why) {
      super(f.prometheus);
      this.why = why;
    }

    @Override
    public ReloadAck reload() {
      if (++calls == 1) {
        throw PrometheusUnavailableException.notSent(why, null);
      }
      return super.reload();
    }
  }

  private static final String REFUSED = "POST /-/reload to prometheus at "
      + "\"http://127.0.0.1:9090\" failed: connection refused";

  @Test
  void aReloadRefusedAtConnectIsSentWhenPrometheusIsReady() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    FirstReloadNeverSent control = new FirstReloadNeverSent(REFUSED);

    ReconcileResult result = f.builder().prometheus(control).build().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertTrue(f.prometheusRunsJobsOf("b"));
  }

  @Test
  void aSignalNeverSentIsSentWhenPrometheusIsReady() {
    f.prometheus.reloadBySignal();
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    // HttpPrometheusControl.reload() in signal mode asks runtime info before the signal
    // (awaitSecondAfterLastLoad); that call timing out throws before kill -HUP runs
    FirstReloadNeverSent control = new FirstReloadNeverSent("GET /api/v1/status/runtimeinfo "
        + "to prometheus at \"http://127.0.0.1:9090\" failed: no answer within PT30S");

    ReconcileResult result = f.builder().prometheus(control).build().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertTrue(f.prometheusRunsJobsOf("b"));
  }

  @Test
  void aReloadNeverSentIsNotPinnedOnAnEarlierFailedLoad() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(30));
    f.prometheus.rejectWhen(files -> Optional.of("someone's bad rule file"));
    try {
      f.prometheus.reload();
    } catch (ReloadRejectedException expected) {
      // runtime info now says reloadConfigSuccess=false
    }
    f.prometheus.rejectWhen(Fixture::bogus); // fixed since, nobody reloaded yet
    f.clock.advance(Duration.ofSeconds(30));
    f.with("b");
    FirstReloadNeverSent control = new FirstReloadNeverSent(REFUSED);

    ReconcileResult result = f.builder().prometheus(control).build().reconcile();

    assertEquals(Optional.empty(), f.store.record().rejected(),
        "b pinned as rejected though Prometheus never got a request to load it; outcome "
            + result.outcome() + ": " + result.message());
    assertFalse(result.rolledBack(), result.message());
  }

  // The reload sent once more after one that never reached Prometheus is handled as a first reload
  // is: one that kills Prometheus (a connection reset: sent, no answer) is waited for, and a
  // Prometheus not ready again after it rolls the config back.

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

  // The restore reload of a rollback always has a failed load as its baseline (Prometheus just
  // refused the new config): a restore request that got no answer and still sees a failed load at
  // the deadline is "refused as well", so the new config is not pinned (the cause is outside
  // promcc's files, a rule file, say) and is tried again once that is fixed.

  /** The 2nd reload (the restore) is refused by Prometheus, but its answer is lost. */
  private final class RestoreAnswerLost extends ForwardingControl {
    int calls;

    RestoreAnswerLost() {
      super(f.prometheus);
    }

    @Override
    public ReloadAck reload() {
      if (++calls == 2) {
        try {
          return super.reload();
        } catch (ReloadRejectedException refused) {
          throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
              + "\"http://127.0.0.1:9090\" failed: no answer within PT2M");
        }
      }
      return super.reload();
    }
  }

  @Test
  void aRestoreRefusedWithoutAnAnswerDoesNotPinTheNewConfigForEver() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    // someone's rule file breaks: every load fails, whatever promcc writes
    f.prometheus.rejectWhen(files -> Optional.of("someone's bad rule file"));
    f.with("b");

    ReconcileResult rejected = f.builder().prometheus(new RestoreAnswerLost()).build()
        .reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());

    f.prometheus.rejectWhen(Fixture::bogus); // the rule file is fixed
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult after = f.reconciler().reconcile();

    assertEquals(Outcome.RELOADED, after.outcome(), "b stays pinned after the rule file was "
        + "fixed; the rollback said: " + rejected.message() + "; now: " + after.message());
    assertTrue(f.prometheusRunsJobsOf("b"));
  }

  // A reload request that got no answer (a big config that outlasts the reload timeout) is watched
  // as for a signal until the verify timeout, and a runtime info call that times out right after a
  // big load is asked again (docs/delivery.md, step 4): one such call does not end the reconcile,
  // which would have the next one send the reload a second time, a second full load.

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
