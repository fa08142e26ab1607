package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.StuckStates.verifiedThenClusterB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * States {@link Delivery} does not get out of while Prometheus is down or not ready: a stop
 * during the reload of a config Prometheus dies on, a signal reload that kills it, a reload that
 * never reached it, and the next start's view of a Prometheus restarting or crash-looping on
 * files no one verified. verify()'s own waits are in {@link DeliveryStuckVerifyTest}. Injected
 * clocks, no sleeping.
 */
class DeliveryStuckPrometheusDownTest {
  private final Fixture f = new Fixture().with("a");

  /**
   * The controller's stop interrupts the reload of a config Prometheus dies loading (it
   * crash-loops on the files on disk). docs/delivery.md, step 5: "the controller's stop
   * interrupts the reload: the files stay, nothing is restored, and the next start reloads and
   * verifies them". The next start cannot reach Prometheus, takes that for "the config change
   * waits for prometheus" (a verified config exists), and never restores the verified files:
   * Prometheus stays down for good on files no one verified.
   */
  @Test
  void theNextStartRestoresTheVerifiedFilesAfterAStopDuringTheReloadOfAConfigPrometheusDiesOn() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.crashWhen(files -> files.get(Fixture.CONFIG).text()
        .contains("guest-cluster-b-"));
    f.with("b");
    var stopDuringTheReload = new StopsDuringTheReload();
    ReconcileResult stopped;
    try {
      stopped = f.builder().prometheus(stopDuringTheReload).build().reconcile();
    } finally {
      Thread.interrupted(); // the process ends; the next start has a fresh thread
    }

    Reconciler nextStart = f.reconciler();
    List<String> said = new ArrayList<>();
    said.add("stopped: " + stopped.outcome() + ": " + stopped.message());
    for (int i = 0; i < 5; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult result = nextStart.reconcile();
      said.add(result.outcome() + ": " + result.message());
    }

