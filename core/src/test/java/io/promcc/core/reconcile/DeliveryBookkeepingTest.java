package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.TestCertificates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What a delivery leaves behind and reports besides its outcome: its background baseline call
 * when it fails early, whether Prometheus runs the desired config, and whether it rolled back.
 * Injected clocks, no sleeping.
 */
class DeliveryBookkeepingTest {
  private final Fixture f = new Fixture().with("a");

  // The background baseline call of a delivery that failed before awaiting it

  /**
   * Reconciler.baselineThread(): one worker thread, tasks queued behind each other. {@code
   * deliver} hands it the baseline's runtime info call (which waits up to the ready timeout for a
   * Prometheus that answers 503) and then writes the certificates; when that write fails (a full
   * disk; or an unowned file, which the Reconciler retries at once) {@code baseline.cancel(true)}
   * does not stop the task: a CompletableFuture's cancel interrupts nothing. Modelled without
   * threads: a task runs on the worker's own timeline, from when it was handed over or the worker
   * became free, whichever is later; the reconcile thread's clock moves to the task's end only
   * when it waits for it (its certificate write succeeded, so await follows). A task abandoned
   * by its delivery runs in full, unless it is a {@link Future} cancelled by then, which ends when
   * it was abandoned (a FutureTask cancelled with interruption). Only for deliveries that write
   * certificates (the store's write is where the model learns whether the task is awaited).
   */
  private final class SingleWorker implements Executor {
    Instant freeAt = Instant.MIN;
    Runnable pending;
    Instant pendingAt;
    Instant abandonedAt;

    @Override
    public void execute(Runnable task) {
      resolveAbandoned();
      pending = task;
      pendingAt = f.clock.instant();
      abandonedAt = null;
    }

    /** The reconcile thread waits for the task handed over last. */
    void awaited() {
      if (pending == null) {
        return;
      }
      Instant now = f.clock.instant();
      Instant end = runOnWorker(pending, pendingAt);
      pending = null;
      f.clock.set(end.isAfter(now) ? end : now);
    }

    /** The delivery of the task handed over last ends without waiting for it. */
    void abandoned() {
      if (pending != null) {
        abandonedAt = f.clock.instant();
      }
    }

    private void resolveAbandoned() {
      if (pending == null) {
        return;
      }
      if (pending instanceof Future<?> future && future.isCancelled()) {
        Instant start = pendingAt.isAfter(freeAt) ? pendingAt : freeAt;
        freeAt = abandonedAt.isAfter(start) ? abandonedAt : start;
      } else {
        Instant now = f.clock.instant();
        runOnWorker(pending, pendingAt);
        f.clock.set(now);
      }
      pending = null;
    }

    private Instant runOnWorker(Runnable task, Instant handedOver) {
      f.clock.set(handedOver.isAfter(freeAt) ? handedOver : freeAt); // the worker's time
      task.run();
      freeAt = f.clock.instant();
      return freeAt;
    }
  }

