package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.local.FileWatcher;
import io.promcc.app.loop.ReconcileLoop;
import io.promcc.app.settings.RunSettings;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.reconcile.ReconcileResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reconcile that outlasts a stop's waits and then dies of an {@link Error}: the stop that gave
 * up on it says so; run() has returned by then, so nothing rethrows the failure, which is still
 * logged with its stack trace.
 */
class LateLoopDeathTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir Path temp;

  @Test
  void aStopThatGivesUpOnAReconcileSaysSoAndTheLoopsLaterDeathIsLoggedWithItsTrace()
      throws Exception {
    RunSettings settings = TestControllers.settings(temp);
    Clock clock = Clock.systemUTC();
    Error death = new StackOverflowError("deep in a reconcile");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> loopThread = new AtomicReference<>();
    Supplier<ReconcileResult> reconcile = () -> {
      loopThread.set(Thread.currentThread());
      entered.countDown();
      awaitIgnoringInterrupts(release); // outlasts the stop's waits
      throw death;
    };
    ReconcileLoop loop = TestControllers.loop(settings, reconcile, clock);
    Controller controller = TestControllers.controller(settings, new FakeCertificateSource(),
        loop, new FileWatcher(), clock, Controller.STOP_BUDGET);
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Handler recorder = new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() { }

      @Override
      public void close() { }
    };
    Logger logger = Logger.getLogger("io.promcc.app");
    logger.addHandler(recorder);
    try {
      controller.start();
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread runner = TestControllers.running(controller, thrown);
      assertTrue(entered.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "no reconcile ran");
      Instant began = loop.status().runningSince().orElseThrow();
      controller.stop();
      runner.join(BOUND.toMillis());
      assertFalse(runner.isAlive(), "run() did not return after the stop's waits");
      assertNull(thrown.get(), "the loop had not died yet when run() returned");
      // the stop that gave up on the reconcile says so, and where the reconcile was
      LogRecord gaveUp = records.stream().filter(r -> r.getLevel() == Level.WARNING
          && r.getMessage().startsWith(Controller.GAVE_UP + " began at " + began + ", ")
          && r.getMessage().endsWith("; what it writes is whole, and it ends at the latest "
              + "with the process"))
          .findFirst().orElseThrow(() -> new AssertionError("no warning names the reconcile the "
              + "stop gave up on: " + records.stream()
                  .map(r -> r.getLevel() + " " + r.getMessage()).toList()));
      assertTrue(gaveUp.getThrown() != null && Arrays.stream(gaveUp.getThrown().getStackTrace())
          .anyMatch(f -> f.getMethodName().equals("awaitIgnoringInterrupts")),
          "the warning does not show where the reconcile was: " + gaveUp.getThrown());

      release.countDown();
      loopThread.get().join(BOUND.toMillis());

      assertFalse(loopThread.get().isAlive(), "the loop did not end");
      assertTrue(records.stream().anyMatch(r -> r.getThrown() == death),
          "the loop's death was not logged with its trace: " + records.stream()
              .map(r -> r.getLevel() + " " + r.getMessage()).toList());
    } finally {
      release.countDown();
      logger.removeHandler(recorder);
    }
  }

  /**
   * promcc run exits once run() returns: a loop that dies later is not seen there, and the
   * operators' guide says so, quoting the warning that names what the stop gave up on.
   */
  @Test
  void theOperatorsGuideQuotesTheWarningOfAStopThatGaveUp() throws Exception {
    String operations = Files.readString(Path.of("..", "docs", "operations.md"))
        .replaceAll("\\s+", " ");

    assertTrue(operations.contains("`" + Controller.GAVE_UP + " began at <time>, <ms> ms after "
        + "the stop ...`"), "docs/operations.md does not quote \"" + Controller.GAVE_UP + "\"");
  }

  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (true) {
      try {
        if (!latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
          throw new AssertionError("never released");
        }
        return;
      } catch (InterruptedException e) {
        // the stop interrupts the reconcile's waits: this one keeps waiting
      }
    }
  }
}