    assertTrue(f.prometheus.isUp(), "prometheus crash-loops on the unverified files for good; "
        + said);
    assertTrue(good.equals(f.configOnDisk()), "the config on disk is not the last verified one "
        + "(has b's jobs: " + f.hasJobsOf("b") + "); " + said);
  }

  /**
   * A signal reload whose load kills Prometheus (it crash-loops on the new files) is a config
   * Prometheus did not come up with, as an HTTP reload that kills it is: the last verified files
   * are restored and the config is pinned (prometheus-not-ready). verify() takes the refused
   * connections of a dead Prometheus for a busy one until the verify timeout and reports it
   * unavailable: no rollback, and every later reconcile "waits for prometheus".
   */
  @Test
  void aSignalReloadThatKillsPrometheusIsRolledBackAsAnHttpOneIs() {
    f.prometheus.reloadBySignal();
    f.clock.advance(Duration.ofSeconds(2));
    Reconciler reconciler = f.reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.crashWhen(files -> files.get(Fixture.CONFIG).text()
        .contains("guest-cluster-b-"));
    f.with("b");

    ReconcileResult result = reconciler.reconcile();
    ReconcileResult next = reconciler.reconcile();

    String said = "first: " + result.outcome() + ": " + result.message() + "; next: "
        + next.outcome() + ": " + next.message();
    assertTrue(f.prometheus.isUp(), "prometheus crash-loops on the signalled config; " + said);
    assertEquals(good, f.configOnDisk(), said);
    assertEquals(RejectedConfig.NOT_READY, f.store.record().rejected().orElseThrow().reason(),
        said);
  }

  /**
   * A reload refused at connect never reached Prometheus; Prometheus stays down past the ready
   * timeout (stopped for a reason of its own; it never read the new files). The new config was
   * never judged, yet it is pinned prometheus-not-ready and never tried again when Prometheus
   * comes back, until the desired config changes.
   */
  @Test
  void aReloadThatNeverReachedAPrometheusDownForGoodPinsNothing() {
    verifiedThenClusterB(f);
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

  /**
   * An unverified config is on disk (a reload request got no answer and no load was seen).
   * At the next reconcile the first runtime info is refused (Prometheus restarting), GET
   * /-/ready then answers ready at once, and the runtime info after it gets no answer in time
   * (busy after the start). The reconcile reports that Prometheus "was not ready within PT1M"
   * and restores the files "for its next start", though it answered ready.
   */
  @Test
  void aReadyPrometheusWhoseRuntimeInfoTimesOutIsNotReportedNotReady() {
    verifiedThenClusterB(f);
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

  /**
   * As this class's first test (the controller's stop interrupts the reload of a config
   * Prometheus dies on), but the crash-looping Prometheus answers "not ready" (503, its
   * WAL replay before the config load outlasts the ready timeout) instead of refusing the
   * connection when the next start asks. The start path restores the unverified files only
   * after a refused connection (notSent); a 503 that is not ready within the ready timeout is
   * taken for "the config change waits", so the verified files are never restored, though
   * verify() takes the same observation after a reload (503, not ready within the ready
   * timeout) for a config Prometheus did not come up with.
   */
  @Test
  void theNextStartRestoresTheVerifiedFilesWhenTheCrashLoopingPrometheusAnswersNotReady() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.crashWhen(files -> files.get(Fixture.CONFIG).text()
        .contains("guest-cluster-b-"));
    f.with("b");
    var stopDuringTheReload = new StopsDuringTheReload();
    ReconcileResult stopped;
    try {
      stopped = f.builder().prometheus(stopDuringTheReload).build().reconcile();
    } finally {
      Thread.interrupted(); // the process ends; the next start has a fresh thread
    }
    assertTrue(f.hasJobsOf("b"), stopped.message());

    // the container restarts on the files on disk, replays its WAL (503) and dies loading them
    var replayingThenDying = new ForwardingControl(f.prometheus) {
      boolean crashLooping() {
        return f.hasJobsOf("b");
      }

      @Override
      public void awaitReady(Duration timeout) {
        if (crashLooping()) {
          f.clock.advance(timeout);
          throw new PrometheusUnavailableException("prometheus at \"http://127.0.0.1:9090\" "
              + "not ready after " + timeout + "; last answer: status 503: Service "
              + "Unavailable");
        }
        super.awaitReady(timeout);
      }

      @Override
      public RuntimeInfo runtimeInfo() {
        if (crashLooping()) {
          throw new PrometheusApiException("GET /api/v1/status/runtimeinfo", 503,
              "prometheus answered status 503: Service Unavailable");
        }
        return super.runtimeInfo();
      }

      @Override
      public ReloadAck reload() {
        if (crashLooping()) {
          throw new PrometheusApiException("POST /-/reload", 503,
              "prometheus answered the reload with status 503: Service Unavailable");
        }
        return super.reload();
      }
    };
    Reconciler nextStart = f.builder().prometheus(replayingThenDying).build();
    List<String> said = new ArrayList<>();
    said.add("stopped: " + stopped.outcome() + ": " + stopped.message());
    for (int i = 0; i < 5; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult result = nextStart.reconcile();
      said.add(result.outcome() + ": " + result.message());
    }

    assertTrue(good.equals(f.configOnDisk()), "the config on disk is not the last verified one "
        + "(has b's jobs: " + f.hasJobsOf("b") + "); prometheus crash-loops on it; " + said);
  }

  /**
   * As aReadyPrometheusWhoseRuntimeInfoTimesOutIsNotReportedNotReady above,
   * but the first runtime info answers 503 (starting) instead of being refused: readyRuntimeInfo
   * sets waitedForReady, GET /-/ready answers ready, and the runtime info after it gets no
   * answer. notReadyInTime counts any PrometheusUnavailableException after a ready wait as "not
   * ready for the whole ready timeout", so the reconcile says prometheus "did not come up" and
   * restores the verified files, though it answered ready (the refused variant reports
   * "prometheus is ready, but ..." and keeps the files).
   */
  @Test
  void aReadyPrometheusWhoseRuntimeInfoTimesOutAfterA503IsNotReportedAsNotComingUp() {
    verifiedThenClusterB(f);
    var noAnswer = new ForwardingControl(f.prometheus) {
      @Override
      public ReloadAck reload() {
        throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
            + "\"http://127.0.0.1:9090\" failed: no answer within PT5M");
      }
    };
    ReconcileResult unverified = f.builder().prometheus(noAnswer).build().reconcile();
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, unverified.outcome(), unverified.message());
    assertTrue(f.hasJobsOf("b"), "the new files stay: " + unverified.message());

    f.clock.advance(Duration.ofMinutes(1));
    var starting = new ForwardingControl(f.prometheus) {
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
          throw new PrometheusApiException("GET /api/v1/status/runtimeinfo", 503,
              "prometheus answered status 503: Service Unavailable");
        }
        if (calls == 2) {
          throw new PrometheusUnavailableException("GET /api/v1/status/runtimeinfo to "
              + "prometheus at \"http://127.0.0.1:9090\" failed: no answer within PT10S");
        }
        return super.runtimeInfo();
      }
    };
    ReconcileResult result = f.builder().prometheus(starting).build().reconcile();

    String said = result.outcome() + ": " + result.message() + " (ready waits: "
        + starting.readyWaits + ", all answered ready)";
    assertFalse(result.message().contains("did not come up"), "prometheus answered ready, yet "
        + "the message says it did not come up: " + said);
    assertTrue(f.hasJobsOf("b"), "files restored for a prometheus that answered ready: " + said);
  }

  /** The controller stops (its thread is interrupted) as the reload is sent. */
  private final class StopsDuringTheReload extends ForwardingControl {
    StopsDuringTheReload() {
      super(f.prometheus);
    }

    @Override
    public ReloadAck reload() {
      Thread.currentThread().interrupt(); // the controller is stopping
      return super.reload();
    }
  }
}