  /**
   * Prometheus is starting and stays "not ready" (runtime info 503, GET /-/ready never 200: a WAL
   * replay longer than anyone waits) while the output volume is full, so every reconcile fails
   * writing the new cluster's certificates and the loop retries it within its capped backoff
   * (ReconcileLoop: 1 s doubling to 60 s). Each failed reconcile leaves its baseline call waiting
   * the ready timeout (5 min) on the single baseline thread, and a new one is queued every
   * minute: the backlog grows by four minutes a minute. When the volume has room again, the next
   * reconcile's baseline waits behind the whole backlog, hours, where docs/delivery.md says a
   * Prometheus that answers "not ready" is waited for up to the ready timeout, and
   * Reconciler.longestDelivery (the liveness bound less promtool and 5 minutes) is 70 minutes.
   */
  @Test
  void aBaselineCallOfAFailedDeliveryDoesNotDelayTheNextReconcilesBeyondTheLongestDelivery() {
    Duration ready = Duration.ofMinutes(5);
    Duration verify = Duration.ofMinutes(5);
    SingleWorker worker = new SingleWorker();
    var store = new ForwardingStore(f.store) {
      @Override
      public void write(DesiredState desired, FileDiff diff) {
        try {
          super.write(desired, diff);
        } catch (RuntimeException e) {
          worker.abandoned(); // the delivery ends without awaiting its baseline
          throw e;
        }
        worker.awaited(); // the delivery waits for its baseline next
      }
    };
    var starting = new ForwardingControl(f.prometheus) {
      boolean notReady;

      @Override
      public RuntimeInfo runtimeInfo() {
        if (notReady) {
          throw new PrometheusApiException("GET /api/v1/status/runtimeinfo", 503,
              "prometheus answered status 503: Service Unavailable");
        }
        return super.runtimeInfo();
      }

      @Override
      public void awaitReady(Duration timeout) {
        if (notReady) {
          f.clock.advance(timeout);
          throw new PrometheusUnavailableException("prometheus at \"http://127.0.0.1:9090\" "
              + "not ready after " + timeout + "; last answer: status 503: Service "
              + "Unavailable");
        }
        super.awaitReady(timeout);
      }
    };
    Reconciler reconciler = f.builder().store(store).prometheus(starting).backgroundExecutor(worker)
        .readyTimeout(ready).verifyTimeout(verify).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());

    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    starting.notReady = true;
    f.store.failWrites("cannot write \"certs/b-ca.pem\": No space left on device");
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ReconcileResult failed = reconciler.reconcile();
      failures.add(failed.outcome().toString());
      f.clock.advance(Duration.ofSeconds(60)); // the loop's backoff, capped at 60 s
    }
    assertTrue(failures.stream().allMatch("FAILED"::equals), failures.toString());
    f.store.failWrites(null);

    Instant start = f.clock.instant();
    ReconcileResult result = reconciler.reconcile();
    Duration took = Duration.between(start, f.clock.instant());

    Duration longest = Reconciler.longestDelivery(ready, verify, Duration.ofMinutes(5));
    assertTrue(took.compareTo(longest) <= 0, "a reconcile whose own baseline waits one ready "
        + "timeout (" + ready + ") took " + took + ", longer than longestDelivery " + longest
        + ", waiting behind the baseline calls of 30 failed reconciles; " + result.outcome()
        + ": " + result.message());
  }

  // promcc_config_in_sync for a certificate-only reconcile

  /**
   * Prometheus is down; a certificate renewal is written without asking Prometheus (step 2), and
   * the result says the config is in sync. docs/metrics.md: promcc_config_in_sync is "1 if the
   * last reconcile found Prometheus running the desired config ... Also 0 when the last reconcile
   * could not tell (source not ready, Prometheus unreachable)"; ReconcileResult: "true if
   * Prometheus is known to run the desired configuration". With many clusters renewals land every
   * few minutes, so during an outage the gauge goes back to 1 at each one and
   * PromccConfigNotInSync (for: 15m) never fires; the reconcile before it had reported 0.
   */
  @Test
  void aCertificateRenewalWhilePrometheusIsDownIsNotReportedInSync() {
    Reconciler reconciler = f.reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.prometheus.setUp(false);
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult down = reconciler.reconcile();
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, down.outcome(), down.message());
    assertFalse(down.configInSync());

    f.clock.advance(Duration.ofMinutes(1));
    f.certificates.put(Fixture.id("a"), TestCertificates.other());
    ReconcileResult renewed = reconciler.reconcile();

    assertEquals(Outcome.WRITTEN, renewed.outcome(), renewed.message());
    assertFalse(renewed.configInSync(), "prometheus is down and was not asked, yet the renewal's "
        + "result says it runs the desired config (promcc_config_in_sync 1); the reconcile "
        + "before said: " + down.outcome() + ": " + down.message());
  }

  /**
   * Someone else's reload fails (a rule file mid-update) and the file is fixed before anyone
   * reloads; then a certificate renewal lands. The nothing-to-do check reloads the verified
   * config when Prometheus reports a failed load; the certificate-only reconcile saw the same
   * failed load, reported it not in sync and reloaded nothing, so Prometheus stayed on the failed
   * load until the next reconcile (the resync, minutes later).
   */
  @Test
  void aCertificateRenewalThatFindsAFailedLoadReloadsTheVerifiedConfig() {
    Reconciler reconciler = f.reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.rejectWhen(files -> Optional.of("loading groups failed: rules.yml: yaml: "
        + "line 3: mapping values are not allowed in this context"));
    try {
      f.prometheus.reload(); // a sidecar's reload fails on the rule file being rewritten
    } catch (ReloadRejectedException expected) {
      // prometheus reports reloadConfigSuccess=false
    }
    f.prometheus.rejectWhen(files -> Optional.empty()); // the rule file is complete again

    f.clock.advance(Duration.ofMinutes(1));
    f.certificates.put(Fixture.id("a"), TestCertificates.other());
    ReconcileResult renewed = reconciler.reconcile();

    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), "prometheus is left on the "
        + "failed load: " + renewed.outcome() + ": " + renewed.message());
    assertEquals(Outcome.RELOADED, renewed.outcome(), renewed.message());
    assertTrue(renewed.configInSync(), renewed.message());
    assertFalse(renewed.written().isEmpty(), "the renewal was not written");
  }

  // promcc_reconcile_duration_seconds: the phases account for the reconcile's time

  /**
   * Prometheus takes a while to answer the runtime info a config change starts with (busy after
   * a large reload, or starting): that wait is part of the reconcile, so it is in a phase, or the
   * reconcile's log line and promcc_reconcile_duration_seconds hide where its time went.
   */
  @Test
  void theWaitForPrometheusBaselineAnswerIsTimedInAPhase() {
    AtomicBoolean slow = new AtomicBoolean();
    var slowToAnswer = new ForwardingControl(f.prometheus) {
      @Override
      public RuntimeInfo runtimeInfo() {
        if (slow.getAndSet(false)) {
          f.clock.advance(Duration.ofSeconds(3));
        }
        return super.runtimeInfo();
      }
    };
    Reconciler reconciler = f.builder().prometheus(slowToAnswer).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.with("b");
    slow.set(true);
    Instant start = f.clock.instant();

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertEquals(Duration.between(start, f.clock.instant()), result.duration(),
        result.toString());
  }

  // promcc_rollbacks_total for a reload of the verified config under the pin

  /**
   * A config X is refused and rolled back: the verified files restored and reloaded, counted once
   * in promcc_rollbacks_total. Later a rule file breaks and a sidecar's reload fails on it; the
   * file is fixed before anyone reloads. The next reconcile under the pin sees the failed load,
   * reloads the verified config, which loads, and reports it as a rollback (rolledBack) of X
   * once more, "restored and reloaded", though X's rollback had finished in this very process
   * (no unconfirmed rollback) and nothing was restored. docs/metrics.md: promcc_rollbacks_total
   * counts "rejected configs replaced by the last verified one and reloaded"; only a rollback
   * whose restore or restore reload failed "counts when a later reconcile under the pin finishes
   * it". The same failed load without a pin is a plain reload, not a rollback.
   */
  @Test
  void aRollbackThatFinishedIsNotCountedAgainWhenAnOutsideFailedLoadIsReloadedUnderThePin() {
    Reconciler reconciler = f.reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    ReconcileResult rejected = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
    assertTrue(rejected.rolledBack(), rejected.message());

    f.clock.advance(Duration.ofMinutes(10));
    f.prometheus.rejectWhen(files -> Optional.of("loading groups failed: rules.yml: yaml: "
        + "line 3: mapping values are not allowed in this context"));
    try {
      f.prometheus.reload(); // a sidecar's reload fails on the broken rule file
    } catch (ReloadRejectedException expected) {
      // prometheus reports reloadConfigSuccess=false
    }
    f.prometheus.rejectWhen(Fixture::bogus); // the rule file is fixed; nobody reloaded yet
    int restoredWrites = f.store.writes().size();

    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult later = reconciler.reconcile();

    assertTrue(f.prometheus.runtimeInfo().reloadConfigSuccess(), later.message());
    assertFalse(later.rolledBack(), "the rollback of the pinned config, counted when it finished, "
        + "is counted again (promcc_rollbacks_total +1); files restored: "
        + (f.store.writes().size() - restoredWrites) + "; first: " + rejected.message()
        + "; later: " + later.outcome() + ": " + later.message());
  }

  /**
   * X is rejected and rolled back (counted). The desired config moves on to Y, which
   * loads (pin gone). Later X is desired again and rejected again: a new rollback, whose restore
   * fails this time. The next reconcile under the pin finishes it. metrics.md: "A rollback whose
   * restore or restore reload failed counts when a later reconcile under the pin finishes it";
   * the first rollback of X, an episode earlier, must not make it look finished already.
   */
  @Test
  void aSecondRejectionOfTheSameConfigFinishedUnderThePinIsCountedAsARollback() {
    var restoreFails = new FullDiskOnRestore(f.store, false);
    Reconciler reconciler = f.builder().store(restoreFails).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());

    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    ReconcileResult first = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, first.outcome(), first.message());
    assertTrue(first.rolledBack(), first.message());

    f.clock.advance(Duration.ofMinutes(1));
    f.baseConfig = "global:\n  scrape_interval: 2m\n";
    ReconcileResult moved = reconciler.reconcile();
    assertEquals(Outcome.RELOADED, moved.outcome(), moved.message());

    f.clock.advance(Duration.ofMinutes(1));
    f.breakBaseConfig();
    restoreFails.failNextRestore();
    ReconcileResult again = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, again.outcome(), again.message());
    assertEquals(first.configHash(), again.configHash(), "the same config X is rejected again");
    assertFalse(again.rolledBack(), again.message());

    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult finished = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, finished.outcome(), finished.message());
    assertTrue(finished.durations().containsKey(Phase.RELOAD), finished.message());
    assertTrue(finished.rolledBack(), "the second rollback of X, whose restore failed, was "
        + "finished under the pin but not counted in promcc_rollbacks_total (the first rollback "
        + "of X, an episode earlier, is still remembered as finished): " + finished.message());
  }
}
