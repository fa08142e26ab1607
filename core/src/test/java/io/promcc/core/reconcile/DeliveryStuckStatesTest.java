package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * States {@link Delivery} does not get out of, and waits it does not bound. Injected clocks, no
 * sleeping.
 */
class DeliveryStuckStatesTest {
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
    var stopDuringTheReload = new ForwardingControl(f.prometheus) {
      @Override
      public ReloadAck reload() {
        Thread.currentThread().interrupt(); // the controller is stopping
        return super.reload();
      }
    };
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
   * Prometheus rejects a config; the rollback's restore of the last verified files fails once
   * (a full disk, say). The config is pinned, and while it is pinned only certificates are
   * written: the rejected files stay on disk until the desired config changes, and a
   * Prometheus that restarts meanwhile reads them and does not come up.
   */
  @Test
  void aRollbackWhoseRestoreFailedIsRestoredByALaterReconcile() {
    var restoreFailsOnce = new ForwardingStore(f.store) {
      int restores;

      @Override
      public boolean restoreLastVerified() {
        if (++restores == 1) {
          throw new ConfigStoreException("cannot write \"prometheus.yml\": No space left on "
              + "device");
        }
        return super.restoreLastVerified();
      }
    };
    Reconciler reconciler = f.builder().store(restoreFailsOnce).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofSeconds(5));
    f.baseConfig = "global:\n  scrape_interval: 1m\nbogus: true\n";

    ReconcileResult rejected = reconciler.reconcile();
    List<String> said = new ArrayList<>();
    said.add("rejected: " + rejected.outcome() + ": " + rejected.message());
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertTrue(good.equals(f.configOnDisk()), "the rejected files stay on disk (bogus: "
        + f.configOnDisk().contains("bogus") + "); " + said);
    f.prometheus.restart();
    assertTrue(f.prometheus.isUp(), "a restarted prometheus reads the rejected files; " + said);
  }

  /**
   * Prometheus rejects a config (HTTP 500); the files are restored, but the runtime info call
   * before the restore reload gets no answer once. The config is pinned and, while pinned, no
   * reconcile asks Prometheus or reloads: the restore reload is never made, and Prometheus keeps
   * reporting the failed load. Prometheus 2.53 applies what it can of a config that parses but
   * fails to apply (docs/reliability.md: the query_log_file edit), so it keeps running part of
   * the rejected config until the desired config changes. docs/delivery.md, step 5: "The last
   * verified configuration is restored and reloaded".
   */
  @Test
  void aRestoreReloadThatFailedOnceIsMadeByALaterReconcile() {
    var busyOnceAfterTheRejection = new ForwardingControl(f.prometheus) {
      boolean refused;
      boolean busy;

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
    };
    Reconciler reconciler = f.builder().prometheus(busyOnceAfterTheRejection).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.baseConfig = "global:\n  scrape_interval: 1m\nbogus: true\n";

    ReconcileResult rejected = reconciler.reconcile();
    int reloads = f.prometheus.reloads();
    List<String> said = new ArrayList<>();
    said.add("rejected: " + rejected.outcome() + ": " + rejected.message());
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), "prometheus still reports the "
        + "failed load of the rejected config; reloads since the rollback: "
        + (f.prometheus.reloads() - reloads) + "; " + said);
  }

  /**
   * The baseline a reload must beat is read before the config is written, in HTTP mode too; a
   * load of the old files in between (someone else's reload: a rule-file reloader sidecar, a
   * curl) is newer than it. The POST of the new config outlasts the reload timeout and is
   * watched as a signal: the first runtime info shows that other load and the new config is
   * verified at once, before its own load has finished, and fails. Worse than a wrong
   * "reloaded": markVerified makes the rejected files the rollback set, so the last good files
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
    f.baseConfig = "global:\n  scrape_interval: 1m\nbogus: true\n";

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
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
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
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    Instant start = f.clock.instant();
    var flapping = new Flapping(start.plus(Duration.ofHours(1)), false);

    ReconcileResult result = f.builder().prometheus(flapping).build().reconcile();

    Duration waited = Duration.between(start, f.clock.instant());
    assertTrue(waited.compareTo(Duration.ofMinutes(3)) <= 0, "the reconcile waited " + waited
        + " (" + flapping.answers503 + " runtime info calls failed after the reload); "
        + result.outcome() + ": " + result.message());
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
