package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.plan.Planner;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.port.FakeConfigStore;
import io.promcc.core.port.FakePrometheusControl;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.testing.MutableClock;
import io.promcc.core.testing.TestCertificates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** When the loop reconciles, with a moved clock and {@link ReconcileLoop#tick()}; no sleeping. */
class ReconcileLoopTest {
  private static final Duration DEBOUNCE = Duration.ofMillis(250);
  private static final Duration MAX_DELAY = Duration.ofSeconds(2);
  private static final Duration RESYNC = Duration.ofMinutes(5);
  private static final Duration SETTLE = Duration.ofMillis(25);
  /** The controller's defaults: a lone trigger waits the settle, a burst the debounce. */
  private static final Pacing SETTLING = new Pacing(SETTLE, DEBOUNCE, MAX_DELAY, RESYNC);
  /** Without a settle of its own: every trigger waits for the debounce. */
  private static final Pacing PACING = new Pacing(DEBOUNCE, DEBOUNCE, MAX_DELAY, RESYNC);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final List<Instant> runs = new ArrayList<>();
  private final List<ReconcileResult> results = new ArrayList<>();

  private ReconcileLoop loop(Supplier<ReconcileResult> reconcile) {
    return loop(reconcile, PACING);
  }

  private ReconcileLoop loop(Supplier<ReconcileResult> reconcile, Pacing pacing) {
    return new ReconcileLoop(() -> {
      runs.add(clock.instant());
      return reconcile.get();
    }, results::add, pacing, clock, new SplittableRandom(7));
  }

  private static ReconcileResult result(Outcome outcome, Optional<Instant> runAgainAt) {
    return new ReconcileResult(outcome, "", Optional.empty(), Optional.empty(), List.of(),
        List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(),
        outcome.success(), false, false, runAgainAt, new TreeMap<>());
  }

  private static Supplier<ReconcileResult> always(Outcome outcome) {
    return () -> result(outcome, Optional.empty());
  }

  /** Moves the clock in steps of {@code step} for {@code total}, ticking after each step. */
  private void runFor(ReconcileLoop loop, Duration total, Duration step) {
    for (Duration t = Duration.ZERO; t.compareTo(total) < 0; t = t.plus(step)) {
      clock.advance(step);
      loop.tick();
    }
  }

  @Test
  void aNewRejectionIsLoggedAlsoWhenTheConfigDoesNotChangeAndOnlyOnce() {
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger(ReconcileLoop.class.getName());
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        lines.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(handler);
    try {
      Rejection bad = new Rejection("service \"x/master\"", "invalid-port",
          "port of service \"x/master\" must be between 1 and 65535, found \"0\"");
      java.util.concurrent.atomic.AtomicReference<List<Rejection>> rejected =
          new java.util.concurrent.atomic.AtomicReference<>(List.of());
      ReconcileLoop loop = loop(() -> new ReconcileResult(Outcome.UNCHANGED, "",
          Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), new TreeMap<>(),
          List.of(), rejected.get(), new TreeMap<>(), true, false, false,
          Optional.empty(), new TreeMap<>()));
      loop.tick();
      rejected.set(List.of(bad));
      loop.trigger("service x/master");
      clock.advance(DEBOUNCE);
      assertTrue(loop.tick());
      assertEquals(List.of("left out: " + bad),
          lines.stream().filter(l -> l.startsWith("left out")).toList());
      loop.trigger("something else");
      clock.advance(DEBOUNCE);
      assertTrue(loop.tick());
      assertEquals(1, lines.stream().filter(l -> l.startsWith("left out")).count(),
          "a rejection already logged is not logged again: " + lines);
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void theFirstReconcileRunsAtOnce() {
    ReconcileLoop loop = loop(always(Outcome.RELOADED));
    assertTrue(loop.tick());
    assertFalse(loop.tick(), "nothing due until a trigger or the resync");
  }

  @Test
  void aTriggerRunsAfterTheDebounceFromTheLastTrigger() {
    ReconcileLoop loop = loop(always(Outcome.UNCHANGED));
    loop.tick();
    Instant start = clock.instant();
    loop.trigger("a");
    clock.advance(Duration.ofMillis(200));
    loop.trigger("b");
    clock.advance(Duration.ofMillis(200));
    assertFalse(loop.tick(), "the second trigger restarted the debounce");
    clock.advance(Duration.ofMillis(50));
    assertTrue(loop.tick());
    assertEquals(start.plusMillis(450), runs.get(1));
  }

  /** A loop with the controller's pacing, its first run done a minute ago. */
  private ReconcileLoop settlingAfterAQuietMinute() {
    ReconcileLoop loop = loop(always(Outcome.RELOADED), SETTLING);
    loop.tick();
    clock.advance(Duration.ofMinutes(1));
    return loop;
  }

  @Test
  void aLoneTriggerAfterAQuietSpellRunsAfterTheSettle() {
    ReconcileLoop loop = settlingAfterAQuietMinute();
    Instant start = clock.instant();
    loop.trigger("service a");
    clock.advance(SETTLE.minusMillis(1));
    assertFalse(loop.tick(), "before the settle");
    clock.advance(Duration.ofMillis(1));
    assertTrue(loop.tick());
    assertEquals(start.plus(SETTLE), runs.get(1));

    clock.advance(DEBOUNCE); // quiet again: the trigger before was a debounce ago
    Instant again = clock.instant();
    loop.trigger("service b");
    clock.advance(SETTLE);
    assertTrue(loop.tick());
    assertEquals(again.plus(SETTLE), runs.get(2));
  }

  @Test
  void aSecondTriggerWithinTheSettleMakesABurstThatWaitsForTheDebounce() {
    ReconcileLoop loop = settlingAfterAQuietMinute();
    loop.trigger("service a");
    clock.advance(Duration.ofMillis(10));
    Instant second = clock.instant();
    loop.trigger("secret a");
    runFor(loop, Duration.ofSeconds(1), Duration.ofMillis(1));
    assertEquals(List.of(second.plus(DEBOUNCE)), runs.subList(1, runs.size()));
  }

  @Test
  void aTriggerWithinTheDebounceOfTheOneBeforeWaitsForTheDebounceEvenAfterARun() {
    ReconcileLoop loop = settlingAfterAQuietMinute();
    Instant first = clock.instant();
    loop.trigger("batch 1");
    runFor(loop, Duration.ofMillis(100), Duration.ofMillis(1)); // the lone trigger's run
    Instant second = clock.instant();
    loop.trigger("batch 2");
    runFor(loop, Duration.ofSeconds(1), Duration.ofMillis(1));
    assertEquals(List.of(first.plus(SETTLE), second.plus(DEBOUNCE)),
        runs.subList(1, runs.size()));
  }

  @Test
  void withASettleABurstOf200ChangesWithinTwoSecondsIsStillAtMostTwoRuns() {
    ReconcileLoop loop = settlingAfterAQuietMinute();
    for (int i = 0; i < 200; i++) {
      loop.trigger("service " + i);
      clock.advance(Duration.ofMillis(10));
      loop.tick();
    }
    runFor(loop, Duration.ofSeconds(30), Duration.ofMillis(10));
    assertEquals(2, runs.size(), "one run for the whole burst: " + runs);
  }

  @Test
  void aSteadyStreamOfTriggersRunsAtLeastEveryMaxDelay() {
    ReconcileLoop loop = loop(always(Outcome.UNCHANGED));
    loop.tick();
    Instant start = clock.instant();
    for (int i = 0; i < 50; i++) { // a change every 100 ms for 5 s
      loop.trigger("change " + i);
      clock.advance(Duration.ofMillis(100));
      loop.tick();
    }
    assertEquals(List.of(start.plusSeconds(2), start.plusSeconds(4)), runs.subList(1, runs.size()));
  }

  @Test
  void aBurstOf200ChangesWithinTwoSecondsCausesAtMostTwoRuns() {
    ReconcileLoop loop = loop(always(Outcome.RELOADED));
    loop.tick();
    for (int i = 0; i < 200; i++) {
      loop.trigger("service " + i);
      clock.advance(Duration.ofMillis(10));
      loop.tick();
    }
    runFor(loop, Duration.ofSeconds(30), Duration.ofMillis(10));
    assertTrue(runs.size() - 1 <= 2, "runs after the burst: " + (runs.size() - 1));
    assertTrue(runs.size() - 1 >= 1);
  }

  @Test
  void withoutTriggersItRunsOnlyAtTheResyncPeriod() {
    ReconcileLoop loop = loop(always(Outcome.UNCHANGED));
    loop.tick();
    Instant start = clock.instant();
    runFor(loop, Duration.ofMinutes(11), Duration.ofSeconds(1));
    assertEquals(List.of(start.plus(RESYNC), start.plus(RESYNC).plus(RESYNC)),
        runs.subList(1, runs.size()));
  }

  @Test
  void aResultThatAsksToRunAgainIsRunThen() {
    Instant renewal = clock.instant().plusSeconds(90);
    ReconcileLoop loop = loop(() -> result(Outcome.WRITTEN, Optional.of(renewal)));
    loop.tick();
    runFor(loop, Duration.ofSeconds(100), Duration.ofSeconds(1));
    assertEquals(renewal, runs.get(1));
  }

  @Test
  void aResultThatAsksToRunAgainAtAMomentPastRunsAgainNoSoonerThanTheDebounce() {
    // a source asking for a moment already reached, again and again, must not spin the loop
    ReconcileLoop loop = loop(() -> result(Outcome.UNCHANGED,
        Optional.of(clock.instant().minusSeconds(1))));

    for (int i = 0; i < 1_000; i++) {
      loop.tick(); // the clock stands still
    }
    assertEquals(1, runs.size(), "runs without time passing");

    runFor(loop, Duration.ofSeconds(1), Duration.ofMillis(10));
    assertEquals(5, runs.size(), "runs in the next second, one per debounce: " + runs);
  }

  @Test
  void failuresBackOffExponentiallyWithJitterUpToAMinuteAndTriggersWait() {
    AtomicBoolean failing = new AtomicBoolean(true);
    ReconcileLoop loop = loop(() -> result(failing.get() ? Outcome.PROMETHEUS_UNAVAILABLE
        : Outcome.RELOADED, Optional.empty()));
    for (int i = 0; i < 30 * 60; i++) { // triggers keep coming: they must not defeat the backoff
      loop.trigger("change");
      loop.tick();
      clock.advance(Duration.ofSeconds(1));
    }
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < runs.size(); i++) {
      gaps.add(Duration.between(runs.get(i - 1), runs.get(i)).toSeconds());
    }
    // the n-th delay is drawn from [d/2, d] with d = min(60 s, 2^(n-1) s); a trigger each
    // second keeps pushing the debounce, so a retry comes at the later of the backoff and the
    // max delay after the first trigger (2 s), ticked each second
    long[] caps = {1, 2, 4, 8, 16, 32, 60};
    for (int i = 0; i < gaps.size(); i++) {
      long cap = caps[Math.min(i, caps.length - 1)];
      assertTrue(gaps.get(i) >= cap / 2 && gaps.get(i) <= Math.max(cap, 3) + 1,
          "gap " + i + ": " + gaps);
    }
    assertTrue(gaps.stream().skip(8).allMatch(g -> g >= 30), gaps.toString());
    assertEquals(Optional.empty(), loop.status().lastSuccessAt());

    failing.set(false);
    runFor(loop, Duration.ofSeconds(61), Duration.ofSeconds(1));
    assertTrue(loop.status().lastResult().orElseThrow().success());
    assertEquals(0, loop.status().failuresInARow());
    int before = runs.size();
    loop.trigger("change after recovery");
    clock.advance(DEBOUNCE);
    assertTrue(loop.tick(), "no backoff after a success");
    assertEquals(before + 1, runs.size());
  }

  @Test
  void aRunTheSourceWasNotReadyForRunsAgainAtTheSourcesNextTriggerNotAfterTheBackoff() {
    AtomicBoolean ready = new AtomicBoolean(false);
    ReconcileLoop loop = loop(() -> result(ready.get() ? Outcome.RELOADED
        : Outcome.SOURCE_NOT_READY, Optional.empty()), SETTLING);
    runFor(loop, Duration.ofMinutes(3), Duration.ofMillis(100)); // no trigger: backoff grows
    assertTrue(loop.status().failuresInARow() >= 6, "failures: " + runs.size());

    // the source recovers and says so (its listener): the retry is due at once, not only when
    // a backoff of up to a minute has passed
    ready.set(true);
    loop.clustersChanged("guest clusters changed");
    clock.advance(SETTLE);
    assertTrue(loop.tick(), "the run after the source's trigger waited for the backoff");
    assertTrue(loop.status().lastResult().orElseThrow().success());
  }

  @Test
  void aTriggerWhileARunTheSourceWasNotReadyForRanEndsTheBackoffToo() {
    AtomicReference<ReconcileLoop> looped = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    ReconcileLoop loop = loop(() -> {
      if (calls.incrementAndGet() == 1) {
        return result(Outcome.SOURCE_NOT_READY, Optional.empty());
      }
      if (calls.get() == 2) { // the source recovers while this run reads it
        looped.get().clustersChanged("guest clusters changed");
        return result(Outcome.SOURCE_NOT_READY, Optional.empty());
      }
      return result(Outcome.RELOADED, Optional.empty());
    }, SETTLING);
    looped.set(loop);
    assertTrue(loop.tick());
    for (int i = 0; i < 100 && calls.get() < 2; i++) { // the first backoff is at most 1 s
      clock.advance(Duration.ofMillis(10));
      loop.tick();
    }
    assertEquals(2, calls.get(), "the retry after the first backoff");

    clock.advance(SETTLE);
    assertTrue(loop.tick(), "the trigger during the failed run waited for the backoff");
    assertEquals(3, calls.get());
  }

  @Test
  void aChangeOfAnotherSourceDoesNotEndTheBackoffOfARunTheClusterSourceWasNotReadyFor() {
    AtomicInteger calls = new AtomicInteger();
    ReconcileLoop loop = loop(() -> {
      calls.incrementAndGet();
      return result(Outcome.SOURCE_NOT_READY, Optional.empty());
    }, SETTLING);
    assertTrue(loop.tick());

    // the cluster source is still failing: a certificate or a watched file changing says
    // nothing of it, and a run for each would fail as the last did
    loop.trigger("certificates changed");
    clock.advance(SETTLE);
    assertFalse(loop.tick(), "a certificates change ended the backoff: " + calls.get() + " runs");
    assertEquals(1, calls.get());
  }

  @Test
  void aTriggerDoesNotEndTheBackoffOfAnyOtherFailure() {
    AtomicInteger calls = new AtomicInteger();
    ReconcileLoop loop = loop(() -> result(calls.incrementAndGet() < 3 ? Outcome.FAILED
        : Outcome.RELOADED, Optional.empty()), SETTLING);
    assertTrue(loop.tick());
    runFor(loop, Duration.ofSeconds(1), Duration.ofMillis(10));
    assertEquals(2, calls.get());
    loop.clustersChanged("guest clusters changed");
    clock.advance(SETTLE);
    assertFalse(loop.tick(), "a trigger ended the backoff after a failed write");
  }

  @Test
  void anExceptionFromTheReconcileIsAFailedRunNotADeadLoop() {
    AtomicInteger calls = new AtomicInteger();
    ReconcileLoop loop = loop(() -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("a bug");
      }
      return result(Outcome.UNCHANGED, Optional.empty());
    });
    loop.tick();
    assertEquals(Outcome.FAILED, results.get(0).outcome());
    assertTrue(results.get(0).message().contains("a bug"));
    runFor(loop, Duration.ofSeconds(2), Duration.ofMillis(100));
    assertEquals(Outcome.UNCHANGED, loop.status().lastResult().orElseThrow().outcome());
  }

  /** A listener that records results and how the loop ended. */
  private static final class Ending implements ReconcileLoop.Listener {
    final CountDownLatch ended = new CountDownLatch(1);
    volatile String reason;

    @Override
    public void finished(ReconcileResult result) {}

    @Override
    public void ended(String why) {
      reason = why;
      ended.countDown();
    }
  }

  @Test
  void anErrorThatEndsTheLoopIsReportedToTheListener() throws Exception {
    Ending listener = new Ending();
    ReconcileLoop loop = new ReconcileLoop(() -> {
      throw new StackOverflowError();
    }, listener, PACING, java.time.Clock.systemUTC(), new SplittableRandom(7));
    Thread runner = new Thread(loop::run);
    runner.setUncaughtExceptionHandler((t, e) -> { });
    runner.start();

    assertTrue(listener.ended.await(30, TimeUnit.SECONDS), "the loop's end is reported");
    assertEquals("uncaught java.lang.StackOverflowError", listener.reason);
    runner.join(30_000);
    assertTrue(loop.status().stopped());
  }

  @Test
  void anErrorThatEndsTheLoopIsLoggedInOneLineLeavingTheTraceToTheThreadThatRethrowsIt()
      throws Exception {
    List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler recorder = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger(ReconcileLoop.class.getName());
    logger.addHandler(recorder);
    try {
      Ending listener = new Ending();
      ReconcileLoop loop = new ReconcileLoop(() -> {
        throw new StackOverflowError("deep in a reconcile");
      }, listener, PACING, java.time.Clock.systemUTC(), new SplittableRandom(7));
      Thread runner = new Thread(loop::run);
      runner.setUncaughtExceptionHandler((t, e) -> { });
      runner.start();
      assertTrue(listener.ended.await(30, TimeUnit.SECONDS), "the loop's end is reported");
      runner.join(30_000);
    } finally {
      logger.removeHandler(recorder);
    }

    List<java.util.logging.LogRecord> ended = records.stream()
        .filter(r -> r.getMessage().startsWith("the reconcile loop ended")).toList();
    assertEquals(1, ended.size(), records.toString());
    assertEquals(null, ended.get(0).getThrown(), "the trace is printed by who rethrows it");
    assertEquals("the reconcile loop ended: java.lang.StackOverflowError: deep in a reconcile",
        java.text.MessageFormat.format(ended.get(0).getMessage(), ended.get(0).getParameters()));
  }

  @Test
  void aStoppedLoopReportsThatItWasStopped() throws Exception {
    Ending listener = new Ending();
    ReconcileLoop loop = new ReconcileLoop(() -> result(Outcome.UNCHANGED, Optional.empty()),
        listener, PACING, java.time.Clock.systemUTC(), new SplittableRandom(7));
    Thread runner = new Thread(loop::run);
    runner.start();
    loop.stop(Duration.ofSeconds(30));

    assertTrue(listener.ended.await(30, TimeUnit.SECONDS));
    assertEquals("stopped", listener.reason);
  }

  @Test
  void idleMeansNoWriteAndNoReloadOverTenMinutesWithTheRealReconciler() {
    FakeConfigStore store = new FakeConfigStore();
    FakePrometheusControl prometheus = new FakePrometheusControl(clock, store::readOwned);
    Reconciler reconciler = Reconciler.builder()
        .clusterSource(new FakeClusterSource(GuestCluster.of("a", "aws", "https://a.example")))
        .certificateSource(new FakeCertificateSource(id -> TestCertificates.bundle()))
        .planner(Planner.withDefaults()).store(store).prometheus(prometheus).clock(clock)
        .backgroundExecutor(Runnable::run).build();
    ReconcileLoop loop = loop(reconciler::reconcile);
    clock.advance(Duration.ofSeconds(2));
    loop.tick();
    int writes = store.writes().size();
    int reloads = prometheus.reloads();

    runFor(loop, Duration.ofMinutes(10), Duration.ofSeconds(1));

    assertEquals(3, runs.size(), "the first run and two resyncs");
    assertEquals(writes, store.writes().size());
    assertEquals(reloads, prometheus.reloads());
    assertTrue(results.stream().skip(1).allMatch(r -> r.outcome() == Outcome.UNCHANGED));
  }

  @Test
  void oneReconcileAtATime() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ReconcileLoop loop = loop(() -> {
      most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      inside.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      concurrent.decrementAndGet();
      return result(Outcome.UNCHANGED, Optional.empty());
    });
    Thread first = new Thread(loop::tick);
    first.start();
    assertTrue(inside.await(30, TimeUnit.SECONDS));
    loop.trigger("during the run");
    clock.advance(Duration.ofSeconds(5));
    assertFalse(loop.tick(), "a second reconcile must not start while one runs");
    release.countDown();
    first.join(30_000);
    assertTrue(loop.tick(), "the trigger that came during the run is served after it");
    assertEquals(1, most.get());
  }

  @Test
  void stopLetsARunningReconcileFinishAndTakesNoMoreTriggers() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    ReconcileLoop loop = new ReconcileLoop(() -> {
      runs.add(clock.instant());
      inside.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      finished.set(true);
      return result(Outcome.RELOADED, Optional.empty());
    }, results::add, PACING, java.time.Clock.systemUTC(),
        new SplittableRandom(7));
    Thread runner = new Thread(loop::run);
    runner.start();
    assertTrue(inside.await(30, TimeUnit.SECONDS));

    Thread stopper = new Thread(() -> loop.stop(Duration.ofSeconds(30)));
    stopper.start();
    loop.trigger("too late");
    release.countDown();
    stopper.join(60_000);
    runner.join(60_000);

    assertFalse(runner.isAlive());
    assertTrue(finished.get(), "the running reconcile finished");
    assertEquals(1, runs.size(), "no reconcile after the stop");
    assertTrue(loop.status().stopped());
  }

  @Test
  void stopInterruptsTheWaitsOfAReconcileThatOutlivesTheGrace() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    ReconcileLoop loop = new ReconcileLoop(() -> {
      inside.countDown();
      try {
        // a wait for Prometheus inside the reconcile, which nothing ends but an interrupt
        new CountDownLatch(1).await(120, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted.set(true);
      }
      return result(Outcome.PROMETHEUS_UNAVAILABLE, Optional.empty());
    }, results::add, PACING, java.time.Clock.systemUTC(),
        new SplittableRandom(7));
    Thread runner = new Thread(loop::run);
    runner.start();
    assertTrue(inside.await(30, TimeUnit.SECONDS));

    loop.stop(Duration.ofMillis(200));
    runner.join(60_000);

    assertTrue(interrupted.get());
    assertFalse(runner.isAlive());
  }
}
