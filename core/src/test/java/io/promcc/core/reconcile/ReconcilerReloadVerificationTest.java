package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How the reconciler tells that a reload took: Prometheus' own clock, reloads by signal and by
 * HTTP, the runtime info read before and after, a Prometheus too busy or too silent to answer, a
 * reload interrupted by a stop, and the time each phase took. Injected clocks, no sleeping.
 */
class ReconcilerReloadVerificationTest {
  private final Fixture f = new Fixture().with("a");

  @Test
  void aPrometheusClockTenSecondsAheadStillGetsAChangedConfigReloaded() {
    f.prometheusSkew = Duration.ofSeconds(10);
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.with("b");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome());
    assertEquals(2, f.prometheus.reloads());
    assertTrue(f.prometheusRunsJobsOf("b"));
  }

  @Test
  void aPrometheusClockBehindDoesNotMakeAGoodConfigLookRejected() {
    f.prometheusSkew = Duration.ofMillis(-900);
    Reconciler reconciler = f.reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.with("b");
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.prometheusSkew = Duration.ofHours(-1);
    f.with("c");
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    assertEquals(List.of(), f.sleeps, "no wait for any clock");
  }

  @Test
  void aSignalReloadCountsOnceRuntimeInfoShowsANewerLoad() {
    f.prometheus.reloadBySignal();
    Reconciler reconciler = f.reconciler();
    f.clock.advance(Duration.ofSeconds(2));

    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());

    f.clock.advance(Duration.ofSeconds(2));
    f.breakBaseConfig();
    ReconcileResult rejected = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
  }

  @Test
  void asksForTheBaselineWhileTheFilesAreWritten() throws Exception {
    CountDownLatch baselineAsked = new CountDownLatch(1);
    AtomicBoolean writeSawBaseline = new AtomicBoolean();
    var prometheus = new ForwardingControl(f.prometheus) {
      @Override
      public RuntimeInfo runtimeInfo() {
        baselineAsked.countDown();
        return super.runtimeInfo();
      }
    };
    ConfigStore slowStore = new ForwardingStore(f.store) {
      @Override
      public void write(DesiredState desired, FileDiff diff) {
        try {
          writeSawBaseline.set(baselineAsked.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        super.write(desired, diff);
      }
    };
    var pool = Executors.newSingleThreadExecutor();
    try {
      ReconcileResult result = f.builder().store(slowStore).prometheus(prometheus)
          .backgroundExecutor(pool).build().reconcile();
      assertEquals(Outcome.RELOADED, result.outcome(), result.message());
      assertTrue(writeSawBaseline.get(), "the write waited until the baseline was asked");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPrometheusTooBusyToAnswerRightAfterTheReloadSignalIsAskedAgain() {
    f.prometheus.reloadBySignal();
    f.clock.advance(Duration.ofSeconds(2));
    var busy = new ForwardingControl(f.prometheus) {
      int callsAfterTheReload = -1;

      @Override
      public ReloadAck reload() {
        callsAfterTheReload = 0;
        return super.reload();
      }

      @Override
      public RuntimeInfo runtimeInfo() {
        if (callsAfterTheReload >= 0 && ++callsAfterTheReload == 1) {
          throw new PrometheusUnavailableException("no answer within 10s");
        }
        return super.runtimeInfo();
      }
    };

    ReconcileResult result = f.builder().prometheus(busy).build().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertEquals(List.of(Duration.ofMillis(20)), f.sleeps);
  }

  @Test
  void aPrometheusThatNeverAnswersAfterTheReloadSignalIsUnavailableAtTheVerifyTimeout() {
    f.prometheus.reloadBySignal();
    f.clock.advance(Duration.ofSeconds(2));
    var silent = new ForwardingControl(f.prometheus) {
      boolean reloaded;

      @Override
      public ReloadAck reload() {
        reloaded = true;
        return super.reload();
      }

      @Override
      public RuntimeInfo runtimeInfo() {
        if (reloaded) {
          throw new PrometheusUnavailableException("no answer within 10s");
        }
        return super.runtimeInfo();
      }
    };

    ReconcileResult result = f.builder().prometheus(silent).build().reconcile();

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome());
    assertFalse(result.rolledBack());
    assertTrue(f.hasJobsOf("a"), "the files stay; nothing was rejected");
    Duration waited = f.sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    assertTrue(waited.compareTo(Duration.ofMinutes(1)) >= 0
        && waited.compareTo(Duration.ofMinutes(1).plusSeconds(2)) <= 0, waited.toString());
  }

  @Test
  void reportsWhatItDidAndHowLongEachPhaseTook() {
    AtomicInteger calls = new AtomicInteger();
    var slow = new ForwardingControl(f.prometheus) {
      @Override
      public io.promcc.core.port.ReloadAck reload() {
        f.clock.advance(Duration.ofMillis(700));
        return super.reload();
      }

      @Override
      public RuntimeInfo runtimeInfo() {
        calls.incrementAndGet();
        f.clock.advance(Duration.ofMillis(30));
        return super.runtimeInfo();
      }
    };

    ReconcileResult result = f.builder().prometheus(slow).build().reconcile();

    assertEquals(Duration.ofMillis(700), result.durations().get(Phase.RELOAD));
    assertEquals(Duration.ofMillis(60), result.durations().get(Phase.VERIFY),
        "the baseline (what of it the write does not overlap: here all, the executor runs it "
            + "at once) and its second read once the config is written; the 200 is the verdict");
    assertEquals(List.of(Phase.OBSERVE, Phase.PLAN, Phase.DIFF, Phase.VALIDATE, Phase.WRITE,
        Phase.RELOAD, Phase.VERIFY), List.copyOf(result.durations().keySet()),
        "the diff is timed as a phase of its own");
    assertEquals(Duration.ofMillis(760), result.duration(), "every wait is in a phase");
    assertEquals(2, calls.get(), "the baseline and its second read, nothing else");
  }

  @Test
  void anHttpReloadAnsweredWithSuccessIsNotCheckedAgainstRuntimeInfo() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    RuntimeInfo before = f.prometheus.runtimeInfo();
    f.clock.advance(Duration.ofSeconds(30));
    f.with("b");
    int calls = f.prometheus.runtimeInfoCalls();

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertEquals(calls + 2, f.prometheus.runtimeInfoCalls(),
        "the baseline, read again once the config is written; nothing after the 200");
    assertEquals(before.lastConfigTime(), f.store.record().verified().orElseThrow().loadedAt(),
        "the baseline's lastConfigTime, read before the reload, bounds the load");
    assertTrue(f.prometheusRunsJobsOf("b"));
    assertEquals(Outcome.UNCHANGED, reconciler.reconcile().outcome(),
        "Prometheus' later lastConfigTime is not older than the bound");
  }

  @Test
  void aPrometheusThatAnswersSuccessButReportsAFailedLoadIsCaughtByTheNextReconcile() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.clock.advance(Duration.ofSeconds(30));
    f.with("b");
    AtomicBoolean lying = new AtomicBoolean(true);
    var liar = new ForwardingControl(f.prometheus) {
      @Override
      public RuntimeInfo runtimeInfo() {
        RuntimeInfo info = super.runtimeInfo();
        return lying.get() && f.prometheus.reloads() >= 2
            ? new RuntimeInfo(false, info.lastConfigTime(), info.serverTime()) : info;
      }
    };
    Reconciler lied = f.builder().prometheus(liar).build();

    ReconcileResult answered = lied.reconcile();
    assertEquals(Outcome.RELOADED, answered.outcome(), "the 200 is the verdict");
    int reloads = f.prometheus.reloads();

    ReconcileResult next = lied.reconcile();

    assertEquals(Outcome.RELOADED, next.outcome(), "reloadConfigSuccess=false is not in sync");
    assertEquals(reloads + 1, f.prometheus.reloads(), "the verified files are reloaded");
    lying.set(false);
    assertEquals(Outcome.UNCHANGED, lied.reconcile().outcome());
  }

  @Test
  void aStopThatInterruptsTheReloadNeitherPinsNorRollsBackTheNewConfig() {
    Reconciler first = f.reconciler();
    assertEquals(Outcome.RELOADED, first.reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    // as the HTTP control behaves when the loop's stop interrupts it: the request fails with
    // the thread's interrupt kept, and every later wait fails at once
    ForwardingControl interruptedDuringTheReload = new ForwardingControl(f.prometheus) {
      @Override
      public ReloadAck reload() {
        super.reload(); // Prometheus loads the new config
        Thread.currentThread().interrupt();
        throw new PrometheusUnavailableException("POST /-/reload failed: interrupted");
      }

      @Override
      public void awaitReady(Duration timeout) {
        if (Thread.currentThread().isInterrupted()) {
          throw new PrometheusUnavailableException("interrupted while waiting for prometheus");
        }
        super.awaitReady(timeout);
      }
    };

    ReconcileResult result;
    try {
      result = f.builder().prometheus(interruptedDuringTheReload).build().reconcile();
    } finally {
      assertTrue(Thread.interrupted(), "the interrupt is kept for the loop to see");
    }

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome(), result.message());
    assertEquals(Optional.empty(), f.store.record().rejected(), "nothing pinned");
    assertTrue(f.prometheusRunsJobsOf("b"));
    assertTrue(f.hasJobsOf("b"), "the new config stays on disk, where Prometheus loaded it from");
    // the next start finds Prometheus' load of it and records it, without a reload
    int reloads = f.prometheus.reloads();
    ReconcileResult next = f.reconciler().reconcile();
    assertEquals(Outcome.UNCHANGED, next.outcome(), next.message());
    assertEquals(reloads, f.prometheus.reloads(), next.message());
    assertEquals(next.configHash(), f.store.record().verified().map(v -> v.configHash()));
  }
}
