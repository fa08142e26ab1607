package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * How the loop ends: an error reported to the listener and logged once, and a stop that lets
 * a running reconcile finish or interrupts its waits after the grace.
 */
class ReconcileLoopEndTest extends ReconcileLoopFixture {
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
    // the trigger comes once the stop has begun: before it, it would be served
    Poll.until(Duration.ofSeconds(30), "the stop to begin", loop::stopping);
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
    ReconcileLoop loop = waitingForAnInterrupt(inside, interrupted);
    Thread runner = new Thread(loop::run);
    runner.start();
    assertTrue(inside.await(30, TimeUnit.SECONDS));

    loop.stop(Duration.ofMillis(200));
    runner.join(60_000);

    assertTrue(interrupted.get());
    assertFalse(runner.isAlive());
  }

  /**
   * An interrupt of the thread that stops the loop (an embedder's second interrupt of the
   * thread of run()) cuts neither grace short: the reconcile still gets its grace, and its waits
   * are still interrupted after it; the interrupt is kept for the caller.
   */
  @Test
  void anInterruptOfTheStoppingThreadStillInterruptsTheWaitsAfterTheGrace() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    ReconcileLoop loop = waitingForAnInterrupt(inside, interrupted);
    Thread runner = new Thread(loop::run);
    runner.start();
    assertTrue(inside.await(30, TimeUnit.SECONDS));

    Thread.currentThread().interrupt();
    loop.stop(Duration.ofMillis(200));
    boolean kept = Thread.interrupted();
    runner.join(30_000);

    assertTrue(interrupted.get(), "the reconcile's waits were interrupted after the grace");
    assertFalse(runner.isAlive());
    assertTrue(kept, "the stopping thread's interrupt is set again");
  }

  /**
   * A loop whose reconcile waits for Prometheus, a wait nothing ends but an interrupt: counts
   * {@code inside} down as it begins, sets {@code interrupted} when its wait is interrupted.
   */
  private ReconcileLoop waitingForAnInterrupt(CountDownLatch inside, AtomicBoolean interrupted) {
    return new ReconcileLoop(() -> {
      inside.countDown();
      try {
        new CountDownLatch(1).await(120, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted.set(true);
      }
      return result(Outcome.PROMETHEUS_UNAVAILABLE, Optional.empty());
    }, results::add, PACING, java.time.Clock.systemUTC(), new SplittableRandom(7));
  }
}
