package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.local.FileWatcher;
import io.promcc.app.loop.ReconcileLoop;
import io.promcc.app.settings.RunSettings;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.LogCapture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reconcile the stop gave up on that ends while the stop still closes the parts: it ends
 * during the certificate source's close, which lets it go on and waits for its thread's end
 * (bounded), so that it ends before the stop's last line whatever the machine's speed. Its
 * lines do not say they come after the stop, the last line does not name it, and a death of it
 * (an {@link Error}) is logged with its trace and does not make the stop fail: run() returns, and
 * {@code promcc run} exits 0. The stop's budget is 30 s, so that the parts are never given up on;
 * the reconcile is waited for 0.1 s, and as long again once its waits are interrupted.
 */
class GivenUpReconcileEndTest {
  private static final Duration BUDGET = Duration.ofSeconds(30);
  private static final Duration GRACE = Duration.ofMillis(100);
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path temp;

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch reconciling = new CountDownLatch(1);
  private final AtomicReference<Thread> loopThread = new AtomicReference<>();
  private final LogCapture logs = LogCapture.of(Controller.class); // StopDeadline's lines too
  private final LogCapture loopLogs = LogCapture.of(ReconcileLoop.class);

  @AfterEach
  void releaseTheReconcile() {
    release.countDown();
    logs.close();
    loopLogs.close();
  }

  @Test
  void aReconcileThatEndsWhileThePartsCloseIsToldAsDuringTheStopAndNotNamedInItsLastLine()
      throws Exception {
    Throwable thrown = stopWhileThePartsCloseEnd(() -> {
      awaitIgnoringInterrupts(release);
      return unchanged();
    });

    assertNull(thrown, "run() threw");
    List<LogRecord> lines = lines();
    assertEquals(List.of(), lines.stream().map(LogRecord::getMessage)
        .filter(m -> m.startsWith("after the stop: ")).toList(),
        "lines of a reconcile that ended before the stop's last line: " + messages(lines));
    assertTrue(lines.stream().anyMatch(r -> r.getMessage().startsWith("reconcile unchanged")),
        "the reconcile's result was not logged: " + messages(lines));
    assertEquals("stopped", lines.get(lines.size() - 1).getMessage(),
        "the stop's last line: " + messages(lines));
  }

  @Test
  void aReconcileThatDiesWhileThePartsCloseIsLoggedWithItsTraceAndFailsNoStop()
      throws Exception {
    Error death = new StackOverflowError("deep in a reconcile");
    Throwable thrown = stopWhileThePartsCloseEnd(() -> {
      awaitIgnoringInterrupts(release);
      throw death;
    });

    assertNull(thrown, "run() threw what a reconcile the stop gave up on died of: promcc run "
        + "exits 1 after a stop that was asked");
    List<LogRecord> lines = lines();
    assertTrue(lines.stream().anyMatch(r -> r.getThrown() == death && r.getMessage()
        .startsWith("stopping: the reconcile loop died ")),
        "the death was not logged with its trace, as during the stop: " + messages(lines));
    assertEquals(List.of(), lines.stream().map(LogRecord::getMessage)
        .filter(m -> m.startsWith("after the stop: ")).toList(),
        "lines of a reconcile that ended before the stop's last line: " + messages(lines));
    assertEquals("stopped", lines.get(lines.size() - 1).getMessage(),
        "the stop's last line: " + messages(lines));
  }

  /**
   * Runs a controller whose reconcile is {@code reconcile}, stops it once the reconcile runs,
   * and lets the reconcile go on in the certificate source's close, which waits for the loop's
   * end; returns what run() threw, if it did.
   */
  private Throwable stopWhileThePartsCloseEnd(Supplier<ReconcileResult> reconcile)
      throws Exception {
    RunSettings settings = TestControllers.settings(temp);
    Clock clock = Clock.systemUTC();
    ReconcileLoop loop = TestControllers.loop(settings, () -> {
      loopThread.set(Thread.currentThread());
      reconciling.countDown();
      return reconcile.get();
    }, clock);
    Controller controller = TestControllers.controller(settings, new ClosedAs(() -> {
      release.countDown(); // the reconcile given up on ends while the parts close
      try {
        loopThread.get().join(BOUND.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }), loop, new FileWatcher(), clock, BUDGET, GRACE);
    controller.start();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread runner = TestControllers.running(controller, thrown);
    assertTrue(reconciling.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "no reconcile ran");

    controller.stop();
    runner.join(BOUND.toMillis());

    assertFalse(runner.isAlive(), "run() did not return");
    assertFalse(loopThread.get().isAlive(), "the reconcile did not end while the parts closed");
    assertEquals(1, logs.messages().stream().filter(m -> m.startsWith(Controller.GAVE_UP))
        .count(), "the stop did not give up on the reconcile: " + logs.messages());
    return thrown.get();
  }

  /** The controller's and the loop's lines, in the order they were logged. */
  private List<LogRecord> lines() {
    return Stream.concat(logs.records().stream(), loopLogs.records().stream())
        .sorted(Comparator.comparingLong(LogRecord::getSequenceNumber)).toList();
  }

  private static List<String> messages(List<LogRecord> lines) {
    return lines.stream().map(LogRecord::getMessage).toList();
  }

  private static ReconcileResult unchanged() {
    return new ReconcileResult(Outcome.UNCHANGED, "", Optional.empty(), Optional.empty(),
        List.of(), List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(),
        true, false, false, Optional.empty(), new TreeMap<>());
  }

  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    long deadline = System.nanoTime() + BOUND.toNanos();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          assertTrue(latch.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS),
              "never released");
          return;
        } catch (InterruptedException e) {
          interrupted = true; // the stop interrupts the reconcile's waits: this one waits on
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
