package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.local.FileWatcher;
import io.promcc.app.local.PatientFileWatchers;
import io.promcc.app.loop.ReconcileLoop;
import io.promcc.app.settings.RunSettings;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole stop ends within its budget, however its parts hang: a reconcile that outlasts its
 * share, a read of a watched file that ignores its interrupt (a stuck volume) and a certificate
 * source whose close does not end (a Vault client revoking its token from a Vault that does not
 * answer); each part that ran out is named in one warning, and in the last line, and what each
 * logs once it ends says it comes after the stop; no thread left running keeps the JVM alive. Real
 * time, with a budget of 3 s and a generous bound on its end (the parts hang until released, the
 * watcher's close too).
 */
class StopBoundTest {
  private static final Duration BUDGET = Duration.ofSeconds(3);
  /**
   * What a busy machine may add to the budget (thread starts and log lines): generous, as a stop
   * that ignored its budget would wait for the hung parts, which hang until the test ends.
   */
  private static final Duration SLACK = Duration.ofSeconds(30);
  private static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir Path temp;

  private final CountDownLatch release = new CountDownLatch(1);
  private final LogCapture logs = LogCapture.of(Controller.class); // StopDeadline's lines too
  private final LogCapture loopLogs = LogCapture.of(ReconcileLoop.class);

  @AfterEach
  void releaseTheHungParts() {
    release.countDown();
    logs.close();
    loopLogs.close();
  }

  @Test
  void aStopWithAStuckFileReadAndAVaultCloseThatHangsEndsWithinItsBudget() throws Exception {
    Set<Thread> threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());
    CountDownLatch reconciling = new CountDownLatch(1);
    // its close waits for its thread until the read is let go, and not for 5 s of its own: so
    // the stop's last line, however late, comes while it runs
    FileWatcher watcher = PatientFileWatchers.closingWithin(BOUND);
    Path watched = Files.writeString(temp.resolve("watched.yml"), "a\n");
    CountDownLatch reading = new CountDownLatch(1);
    watcher.watch(watched, () -> { // on the watcher's thread, as a read of a stuck volume
      reading.countDown();
      awaitIgnoringInterrupts(release);
    });
    Controller controller = controller(new ClosedAs(() -> awaitIgnoringInterrupts(release)), () -> {
      reconciling.countDown();
      awaitIgnoringInterrupts(release); // outlasts its share of the stop
      return unchanged();
    }, watcher);
    controller.start();
    Thread runner = new Thread(controller::run, "controller");
    runner.start();
    Files.writeString(watched, "b\n");
    assertTrue(reading.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "the edit was not read");
    assertTrue(reconciling.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "no reconcile ran");

    long before = System.nanoTime();
    controller.stop();
    runner.join(BUDGET.plus(SLACK).toMillis()); // the budget counts from the stop
    Duration took = Duration.ofNanos(System.nanoTime() - before);

    assertFalse(runner.isAlive(), "run() had not returned " + took.toMillis() + " ms after the"
        + " stop, whose budget is " + BUDGET);
    assertTrue(took.compareTo(BUDGET.plus(SLACK)) < 0, "the stop took " + took);
    List<String> warnings = logs.records().stream().filter(r -> r.getLevel() == Level.WARNING)
        .map(LogRecord::getMessage).toList();
    assertEquals(1, warnings.stream().filter(w -> w.startsWith(Controller.GAVE_UP)).count(),
        warnings::toString);
    for (String part : List.of("ClosedAs", "FileWatcher")) {
      assertEquals(1, warnings.stream().filter(w -> w.startsWith("stopping: closing " + part + " ")
          && w.endsWith(" s left it; it goes on, and ends with the process")).count(),
          () -> part + " is not named once: " + warnings);
    }
    List<Thread> left = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !threadsBefore.contains(t) && t != runner && t.isAlive()).toList();
    assertEquals(List.of(), left.stream().filter(t -> !t.isDaemon()).map(Thread::getName)
        .toList(), "threads still running after the stop keep the JVM alive");
    // found by its words: a part given up on whose close ended since (a lock's release on a busy
    // machine) logs its end after it
    LogRecord stopped = logs.records().stream().filter(r -> r.getMessage().equals("stopped")
        || r.getMessage().startsWith("stopped; "))
        .findFirst().orElseThrow(() -> new AssertionError("no last line: " + logs.messages()));
    for (String part : List.of("the reconcile that began at ", "closing ClosedAs",
        "closing FileWatcher")) {
      assertTrue(stopped.getMessage().startsWith("stopped; still running, to end with the "
          + "process: ") && stopped.getMessage().contains(part),
          "the last line does not name " + part + ": " + stopped.getMessage());
    }

    release.countDown(); // the hung parts end now, after the stop: their lines say so
    for (Thread thread : left) { // those whose lines are awaited
      if (List.of("promcc-stop-closing", "promcc-reconcile-loop").contains(thread.getName())) {
        thread.join(BOUND.toMillis());
      }
    }
    List<String> late = Stream.concat(logs.records().stream(), loopLogs.records().stream())
        .filter(r -> r.getSequenceNumber() > stopped.getSequenceNumber())
        .map(LogRecord::getMessage).toList();
    assertTrue(late.stream().anyMatch(m -> m.startsWith("after the stop: reconcile ")),
        "the reconcile's line does not say it comes after the stop: " + late);
    for (String part : List.of("ClosedAs", "FileWatcher")) {
      assertTrue(late.stream().anyMatch(m -> m.startsWith("after the stop: closing " + part
          + " ended ")), part + "'s late end is not told: " + late);
    }
    assertEquals(List.of(), late.stream().filter(m -> !m.startsWith("after the stop: ")).toList(),
        "lines after the stop that do not say so");
  }

  @Test
  void aStopWhoseCloseFailsWithAnErrorReturnsOnceRunHasThrownIt() throws Exception {
    Error failure = new Error("the certificate source's close failed");
    Controller controller = controller(new ClosedAs(() -> {
      throw failure;
    }), StopBoundTest::unchanged, new FileWatcher());
    controller.start();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread runner = TestControllers.running(controller, thrown);

    long before = System.nanoTime();
    controller.stop();
    Duration took = Duration.ofNanos(System.nanoTime() - before);
    runner.join(BOUND.toMillis());

    assertFalse(runner.isAlive(), "run() had not returned");
    assertEquals(failure, thrown.get(), "run() throws what a close failed with");
    assertTrue(took.compareTo(Controller.STOP_WAIT) < 0, "stop() returned after "
        + took.toMillis() + " ms, its whole wait, though run() had ended");
  }

  /** A controller of {@code certificates} and {@code reconcile}, its stop's budget 3 s. */
  private Controller controller(CertificateSource certificates,
      Supplier<ReconcileResult> reconcile, FileWatcher watcher) throws Exception {
    RunSettings settings = TestControllers.settings(temp);
    Clock clock = Clock.systemUTC();
    return TestControllers.controller(settings, certificates,
        TestControllers.loop(settings, reconcile, clock), watcher, clock, BUDGET);
  }

  private static ReconcileResult unchanged() {
    return new ReconcileResult(Outcome.UNCHANGED, "", Optional.empty(), Optional.empty(),
        List.of(), List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(),
        true, false, false, Optional.empty(), new TreeMap<>());
  }

  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
