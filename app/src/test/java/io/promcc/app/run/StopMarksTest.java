package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.local.FileWatcher;
import io.promcc.app.loop.ReconcileLoop;
import io.promcc.app.loop.StopEnd;
import io.promcc.app.settings.RunSettings;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a stop may give up on runs on threads marked with the stop's end, for the log handler
 * to tell their lines after the stop: the reconcile loop's thread, and each part's close.
 */
class StopMarksTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path temp;

  @Test
  void theReconcileLoopAndEachPartsCloseRunMarkedWithTheStopsEnd() throws Exception {
    AtomicReference<Optional<StopEnd>> inReconcile = new AtomicReference<>();
    AtomicReference<Optional<StopEnd>> inClose = new AtomicReference<>();
    CountDownLatch reconciled = new CountDownLatch(1);
    RunSettings settings = TestControllers.settings(temp);
    Clock clock = Clock.systemUTC();
    ReconcileLoop loop = TestControllers.loop(settings, () -> {
      inReconcile.set(StopEnd.ofCurrentThread());
      reconciled.countDown();
      return new ReconcileResult(Outcome.UNCHANGED, "", Optional.empty(), Optional.empty(),
          List.of(), List.of(), List.of(), new TreeMap<>(), List.of(), List.of(),
          new TreeMap<>(), true, false, false, Optional.empty(), new TreeMap<>());
    }, clock);
    Controller controller = TestControllers.controller(settings,
        new ClosedAs(() -> inClose.set(StopEnd.ofCurrentThread())), loop, new FileWatcher(),
        clock, BOUND);
    controller.start();
    Thread runner = TestControllers.running(controller, new AtomicReference<>());
    assertTrue(reconciled.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "no reconcile ran");

    controller.stop();
    runner.join(BOUND.toMillis());

    assertFalse(runner.isAlive(), "run() did not return");
    assertEquals(Optional.of(loop.stopEnd()), inReconcile.get(), "the reconcile's thread");
    assertEquals(Optional.of(loop.stopEnd()), inClose.get(), "the close's thread");
    assertEquals(Optional.empty(), StopEnd.ofCurrentThread(), "the test's thread");
  }
}
