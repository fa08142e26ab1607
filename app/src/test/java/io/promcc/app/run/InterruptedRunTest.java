package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.local.FileWatcher;
import io.promcc.app.loop.ReconcileLoop;
import io.promcc.app.settings.RunSettings;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.LogCapture;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupt of the thread that runs {@link Controller#run()} (a program that embeds the
 * controller) stops the controller as a stop does, while it reconciles or still waits for its
 * sources: the reconcile loop ends, every part is closed within the stop's budget (none given up
 * on at once), and run() returns, the thread's interrupt status set again. Real time; nothing
 * hangs, so the bound is only reached by a failure.
 */
class InterruptedRunTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path temp;

  private final LogCapture logs = LogCapture.of(Controller.class); // StopDeadline's lines too
  private final AtomicReference<Throwable> thrown = new AtomicReference<>();
  private final AtomicBoolean interruptedAfter = new AtomicBoolean();

  @AfterEach
  void closeLogs() {
    logs.close();
  }

  @Test
  void anInterruptWhileReconcilingStopsTheLoopAndRunReturnsInterrupted() throws Exception {
    CountDownLatch reconciled = new CountDownLatch(1);
    RunSettings settings = TestControllers.settings(temp);
    Clock clock = Clock.systemUTC();
    ReconcileLoop loop = TestControllers.loop(settings, () -> {
      reconciled.countDown();
      return unchanged();
    }, clock);
    Controller controller = TestControllers.controller(settings, new FakeCertificateSource(),
        loop, new FileWatcher(), clock, BOUND);
    controller.start();
    Thread runner = running(controller);
    assertTrue(reconciled.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "no reconcile ran");

    runner.interrupt();
    runner.join(BOUND.toMillis());

    assertFalse(runner.isAlive(), "run() did not return after its thread was interrupted");
    assertNull(thrown.get(), "run() threw");
    assertTrue(loop.status().stopped(), "the reconcile loop still runs after run() returned");
    assertTrue(interruptedAfter.get(), "run() returned with its thread's interrupt cleared");
    assertStoppedAsAStopDoes();
  }

  @Test
  void anInterruptWhileWaitingForTheSourcesClosesEveryPartInItsTime() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    CertificateSource neverSynced = new CertificateSource() {
      private final FakeCertificateSource certificates = new FakeCertificateSource();

      @Override
      public CertificateObservation observe(Collection<GuestCluster> clusters) {
        return certificates.observe(clusters);
      }

      @Override
      public boolean awaitSynced(Duration timeout) throws InterruptedException {
        waiting.countDown();
        return never.await(timeout.toMillis(), TimeUnit.MILLISECONDS); // never synced
      }
    };
    RunSettings settings = TestControllers.settings(temp);
    Clock clock = Clock.systemUTC();
    Controller controller = TestControllers.controller(settings, neverSynced,
        TestControllers.loop(settings, InterruptedRunTest::unchanged, clock), new FileWatcher(),
        clock, BOUND);
    controller.start();
    Thread runner = running(controller);
    assertTrue(waiting.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "no wait for sources");

    runner.interrupt();
    runner.join(BOUND.toMillis());

    assertFalse(runner.isAlive(), "run() did not return after its thread was interrupted");
    assertNull(thrown.get(), "run() threw");
    assertTrue(interruptedAfter.get(), "run() returned with its thread's interrupt cleared");
    assertStoppedAsAStopDoes();
  }

  /** The stop was told, no part was given up on, and the last line says nothing runs on. */
  private void assertStoppedAsAStopDoes() {
    List<String> lines = logs.messages();
    assertTrue(lines.stream().anyMatch(m -> m.startsWith("stopping, as the thread of run() was "
        + "interrupted: ")), "the stop was not told: " + lines);
    assertEquals(List.of(), lines.stream().filter(m -> m.startsWith("stopping: closing "))
        .toList(), "parts given up on: " + lines);
    assertEquals("stopped", lines.get(lines.size() - 1), "the last line: " + lines);
  }

  /** run() on a thread of its own, what it throws and its interrupt status after it kept. */
  private Thread running(Controller controller) {
    Thread runner = new Thread(() -> {
      try {
        controller.run();
      } catch (Throwable e) {
        thrown.set(e);
      }
      interruptedAfter.set(Thread.currentThread().isInterrupted());
    }, "controller");
    runner.start();
    return runner;
  }

  private static ReconcileResult unchanged() {
    return new ReconcileResult(Outcome.UNCHANGED, "", Optional.empty(), Optional.empty(),
        List.of(), List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(),
        true, false, false, Optional.empty(), new TreeMap<>());
  }
}
