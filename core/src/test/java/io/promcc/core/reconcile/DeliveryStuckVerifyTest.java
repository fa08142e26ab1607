package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.StuckStates.verifiedThenClusterB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Waits {@link Delivery} does not bound and loads it takes for the wrong config while it
 * verifies a reload: the baseline and loads of the old files, runtime info failing while GET
 * /-/ready answers, and a Prometheus back after the verify deadline. Injected clocks, no
 * sleeping.
 */
class DeliveryStuckVerifyTest {
  private final Fixture f = new Fixture().with("a");

  /**
   * The baseline a reload must beat is read before the config is written, in HTTP mode too; a
   * load of the old files in between (someone else's reload: a rule-file reloader sidecar, a
   * curl) is newer than it. The POST of the new config outlasts the reload timeout and is
   * watched as a signal: the first runtime info shows that other load and the new config is
   * verified at once, before its own load has finished, and fails. Worse than a wrong
   * "reloaded": the Verified mark makes the rejected files the rollback set, so the last good files
   * are lost, nothing is pinned, and every later reconcile reloads the rejected config again
   * ("it loaded before, so the cause is outside promcc's files").
   */
  @Test
  void aLoadOfTheOldFilesBeforeTheConfigIsWrittenDoesNotVerifyARejectedConfig() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofMinutes(1));
    var someoneReloadsFirst = new ForwardingStore(f.store) {
      boolean done;

      @Override
      public void write(DesiredState desired, FileDiff diff) {
        if (!done && diff.writes().contains(Fixture.CONFIG)) {
          done = true;
          f.prometheus.reload(); // someone else's reload, of the files still on disk
        }
        super.write(desired, diff);
      }
    };
    var slowLoad = new ForwardingControl(f.prometheus) {
      Instant pendingLoadAt;

      int requests;

      @Override
      public ReloadAck reload() {
        if (++requests > 1) {
          return super.reload();
        }
        f.clock.advance(Duration.ofMinutes(5));
        pendingLoadAt = f.clock.instant().plusSeconds(20); // still loading the new config
        throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
            + "\"http://127.0.0.1:9090\" failed: no answer within PT5M");
      }

      @Override
      public RuntimeInfo runtimeInfo() {
        if (pendingLoadAt != null && !f.clock.instant().isBefore(pendingLoadAt)) {
          pendingLoadAt = null;
          try {
            f.prometheus.reload(); // the load the timed-out request started
          } catch (ReloadRejectedException refused) {
            // runtime info shows it
          }
        }
        return super.runtimeInfo();
      }
    };
    f.breakBaseConfig();

    ReconcileResult result = f.builder().store(someoneReloadsFirst).prometheus(slowLoad).build()
        .reconcile();
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult next = f.builder().prometheus(slowLoad).build().reconcile();

    String said = "first: " + result.outcome() + ": " + result.message() + "; a minute later: "
        + next.outcome() + ": " + next.message() + "; prometheus reports reloadConfigSuccess="
        + f.prometheus.runtimeInfo().reloadConfigSuccess() + "; verified set has bogus: "
        + f.store.verifiedFiles().get(Fixture.CONFIG).text().contains("bogus");
    assertTrue(good.equals(f.configOnDisk()), "the rejected config stays on disk; " + said);
  }

  /**
   * After a reload signal, runtime info answers 503 while {@code GET /-/ready} answers ready
   * (a Prometheus that keeps being restarted, or a Service in front of a ready and a starting
   * replica): verify() waits for ready and asks again, without ever looking at its deadline, so
   * the reconcile waits as long as that lasts (here an hour), not the verify timeout.
   */
  @Test
  void aRuntimeInfo503WhileReadyDoesNotOutlastTheVerifyTimeout() {
    f.prometheus.reloadBySignal();
    f.clock.advance(Duration.ofSeconds(2));
    verifiedThenClusterB(f);
    Instant start = f.clock.instant();
    var flapping = new Flapping(start.plus(Duration.ofHours(1)), true);

    ReconcileResult result = f.builder().prometheus(flapping).build().reconcile();

    Duration waited = Duration.between(start, f.clock.instant());
    // verify timeout (1 min) + one ready wait (1 min) + the ready waits' own time
    assertTrue(waited.compareTo(Duration.ofMinutes(3)) <= 0, "the reconcile waited " + waited
        + " (" + flapping.answers503 + " runtime info calls answered 503 after the reload); "
        + result.outcome() + ": " + result.message());
  }

  /** As above, with the runtime info connection refused (notSent) while ready answers. */
  @Test
  void aRefusedRuntimeInfoWhileReadyDoesNotOutlastTheVerifyTimeout() {
    f.prometheus.reloadBySignal();
    f.clock.advance(Duration.ofSeconds(2));
    verifiedThenClusterB(f);
    Instant start = f.clock.instant();
    var flapping = new Flapping(start.plus(Duration.ofHours(1)), false);

    ReconcileResult result = f.builder().prometheus(flapping).build().reconcile();

    Duration waited = Duration.between(start, f.clock.instant());
    assertTrue(waited.compareTo(Duration.ofMinutes(3)) <= 0, "the reconcile waited " + waited
        + " (" + flapping.answers503 + " runtime info calls failed after the reload); "
        + result.outcome() + ": " + result.message());
  }

  /**
   * A signal reload is proved by a load newer than the baseline; a load between the baseline and
   * the moment the new config is complete on disk (a restart, an earlier signal still pending)
   * read the old files, so it must not pass for this config's.
   */
  @Test
  void aLoadOfTheOldFilesBeforeTheNewConfigIsWrittenDoesNotVerifyIt() {
    f.prometheus.reloadBySignal();
    f.clock.advance(Duration.ofSeconds(2));
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    String verifiedBefore = f.store.record().verified().orElseThrow().configHash();
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    var restartedBeforeTheWrite = new ForwardingControl(f.prometheus) {
      int runtimeInfoCalls;

      @Override
      public RuntimeInfo runtimeInfo() {
        RuntimeInfo info = super.runtimeInfo();
        if (++runtimeInfoCalls == 1) {
          // the baseline is read; Prometheus restarts before the new config is on disk
          f.clock.advance(Duration.ofSeconds(2));
          f.prometheus.restart();
        }
        return info;
      }

      @Override
      public ReloadAck reload() {
        return ReloadAck.SIGNALLED; // the signal is lost: only the restart loads anything
      }
    };

    ReconcileResult result = f.builder().prometheus(restartedBeforeTheWrite)
        .verifyTimeout(Duration.ofSeconds(30)).build().reconcile();

    String said = result.outcome() + ": " + result.message();
    assertFalse(f.prometheus.loadedFiles().get(Fixture.CONFIG).text()
        .contains("guest-cluster-b-"), "the restart loaded the old config; " + said);
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome(), said);
    assertEquals(verifiedBefore, f.store.record().verified().orElseThrow().configHash(),
        "the new config is not verified; " + said);
  }

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
    verifiedThenClusterB(f);
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

  /**
   * The baseline re-read after the config write (d4c0996) was timed in the reload phase; when it
   * got no answer the reconcile ended "files written, not reloaded" with a reload phase, which
   * reads as a reload (unavailable) that was never sent.
   */
  @Test
  void aBaselineReReadWithoutAnswerIsNotCountedAsAReload() {
    verifiedThenClusterB(f);
    var reReadUnanswered = new ForwardingControl(f.prometheus) {
      int calls;

      @Override
      public RuntimeInfo runtimeInfo() {
        if (++calls == 2) {
          throw new PrometheusUnavailableException("GET /api/v1/status/runtimeinfo to "
              + "prometheus at \"http://127.0.0.1:9090\" failed: no answer within PT10S");
        }
        return super.runtimeInfo();
      }
    };
    int reloads = f.prometheus.reloads();

    ReconcileResult result = f.builder().prometheus(reReadUnanswered).build().reconcile();

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome(), result.message());
    assertEquals(reloads, f.prometheus.reloads(), "a reload was sent: " + result.message());
    assertFalse(result.durations().containsKey(Phase.RELOAD), "no reload was sent, yet the "
        + "result has a reload phase (" + result.durations() + "), counted as "
        + "promcc_reloads_total{result=\"unavailable\"}: " + result.message());
  }

  /**
   * After a reload signal, runtime info answers 503 while {@code GET /-/ready} answers ready at
   * once (a few milliseconds). verify() goes from awaitBack straight to the next runtime info
   * call without its poll pause, so it asks Prometheus (ready, then runtime info) in a tight loop
   * until the verify timeout: thousands of requests a minute, where the poll backoff (20 ms
   * doubling to 1 s) asks about 60 times. The same path serves a refused runtime info (notSent).
   */
  @Test
  void aRuntimeInfo503WhileReadyIsPolledWithBackoffNotInATightLoop() {
    f.prometheus.reloadBySignal();
    f.clock.advance(Duration.ofSeconds(2));
    verifiedThenClusterB(f);
    var busyButReady = new ForwardingControl(f.prometheus) {
      boolean reloaded;
      int failedCalls;
      int readyCalls;

      @Override
      public ReloadAck reload() {
        ReloadAck ack = super.reload();
        reloaded = true;
        return ack;
      }

      @Override
      public void awaitReady(Duration timeout) {
        readyCalls++;
        f.clock.advance(Duration.ofMillis(5)); // one GET /-/ready answered 200
        super.awaitReady(timeout);
      }

      @Override
      public RuntimeInfo runtimeInfo() {
        if (reloaded) {
          failedCalls++;
          throw new PrometheusApiException("GET /api/v1/status/runtimeinfo", 503,
              "prometheus answered status 503: Service Unavailable");
        }
        return super.runtimeInfo();
      }
    };

    ReconcileResult result = f.builder().prometheus(busyButReady).build().reconcile();

    assertTrue(busyButReady.failedCalls <= 200, busyButReady.failedCalls + " runtime info calls "
        + "and " + busyButReady.readyCalls + " ready checks within the verify timeout of 1 min "
        + "(sleeps: " + f.sleeps.size() + "); " + result.outcome() + ": " + result.message());
  }

  /**
   * After the reload, runtime info fails (503 or refused) until {@code until}; {@code GET
   * /-/ready} answers ready after 5 s each time.
   */
  private final class Flapping extends ForwardingControl {
    final Instant until;
    final boolean with503;
    boolean reloaded;
    int answers503;

    Flapping(Instant until, boolean with503) {
      super(f.prometheus);
      this.until = until;
      this.with503 = with503;
    }

    @Override
    public ReloadAck reload() {
      ReloadAck ack = super.reload();
      reloaded = true;
      return ack;
    }

    @Override
    public void awaitReady(Duration timeout) {
      f.clock.advance(Duration.ofSeconds(5));
      super.awaitReady(timeout);
    }

    @Override
    public RuntimeInfo runtimeInfo() {
      if (reloaded && f.clock.instant().isBefore(until)) {
        answers503++;
        if (with503) {
          throw new PrometheusApiException("GET /api/v1/status/runtimeinfo", 503,
              "prometheus answered status 503: Service Unavailable");
        }
        throw PrometheusUnavailableException.notSent("GET /api/v1/status/runtimeinfo to "
            + "prometheus at \"http://127.0.0.1:9090\" failed: connection refused", null);
      }
      return super.runtimeInfo();
    }
  }
}
