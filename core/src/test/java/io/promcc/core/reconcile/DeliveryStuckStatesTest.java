package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * States {@link Delivery} does not get out of, and waits it does not bound. Injected clocks, no
 * sleeping.
 */
class DeliveryStuckStatesTest {
  private final Fixture f = new Fixture().with("a");

  /** A config with cluster a verified; a minute later cluster b is desired. */
  private void verifiedThenClusterB() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
  }

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
   * Prometheus rejects a config; the rollback's restore of the last verified files fails once
   * (a full disk, say). The config is pinned, and while it is pinned only certificates are
   * written: the rejected files stay on disk until the desired config changes, and a
   * Prometheus that restarts meanwhile reads them and does not come up.
   */
  @Test
  void aRollbackWhoseRestoreFailedIsRestoredByALaterReconcile() {
    var restoreFailsOnce = new FullDiskOnRestore(f.store, true);
    Reconciler reconciler = f.builder().store(restoreFailsOnce).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();

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
   * A rollback whose restore failed is finished by a later reconcile under the pin, which
   * reloads the last verified config only: that is no reload of the desired config, which
   * {@code promcc_reloads_total} counts, so it is not counted as a second rejected reload.
   */
  @Test
  void aRollbackFinishedUnderThePinIsNoReloadOfTheDesiredConfig() {
    var restoreFailsOnce = new FullDiskOnRestore(f.store, true);
    Reconciler reconciler = f.builder().store(restoreFailsOnce).build();
    ReconcileResult first = reconciler.reconcile();
    assertEquals(Outcome.RELOADED, first.outcome());
    assertTrue(first.desiredReloadAsked());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();

    ReconcileResult rejected = reconciler.reconcile();
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult finished = reconciler.reconcile();

    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
    assertTrue(rejected.desiredReloadAsked(), rejected.message());
    assertFalse(rejected.rolledBack(), rejected.message());
    assertEquals(Outcome.REJECTED, finished.outcome(), finished.message());
    assertTrue(finished.rolledBack(), finished.message());
    assertTrue(finished.durations().containsKey(Phase.RELOAD), finished.message());
    assertFalse(finished.desiredReloadAsked(), "the reload of the verified config under the "
        + "pin counts as one of the desired config: " + finished.message());
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult pinned = reconciler.reconcile();
    assertFalse(pinned.desiredReloadAsked(), pinned.message());
    assertFalse(pinned.durations().containsKey(Phase.RELOAD), pinned.message());
  }

  /**
   * A config pinned in a run with a Prometheus to verify against, then a run that only writes
   * files (no Prometheus given) over the same folder: nothing there can judge or unpin the
   * config, so the pin held the desired config back for good. Without a Prometheus the desired
   * files are written, as always in that mode, and the pin is dropped.
   */
  @Test
  void aPinFromARunWithPrometheusDoesNotHoldBackARunWithoutOne() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    assertEquals(Outcome.REJECTED, f.reconciler().reconcile().outcome());
    assertTrue(f.store.record().rejected().isPresent());

    ReconcileResult filesOnly = f.builder().prometheus(Optional.empty()).build().reconcile();

    assertEquals(Outcome.WRITTEN, filesOnly.outcome(), filesOnly.message());
    assertTrue(f.configOnDisk().contains("bogus"), filesOnly.message());
    assertTrue(filesOnly.configInSync(), filesOnly.message());
    assertFalse(f.store.record().rejected().isPresent(), "the pin stays");
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
    var busyOnceAfterTheRejection = new BusyOnceAfterTheRejection();
    Reconciler reconciler = f.builder().prometheus(busyOnceAfterTheRejection).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();

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
    verifiedThenClusterB();
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
    verifiedThenClusterB();
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
    verifiedThenClusterB();
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

  // verify()'s wait for a Prometheus that went away

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
    verifiedThenClusterB();
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

  // the start path: Prometheus down with a config on disk it never verified

  /**
   * An unverified config is on disk (a reload request got no answer and no load was seen).
   * At the next reconcile the first runtime info is refused (Prometheus restarting), GET
   * /-/ready then answers ready at once, and the runtime info after it gets no answer in time
   * (busy after the start). The reconcile reports that Prometheus "was not ready within PT1M"
   * and restores the files "for its next start", though it answered ready.
   */
  @Test
  void aReadyPrometheusWhoseRuntimeInfoTimesOutIsNotReportedNotReady() {
    verifiedThenClusterB();
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

  // reconciles under the pin

  /**
   * A config is rejected, pinned and rolled back. Later a file outside promcc's (a rule file)
   * breaks, and someone else's reload fails on it: Prometheus reports reloadConfigSuccess=false.
   * Before 9c34d3e a reconcile under the pin asked nothing and reloaded nothing. Now the
   * under-pin check takes the failed load for an unfinished rollback, reloads the verified
   * config, which is refused too (the rule file), and clears the pin; the next reconcile writes
   * the rejected config over the good files again and reloads it; and so on at every reconcile.
   */
  @Test
  void aFailedLoadOutsidePromccsFilesDoesNotUnpinAndRewriteTheRejectedConfig() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    Reconciler reconciler = f.reconciler();
    ReconcileResult rejected = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
    assertTrue(f.store.record().rejected().isPresent());
    assertEquals(good, f.configOnDisk());
    String pinned = f.store.record().rejected().orElseThrow().configHash();

    // a rule file breaks; a sidecar's reload fails on it
    f.prometheus.rejectWhen(files -> Optional.of("loading groups failed: rules.yml: yaml: "
        + "line 3: mapping values are not allowed in this context"));
    try {
      f.prometheus.reload();
    } catch (ReloadRejectedException expected) {
      // prometheus keeps running what it loaded last and reports the failed load
    }
    int reloads = f.prometheus.reloads();
    int configWrites = (int) f.store.writes().stream().filter(Fixture.CONFIG::equals).count();
    List<String> said = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
          + later.message());
    }
    int rewrites = (int) f.store.writes().stream().filter(Fixture.CONFIG::equals).count()
        - configWrites;

    assertEquals(Optional.of(pinned), f.store.record().rejected().map(r -> r.configHash()),
        "the pin of the rejected config was cleared by a failure outside promcc's files; "
            + "reloads in 3 reconciles: " + (f.prometheus.reloads() - reloads) + "; writes of "
            + Fixture.CONFIG + ": " + rewrites + "; " + said);
    assertTrue(rewrites <= 1, "the rejected config was written over the verified files "
        + rewrites + " times under the pin; " + said);
  }

  /**
   * A rollback's restore fails part-way (the real store renames file by file and deletes stale
   * config files last: a full disk or an I/O error after the main config was put back leaves the
   * rejected config's other files). docs/delivery.md: "if restoring the files failed (a full
   * disk), the rejected files still on disk are replaced then". The under-pin check only looks
   * for the pinned config hash or the verified one on disk; a mix of both is neither, so the
   * rejected files stay on disk for as long as the pin holds (per-cluster output: the new
   * cluster's scrape config file of the rejected config stays, read by the glob at a restart).
   */
  @Test
  void aRollbackWhoseRestoreFailedPartWayIsFinishedByALaterReconcile() {
    var restoreFailsPartWayOnce = new ForwardingStore(f.store) {
      DesiredState lastWritten;
      int restores;

      @Override
      public void write(DesiredState desired, FileDiff diff) {
        lastWritten = desired;
        super.write(desired, diff);
      }

      @Override
      public boolean restoreLastVerified() {
        boolean restored = super.restoreLastVerified();
        if (++restores == 1) {
          // the stale config files of the rejected config were not deleted
          List<String> stale = lastWritten.files().entrySet().stream()
              .filter(e -> e.getValue().kind().isConfig())
              .filter(e -> !f.store.readOwned().containsKey(e.getKey()))
              .map(e -> e.getKey()).toList();
          super.write(lastWritten, new FileDiff(stale, List.of(), true));
          throw new ConfigStoreException("cannot delete " + stale + ": Input/output error");
        }
        return restored;
      }
    };
    Reconciler reconciler = f.builder().store(restoreFailsPartWayOnce)
        .settings(io.promcc.core.model.ControllerSettings.builder()
            .outputMode(io.promcc.core.model.OutputMode.PER_CLUSTER_FILES).build())
        .build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    var verifiedConfigFiles = configPaths(f.store.readOwned());
    f.clock.advance(Duration.ofSeconds(5));
    f.with("b");
    f.breakBaseConfig();

    ReconcileResult rejected = reconciler.reconcile();
    var afterTheFailedRestore = configPaths(f.store.readOwned());
    List<String> said = new ArrayList<>();
    said.add("rejected: " + rejected.outcome() + ": " + rejected.message());
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertEquals(verifiedConfigFiles, configPaths(f.store.readOwned()), "config files of the "
        + "rejected config stay on disk under the pin (after the failed restore: "
        + afterTheFailedRestore + "); " + said);
  }

  private static java.util.SortedSet<String> configPaths(
      java.util.SortedMap<String, io.promcc.core.model.DesiredFile> files) {
    java.util.SortedSet<String> paths = new java.util.TreeSet<>();
    files.forEach((path, file) -> {
      if (file.kind().isConfig()) {
        paths.add(path);
      }
    });
    return paths;
  }

  /**
   * A rule file (outside promcc's files) is broken when a new cluster b arrives: Prometheus
   * refuses the new config X for the rule file, and would refuse the verified one V too. If the
   * rollback's reload of V is judged at once, V's refusal unpins X (restoreAndReload with
   * rollingBack=true: "a pin would hold the new config back after that file is fixed"). Here the
   * runtime info before the rollback's reload gets no answer once (Prometheus busy), so X stays
   * pinned with "reloading them failed"; the next reconcile under the pin sees the failed load,
   * reloads V, which is refused for the same rule file, and keeps the pin (rollingBack=false:
   * "the verified config loaded when the pinned one was refused" -- it never did). Once the rule
   * file is fixed, V loads and X, refused only for the rule file, stays pinned until the desired
   * config changes for another reason: cluster b is never scraped.
   */
  @Test
  void aConfigRefusedOnlyForABrokenRuleFileIsNotKeptPinnedAfterTheFixBecauseOneAnswerWasSlow() {
    f.rejectBogusOrBrokenRuleFile();
    var busyOnceAfterTheRejection = new BusyOnceAfterTheRejection();
    Reconciler reconciler = f.builder().prometheus(busyOnceAfterTheRejection).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));

    f.ruleFileBroken = true;
    f.with("b");
    List<String> said = new ArrayList<>();
    ReconcileResult first = reconciler.reconcile();
    said.add(first.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
        + first.message());
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult second = reconciler.reconcile();
    said.add(second.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
        + second.message());

    f.ruleFileBroken = false; // the rule file is fixed
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
          + later.message());
    }

    assertTrue(f.prometheusRunsJobsOf("b"), "the config refused only for the broken rule file "
        + "stays pinned after the fix; b is not scraped; " + said);
  }

  /**
   * Under the pin, the main config file is gone from disk (removed by hand, say, while
   * debugging the rejection). docs/delivery.md, step 5: a reconcile under the pin replaces "the
   * configuration files on disk that are not the verified ones". certificatesUnderPin returns at
   * once when the main config is missing, before that check: nothing is restored while the pin
   * holds, and a Prometheus that restarts finds no config file. Without the pin the next
   * reconcile would write it again.
   */
  @Test
  void aMainConfigRemovedUnderThePinIsRestored() {
    Reconciler reconciler = f.reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    ReconcileResult rejected = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
    assertEquals(good, f.configOnDisk());

    var owned = f.store.readOwned();
    f.store.write(new io.promcc.core.model.DesiredState(owned, Fixture.CONFIG, List.of(),
        List.of()), new io.promcc.core.plan.FileDiff(List.of(), List.of(Fixture.CONFIG), true));
    List<String> said = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertTrue(f.store.readOwned().containsKey(Fixture.CONFIG), "the main config stays missing "
        + "under the pin; " + said);
  }

  /**
   * The baseline re-read after the config write (d4c0996) was timed in the reload phase; when it
   * got no answer the reconcile ended "files written, not reloaded" with a reload phase, which
   * reads as a reload (unavailable) that was never sent.
   */
  @Test
  void aBaselineReReadWithoutAnswerIsNotCountedAsAReload() {
    verifiedThenClusterB();
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
   * A config X is refused for its own fault ("bogus") and pinned; the runtime info before the
   * rollback's reload gets no answer once, so {@code unconfirmedRollback} remembers X. Then
   * Prometheus restarts (its Pod moved) and loads the verified files: a reconcile under the pin
   * asks runtime info and sees {@code reloadConfigSuccess=true} with the verified config on
   * disk, which is what the field says nothing showed, but the field stays. Weeks later a rule
   * file breaks and a sidecar's reload fails on it: the next reconcile under the pin reloads the
   * verified config, which is refused for the rule file, and since the stale field still names X,
   * X is unpinned; every later reconcile writes the rejected X over the good files again (the
   * harm 62e2a40 fixed for a rollback that had finished).
   */
  @Test
  void aPinIsKeptForAnOutsideFailureOncePrometheusWasSeenRunningTheVerifiedConfig() {
    var busyOnceAfterTheRejection = new BusyOnceAfterTheRejection();
    Reconciler reconciler = f.builder().prometheus(busyOnceAfterTheRejection).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    ReconcileResult rejected = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
    assertEquals(good, f.configOnDisk(), rejected.message());
    String pinned = f.store.record().rejected().orElseThrow().configHash();

    // Prometheus restarts and loads the verified files; a reconcile under the pin sees that
    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.restart();
    ReconcileResult seen = reconciler.reconcile();
    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), seen.message());
    List<String> said = new ArrayList<>();
    said.add("rejected: " + rejected.message());
    said.add("after the restart: " + seen.outcome() + ": " + seen.message());

    // later a rule file breaks; a sidecar's reload fails on it
    f.clock.advance(Duration.ofMinutes(10));
    f.prometheus.rejectWhen(files -> Optional.of("loading groups failed: rules.yml: yaml: "
        + "line 3: mapping values are not allowed in this context"));
    try {
      f.prometheus.reload();
    } catch (ReloadRejectedException expected) {
      // prometheus keeps running what it loaded last and reports the failed load
    }
    int configWrites = (int) f.store.writes().stream().filter(Fixture.CONFIG::equals).count();
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
          + later.message());
    }
    int rewrites = (int) f.store.writes().stream().filter(Fixture.CONFIG::equals).count()
        - configWrites;

    assertEquals(Optional.of(pinned), f.store.record().rejected().map(r -> r.configHash()),
        "the pin of a config refused for its own fault was cleared by a failure outside "
            + "promcc's files, though prometheus was seen running the verified config after "
            + "the refusal; writes of " + Fixture.CONFIG + " in 3 reconciles: " + rewrites
            + "; " + said);
  }

  /**
   * As DeliveryStuckStatesTest's first test (the controller's stop interrupts the reload of a
   * config Prometheus dies on), but the crash-looping Prometheus answers "not ready" (503, its
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
    verifiedThenClusterB();
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
   * As DeliveryStuckStatesTest.aReadyPrometheusWhoseRuntimeInfoTimesOutIsNotReportedNotReady,
   * but the first runtime info answers 503 (starting) instead of being refused: readyRuntimeInfo
   * sets waitedForReady, GET /-/ready answers ready, and the runtime info after it gets no
   * answer. notReadyInTime counts any PrometheusUnavailableException after a ready wait as "not
   * ready for the whole ready timeout", so the reconcile says prometheus "did not come up" and
   * restores the verified files, though it answered ready (the refused variant reports
   * "prometheus is ready, but ..." and keeps the files).
   */
  @Test
  void aReadyPrometheusWhoseRuntimeInfoTimesOutAfterA503IsNotReportedAsNotComingUp() {
    verifiedThenClusterB();
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

  /**
   * The reload request of a new config gets no answer (reload timeout), Prometheus then does
   * not answer GET /-/ready within the ready timeout (overloaded by the big load), so the config
   * is pinned (prometheus-not-ready) and the verified files are restored; the restore's runtime
   * info gets no answer, so the rollback's reload is never made. The load of the pinned config
   * did finish, successfully. Under the pin, failedLoad() sees reloadConfigSuccess=true and
   * takes it for a confirmed rollback: Prometheus keeps running the pinned config, which the
   * store says is not verified, while the verified one is on disk, until the desired config
   * changes or Prometheus restarts. docs/delivery.md step 5: "The last verified configuration
   * is restored and reloaded"; "A rollback that did not finish is finished by a later reconcile
   * under the pin".
   */
  @Test
  void aPinnedNotReadyConfigThatLoadedAfterAllIsNotLeftRunningUnderThePin() {
    verifiedThenClusterB();
    var overloaded = new LoadsThenOverloaded(f);
    Reconciler reconciler = f.builder().prometheus(overloaded).build();
    ReconcileResult rejected = reconciler.reconcile();
    List<String> said = new ArrayList<>();
    said.add("first: " + rejected.outcome() + ": " + rejected.message());
    assertTrue(f.store.record().rejected().isPresent(), "pinned: " + said);
    assertFalse(f.hasJobsOf("b"), "verified files restored: " + said);

    overloaded.busy = false; // the load is over; prometheus answers again
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertFalse(f.prometheusRunsJobsOf("b"), "prometheus keeps running the pinned config "
        + "(disk: verified one, store: pinned " + f.store.record().rejected().get().reason()
        + "); reloads: " + f.prometheus.reloads() + "; " + said);
  }

  /**
   * The rollback's reload of the verified config succeeds (HTTP 200), but recording that
   * verification fails once (the manifest journal's disk is full). The generic catch in
   * restoreAndReload takes the store's error for a failed reload: the result says "reloading
   * them failed: <store error>" and not rolled back, and unconfirmedRollback is set for a
   * rollback Prometheus confirmed.
   */
  @Test
  void aFailureToRecordTheRollbacksVerificationIsNotReportedAsAFailedReload() {
    var recordFailsOnce = new FullDiskOnRecord(f.store);
    Reconciler reconciler = f.builder().store(recordFailsOnce).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    recordFailsOnce.failNextRecord();

    ReconcileResult rejected = reconciler.reconcile();
    String said = rejected.outcome() + ": " + rejected.message() + " (rolledBack "
        + rejected.rolledBack() + "; prometheus reloaded the verified config: "
        + f.prometheus.runtimeInfo().reloadConfigSuccess() + ")";

    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), said);
    assertFalse(rejected.message().contains("reloading them failed"), "the reload succeeded; "
        + "the store failed: " + said);
  }

  @Test
  void aStoreFailureInTheFailedRollbackReloadDoesNotLeaveThePinnedConfigRunning() {
    var recordFailsOnce = new FullDiskOnRecord(f.store);
    verifiedThenClusterB();
    var overloaded = new LoadsThenOverloaded(f);
    Reconciler reconciler = f.builder().store(recordFailsOnce).prometheus(overloaded).build();
    recordFailsOnce.failNextRecord();
    ReconcileResult rejected = reconciler.reconcile();
    List<String> said = new ArrayList<>();
    said.add("first: " + rejected.outcome() + ": " + rejected.message());
    assertTrue(f.store.record().rejected().isPresent(), "pinned: " + said);
    assertFalse(f.hasJobsOf("b"), "verified files restored: " + said);
    assertFalse(recordFailsOnce.failurePending(), "the store failure happened: " + said);

    overloaded.busy = false; // the load is over; prometheus answers again
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertFalse(f.prometheusRunsJobsOf("b"), "prometheus keeps running the pinned config "
        + "(disk: verified one, store: pinned " + f.store.record().rejected().get().reason()
        + "); reloads: " + f.prometheus.reloads() + "; " + said);
  }

  /** Runtime info gets no answer once, right after the first rejected reload. */
  private final class BusyOnceAfterTheRejection extends ForwardingControl {
    boolean refused;
    boolean busy;

    BusyOnceAfterTheRejection() {
      super(f.prometheus);
    }

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
