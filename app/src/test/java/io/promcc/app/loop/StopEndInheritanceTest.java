package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A thread that work a stop may give up on starts (a reader or writer thread of the file store
 * under a given-up reconcile) runs marked with that stop, as the thread that started it, so that
 * its late lines say they come after the stop; a thread started outside that work is not, nor is
 * a thread promcc does not name (a library's, the JVM's: a fork-join pool's worker, a timer),
 * which may serve whatever it is handed later.
 */
class StopEndInheritanceTest {
  private static final long BOUND = 30_000;

  @Test
  void aThreadStartedByMarkedWorkRunsMarkedWithItsStop() throws Exception {
    StopEnd stop = new StopEnd();
    AtomicReference<Optional<StopEnd>> seen = new AtomicReference<>();

    stop.runMarked(() -> runOnANewThread(seen, "promcc-file-store-write"));

    assertEquals(Optional.of(stop), seen.get(), "the thread the marked work started");
  }

  @Test
  void aThreadALibraryStartsForMarkedWorkRunsUnmarked() throws Exception {
    StopEnd stop = new StopEnd();
    AtomicReference<Optional<StopEnd>> seen = new AtomicReference<>();

    stop.runMarked(() -> runOnANewThread(seen, "CompletableFutureDelayScheduler"));

    assertEquals(Optional.empty(), seen.get(), "a library's thread, which serves what comes");
  }

  @Test
  void aThreadStartedOnceTheMarkedWorkEndedRunsUnmarked() throws Exception {
    StopEnd stop = new StopEnd();
    stop.runMarked(() -> { });
    AtomicReference<Optional<StopEnd>> seen = new AtomicReference<>();

    runOnANewThread(seen, "promcc-file-store-write");

    assertEquals(Optional.empty(), seen.get(), "a thread started after the marked work");
  }

  @Test
  void aForkJoinWorkerMadeForMarkedWorkRunsUnmarked() throws Exception {
    StopEnd stop = new StopEnd();
    ForkJoinPool pool = new ForkJoinPool(1);
    AtomicReference<Optional<StopEnd>> seen = new AtomicReference<>();
    try {
      stop.runMarked(() -> pool.submit(() -> seen.set(StopEnd.ofCurrentThread())).join());
    } finally {
      pool.shutdown();
      assertEquals(true, pool.awaitTermination(BOUND, TimeUnit.MILLISECONDS), "pool ended");
    }

    assertEquals(Optional.empty(), seen.get(), "a worker the marked work's hand-off made");
  }

  private static void runOnANewThread(AtomicReference<Optional<StopEnd>> seen, String name) {
    Thread thread = new Thread(() -> seen.set(StopEnd.ofCurrentThread()), name);
    thread.start();
    try {
      thread.join(BOUND);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertFalse(thread.isAlive(), "the thread did not end");
  }
}
