package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the loop's log says about clusters that wait for a certificate or keep their last one:
 * each is named with its reason when it starts waiting or its reason changes, not at every
 * retry (operations.md: every reason appears in a log line naming the cluster).
 */
class ReconcileLoopLogTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final LogCapture log = LogCapture.of(ReconcileLoop.class);

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  private static ReconcileResult waiting(Rejection... waiting) {
    return new ReconcileResult(Outcome.UNCHANGED, "", Optional.empty(), Optional.empty(),
        List.of(), List.of(), List.of(), new TreeMap<>(), List.of(waiting), List.of(),
        new TreeMap<>(), true, false, false, Optional.empty(), new TreeMap<>());
  }

  private List<String> waitingLines() {
    return log.messages().stream().filter(l -> l.startsWith("waiting: ")).toList();
  }

  @Test
  void aWaitingClusterIsLoggedWithItsReasonWhenTheReasonChangesNotAtEveryRetry() {
    AtomicReference<ReconcileResult> next = new AtomicReference<>(waiting(
        new Rejection("cluster \"b\"", "vault-sealed", "no certificate (1 attempts, next at 1)")));
    ReconcileLoop loop = new ReconcileLoop(next::get, r -> { }, new Pacing(Duration.ofMillis(25),
        Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofMinutes(5)), clock,
        new SplittableRandom(1));

    loop.tick();
    next.set(waiting(new Rejection("cluster \"b\"", "vault-sealed",
        "no certificate (2 attempts, next at 3)")));
    loop.trigger("retry");
    clock.advance(Duration.ofSeconds(1));
    loop.tick();
    next.set(waiting(new Rejection("cluster \"b\"", "vault-server-error",
        "no certificate (3 attempts, next at 7)")));
    loop.trigger("retry");
    clock.advance(Duration.ofSeconds(1));
    loop.tick();

    assertEquals(List.of(
        "waiting: cluster \"b\": no certificate (1 attempts, next at 1) (vault-sealed)",
        "waiting: cluster \"b\": no certificate (3 attempts, next at 7) (vault-server-error)"),
        waitingLines());
  }

  private static ReconcileResult failed(String message) {
    return new ReconcileResult(Outcome.FAILED, message, Optional.empty(), Optional.empty(),
        List.of(), List.of(), List.of(), new TreeMap<>(), List.of(), List.of(),
        new TreeMap<>(), false, false, false, Optional.empty(), new TreeMap<>());
  }

  @Test
  void aReconcileFailingTheSameWayIsLoggedInFullOnceAndThenInOneShortLinePerRetry() {
    String message = "prometheus rejected the config: line 1\n  line 2\n  line 3";
    AtomicReference<ReconcileResult> next = new AtomicReference<>(failed(message));
    ReconcileLoop loop = new ReconcileLoop(next::get, r -> { }, new Pacing(Duration.ofMillis(25),
        Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofMinutes(5)), clock,
        new SplittableRandom(1));

    // each retry falls due within the longest backoff, a minute
    for (int i = 0; i < 3; i++) {
      loop.tick();
      clock.advance(Duration.ofSeconds(61));
    }
    // a reminder in full once ten minutes have passed since the last full line
    clock.advance(Duration.ofMinutes(10));
    loop.tick();
    clock.advance(Duration.ofSeconds(61));
    next.set(failed("cannot write files to \"/out\": disk full"));
    loop.tick();

    List<String> reconciles = reconcileRecords().stream().map(LogRecord::getMessage).toList();
    assertEquals(5, reconciles.size(), log.messages().toString());
    assertTrue(reconciles.get(0).startsWith("reconcile failed (" + message), reconciles.get(0));
    for (int i = 1; i < 3; i++) {
      assertTrue(reconciles.get(i).matches("reconcile failed as before; retrying in \\d+ ms \\("
          + (i + 1) + " in a row\\)"), reconciles.get(i));
    }
    assertTrue(reconciles.get(3).startsWith("reconcile failed (" + message), reconciles.get(3));
    assertTrue(reconciles.get(3).contains("(4 in a row)"), reconciles.get(3));
    assertTrue(reconciles.get(4).startsWith("reconcile failed (cannot write files"),
        reconciles.get(4));
    assertTrue(reconcileRecords().stream().allMatch(r -> r.getLevel() == Level.WARNING));
  }

  /**
   * Each write of the store makes a temporary file of a new random name, which its failure
   * names: an output folder that takes no file fails every retry with another name.
   */
  @Test
  void aFailureNamingItsTemporaryFileIsARepeatWhateverTheFilesRandomName() {
    String failure = "cannot write \"/out/prometheus.yml\": making its temporary file "
        + "\"/out/.prometheus.yml.promcc-tmp-%s\" failed (operation not permitted)";
    AtomicReference<ReconcileResult> next = new AtomicReference<>(
        failed(failure.formatted("533155e4688fa0b8")));
    ReconcileLoop loop = new ReconcileLoop(next::get, r -> { }, new Pacing(Duration.ofMillis(25),
        Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofMinutes(5)), clock,
        new SplittableRandom(1));

    loop.tick();
    clock.advance(Duration.ofSeconds(61));
    next.set(failed(failure.formatted("37db5187735e5a13")));
    loop.tick();
    clock.advance(Duration.ofSeconds(61));
    next.set(failed(failure.formatted("2e28b47d4e8cb207").replace("prometheus.yml",
        "certs/a-crt.pem")));
    loop.tick();

    List<String> reconciles = reconcileRecords().stream().map(LogRecord::getMessage).toList();
    assertEquals(3, reconciles.size(), log.messages().toString());
    assertTrue(reconciles.get(0).contains("promcc-tmp-533155e4688fa0b8"), reconciles.get(0));
    assertTrue(reconciles.get(1).matches("reconcile failed as before; retrying in \\d+ ms \\("
        + "2 in a row\\)"), reconciles.get(1));
    // another file is news
    assertTrue(reconciles.get(2).startsWith("reconcile failed (cannot write \"/out/certs/a-crt"),
        reconciles.get(2));
  }

  /**
   * Only the random part of a temporary file's name is left out of the comparison: the same
   * file failing for another reason, or at another step of its write, is news.
   */
  @Test
  void aFailureOfTheSameTemporaryFileForAnotherReasonOrAtAnotherStepIsNews() {
    String failure = "cannot write \"/out/prometheus.yml\": %s its temporary file "
        + "\"/out/.prometheus.yml.promcc-tmp-%s\" failed (%s)";
    AtomicReference<ReconcileResult> next = new AtomicReference<>(
        failed(failure.formatted("making", "533155e4688fa0b8", "operation not permitted")));
    ReconcileLoop loop = new ReconcileLoop(next::get, r -> { }, new Pacing(Duration.ofMillis(25),
        Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofMinutes(5)), clock,
        new SplittableRandom(1));

    loop.tick();
    clock.advance(Duration.ofSeconds(61));
    next.set(failed(failure.formatted("making", "37db5187735e5a13", "no space left on device")));
    loop.tick();
    clock.advance(Duration.ofSeconds(61));
    next.set(failed(failure.formatted("syncing", "2e28b47d4e8cb207", "no space left on device")));
    loop.tick();

    List<String> reconciles = reconcileRecords().stream().map(LogRecord::getMessage).toList();
    assertEquals(3, reconciles.size(), log.messages().toString());
    assertTrue(reconciles.get(1).startsWith("reconcile failed (cannot write \"/out/prometheus.yml"
        + "\": making its temporary file \"/out/.prometheus.yml.promcc-tmp-37db5187735e5a13\" "
        + "failed (no space left on device))"), reconciles.get(1));
    assertTrue(reconciles.get(2).startsWith("reconcile failed (cannot write \"/out/prometheus.yml"
        + "\": syncing its temporary file"), reconciles.get(2));
  }

  @Test
  void aRunTheSourceWasNotReadyForSaysItIsRetriedAlsoAtTheSourcesNextChange() {
    ReconcileResult notReady = new ReconcileResult(Outcome.SOURCE_NOT_READY,
        "cannot list services: http status 500", Optional.empty(), Optional.empty(), List.of(),
        List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(), false,
        false, false, Optional.empty(), new TreeMap<>());
    ReconcileLoop loop = new ReconcileLoop(() -> notReady, r -> { }, new Pacing(
        Duration.ofMillis(25), Duration.ofMillis(250), Duration.ofSeconds(2),
        Duration.ofMinutes(5)), clock, new SplittableRandom(1));

    loop.tick();

    String line = reconcileRecords().get(0).getMessage();
    assertTrue(line.matches("reconcile source-not-ready \\(cannot list services: .*; retrying in"
        + " \\d+ ms \\(1 in a row\\) or at the source's next change"), line);
  }

  @Test
  void aRunTheSourceChangedDuringSaysItIsRetriedNowNotAfterTheBackoff() {
    AtomicReference<ReconcileLoop> looped = new AtomicReference<>();
    ReconcileResult notReady = new ReconcileResult(Outcome.SOURCE_NOT_READY,
        "cannot list services: http status 500", Optional.empty(), Optional.empty(), List.of(),
        List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(), false,
        false, false, Optional.empty(), new TreeMap<>());
    ReconcileLoop loop = new ReconcileLoop(() -> {
      looped.get().clustersChanged("guest clusters changed"); // it recovers meanwhile
      return notReady;
    }, r -> { }, new Pacing(Duration.ofMillis(25), Duration.ofMillis(250),
        Duration.ofSeconds(2), Duration.ofMinutes(5)), clock, new SplittableRandom(1));
    looped.set(loop);

    loop.tick();

    String line = reconcileRecords().get(0).getMessage();
    assertTrue(line.endsWith("; retrying now: the cluster source changed meanwhile (1 in a row)"),
        line);
  }

  /** A run that wrote (certificates renewed under a pinned config) is no repeat to shorten. */
  @Test
  void aRepeatedFailureThatWroteFilesIsLoggedInFull() {
    ReconcileResult failed = failed("prometheus rejected the config");
    ReconcileResult wrote = new ReconcileResult(Outcome.FAILED, failed.message(),
        Optional.empty(), Optional.empty(), List.of("certs/a-crt.pem"), List.of(), List.of(),
        new TreeMap<>(), List.of(), List.of(), new TreeMap<>(), false, false, false,
        Optional.empty(), new TreeMap<>());
    AtomicReference<ReconcileResult> next = new AtomicReference<>(failed);
    ReconcileLoop loop = new ReconcileLoop(next::get, r -> { }, new Pacing(Duration.ofMillis(25),
        Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofMinutes(5)), clock,
        new SplittableRandom(1));

    loop.tick();
    clock.advance(Duration.ofSeconds(61));
    next.set(wrote);
    loop.tick();

    List<String> reconciles = reconcileRecords().stream().map(LogRecord::getMessage).toList();
    assertEquals(2, reconciles.size(), log.messages().toString());
    assertTrue(reconciles.get(1).contains("1 written"), reconciles.get(1));
  }

  /** A certificate request the stop ended, as the reconciler reports it. */
  private static final Rejection ZETA_INTERRUPTED = new Rejection("zeta", "interrupted",
      "interrupted while waiting for the certificate of cluster \"zeta\"");

  /**
   * Runs a loop whose reconcile waits until the stop interrupts it, then reports what
   * {@code interrupted} gives, as a reconcile the stop cut short does.
   */
  private static void stopARunThatThenReports(Supplier<ReconcileResult> interrupted)
      throws InterruptedException {
    CountDownLatch inside = new CountDownLatch(1);
    ReconcileLoop loop = new ReconcileLoop(() -> {
      inside.countDown();
      try {
        new CountDownLatch(1).await(120, TimeUnit.SECONDS);
        return waiting();
      } catch (InterruptedException e) {
        return interrupted.get();
      }
    }, r -> { }, new Pacing(Duration.ofMillis(25), Duration.ofMillis(250),
        Duration.ofSeconds(2), Duration.ofMinutes(5)), java.time.Clock.systemUTC(),
        new SplittableRandom(1));
    stopWhileRunning(loop, inside, Duration.ofMillis(200));
  }

  /** What a run the stop cut short reports: Prometheus' call interrupted, {@code rejections}. */
  private static ReconcileResult interruptedWaiting(Rejection... rejections) {
    return new ReconcileResult(Outcome.PROMETHEUS_UNAVAILABLE, "GET /api/v1/status/runtimeinfo"
        + " to prometheus at \"http://127.0.0.1:9090\" failed: interrupted",
        Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), new TreeMap<>(),
        List.of(rejections), List.of(), new TreeMap<>(), true, false, false, Optional.empty(),
        new TreeMap<>());
  }

  /** Runs {@code loop} on its own thread until {@code inside} opens, then stops it. */
  private static void stopWhileRunning(ReconcileLoop loop, CountDownLatch inside,
      Duration grace) throws InterruptedException {
    Thread runner = new Thread(loop::run);
    runner.start();
    assertTrue(inside.await(30, TimeUnit.SECONDS));
    loop.stop(grace);
    runner.join(60_000);
    assertFalse(runner.isAlive());
  }

  private List<LogRecord> reconcileRecords() {
    return log.records().stream().filter(r -> r.getMessage().startsWith("reconcile ")).toList();
  }

  @Test
  void aReconcileInterruptedByTheStopIsNamedSoAtInfoWithoutARetryThatWillNotCome()
      throws Exception {
    // what the store reports when its write is interrupted (each file stays whole)
    stopARunThatThenReports(
        () -> failed("cannot write files to \"/out\": java.lang.InterruptedException"));

    List<LogRecord> reconciles = reconcileRecords();
    assertEquals(1, reconciles.size(), log.messages().toString());
    LogRecord line = reconciles.get(0);
    assertEquals(Level.INFO, line.getLevel(), line.getMessage());
    assertTrue(line.getMessage().startsWith("reconcile interrupted by the stop: failed "
        + "(cannot write files to \"/out\""), line.getMessage());
    assertFalse(line.getMessage().contains("retrying"), line.getMessage());
  }

  /**
   * A cluster whose certificate request the stop ended is not a cluster that starts waiting:
   * the stop is told once, at INFO, with no warning of a condition it made.
   */
  @Test
  void aClusterWhoseRequestTheStopEndedIsNoWarning() throws Exception {
    // what the reconciler reports when the stop ends a certificate request
    stopARunThatThenReports(() -> interruptedWaiting(ZETA_INTERRUPTED));

    assertEquals(List.of(), waitingLines());
    assertEquals(1, reconcileRecords().size(), log.messages().toString());
    assertEquals(Level.INFO, reconcileRecords().get(0).getLevel());
  }

  /**
   * What else a run the stop cut short found is warned of as always: a cluster whose request
   * Vault refused before the stop came is waiting for a reason of its own.
   */
  @Test
  void aClusterWaitingForAReasonOfItsOwnInARunTheStopCutShortIsWarnedOf() throws Exception {
    stopARunThatThenReports(() -> interruptedWaiting(new Rejection("alpha", "vault-sealed",
        "no certificate for cluster \"alpha\" (1 attempts, next at 2026-12-02T10:39:21Z): vault "
        + "is sealed"), ZETA_INTERRUPTED));

    assertEquals(List.of("waiting: alpha: no certificate for cluster \"alpha\" (1 attempts, "
        + "next at 2026-12-02T10:39:21Z): vault is sealed (vault-sealed)"), waitingLines());
  }

  @Test
  void aReconcileThatFailsOnItsOwnDuringTheStopIsAWarningWithoutARetry() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch stopping = new CountDownLatch(1);
    ReconcileLoop loop = new ReconcileLoop(() -> {
      inside.countDown();
      try {
        stopping.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return failed("prometheus rejected the config");
    }, r -> { }, new Pacing(Duration.ofMillis(25), Duration.ofMillis(250),
        Duration.ofSeconds(2), Duration.ofMinutes(5)), java.time.Clock.systemUTC(),
        new SplittableRandom(1));
    Thread runner = new Thread(loop::run);
    runner.start();
    assertTrue(inside.await(30, TimeUnit.SECONDS));
    Thread stopper = new Thread(() -> loop.stop(Duration.ofSeconds(30)));
    stopper.start();
    // the stop has begun once the loop takes no more triggers
    Poll.until(Duration.ofSeconds(30), "the stop to begin", loop::stopping);
    stopping.countDown();
    stopper.join(60_000);
    runner.join(60_000);

    List<LogRecord> reconciles = reconcileRecords();
    assertEquals(1, reconciles.size(), log.messages().toString());
    LogRecord line = reconciles.get(0);
    assertEquals(Level.WARNING, line.getLevel(), line.getMessage());
    assertTrue(line.getMessage().startsWith("reconcile failed (prometheus rejected"),
        line.getMessage());
    assertFalse(line.getMessage().contains("retrying"), line.getMessage());
  }
}
