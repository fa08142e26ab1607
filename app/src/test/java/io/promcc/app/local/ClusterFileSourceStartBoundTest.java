package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.Sleeper;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clusters file whose reads hang costs the start one bound, not two: the file watcher's first
 * look at it, given up after the bound, fails the start naming the file, where the source's own
 * first read waited the bound again for the same volume. Reads are waited for 200 ms; the hung
 * read is released after the test.
 */
class ClusterFileSourceStartBoundTest {
  private static final Duration BOUND = Duration.ofMillis(200);

  @TempDir Path temp;

  private final HangCalls calls = new HangCalls();
  private final HungVolume volume = new HungVolume();

  @AfterEach
  void releaseTheVolume() {
    volume.back.countDown();
    calls.close();
  }

  @Test
  void aFileWhoseWatchGaveUpItsFirstReadFailsTheStartWithoutASecondWait() throws Exception {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "[]\n").toAbsolutePath();
    volume.hanging = file;
    try (FileWatcher watcher = new FileWatcher(Duration.ofMillis(20), MutableClock.startingNow(),
        false, volume::read, System::nanoTime, Sleeper.SYSTEM, new StopBudget(), BOUND)) {
      ClusterFileSource source = new ClusterFileSource(file, watcher, (s, message) -> { },
          System::nanoTime, Sleeper.SYSTEM, RegularFiles::read, Waiter.SYSTEM, Runnable::run,
          new StartReads(BOUND, volume::reach));

      long begun = System.nanoTime();
      String failure = calls.startFailure(source::start);
      Duration took = Duration.ofNanos(System.nanoTime() - begun);

      assertTrue(volume.readBegun.await(HangCalls.PATIENCE_SECONDS, TimeUnit.SECONDS),
          "its read hung");
      assertEquals(1, volume.hungReads.get(), "the start's reads of the hung file, each waited "
          + "for " + BOUND + " (the start took " + took.toMillis() + " ms)");
      assertEquals("clusters file \"" + file + "\" is invalid (1 problem)\n  - was not read: its "
          + "read at start did not end within 200ms (is its volume hanging?)", failure);
      source.close();
    }
  }
}
