package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A path whose every read takes longer than the bound (a volume that answers, slowly) is one
 * hang: warned of once, and its end (the first read within the bound again) told once, with how
 * many reads were late and the longest, not two lines per read; and a path dropped while its
 * read hangs (its watches closed) is forgotten, so that its next hang is warned of again. The
 * reads are let go one at a time by the test; no wait but the bound's (50 ms).
 */
class WatchedPathReadsHangLogTest {
  private static final Duration BOUND = Duration.ofMillis(50);
  private static final String WARNING = "did not end within PT0.05S (is its volume hanging?)";

  @TempDir Path temp;

  private final Semaphore answers = new Semaphore(0);
  private final HungVolume volume = new HungVolume();
  private volatile boolean slow = true;
  private WatchedPathReads reads;

  @AfterEach
  void releaseTheVolume() {
    slow = false;
    answers.release(100);
    volume.back.countDown();
    reads.close();
  }

  /** Reads that end when the test lets them go, while {@link #slow}. */
  private WatchedPathReads slowReads() {
    return new WatchedPathReads("test", BOUND, (path, previous, now) -> {
      if (slow) {
        answers.acquireUninterruptibly(); // a slow volume: each read ends when let go
      }
      return volume.read(path, previous, now);
    }, MutableClock.startingNow(), System.getLogger(WatchedPathReads.class.getName()));
  }

  @Test
  void readsThatAllTakeLongerThanTheBoundAreOneHangWarnedOnceAndEndedOnce() throws Exception {
    Path profile = Files.writeString(temp.resolve("profile.yml"), "jobs: []\n").toAbsolutePath();
    reads = slowReads();
    try (LogCapture log = LogCapture.of(WatchedPathReads.class)) {
      PathState last = null;
      for (int read = 1; read <= 3; read++) {
        WatchedPathReads.Pending pending = reads.start(profile, last);
        assertNull(reads.await(pending), "read " + read + " is late");
        answers.release();
        WatchedPathReads.Look late = pending.future.get(30, TimeUnit.SECONDS);
        assertNotNull(reads.await(reads.start(profile, last)), "its late result is taken");
        last = late.state();
      }
      slow = false;
      assertNotNull(reads.await(reads.start(profile, last), System.nanoTime()
          + TimeUnit.SECONDS.toNanos(30)), "a read that ends, waited for as long as it takes");

      List<String> lines = log.messages();
      assertEquals(1, lines.stream().filter(m -> m.contains(WARNING)).count(),
          "one warning for the hang: " + lines);
      assertEquals(2, lines.size(), "one line for the hang and one for its end: " + lines);
      String end = lines.get(1);
      assertTrue(end.startsWith("reading " + profile + ", which did not end within PT0.05S,"
          + " ended after "), end);
      assertTrue(end.contains("3 reads in a row took longer than PT0.05S, the longest "), end);
      assertTrue(end.endsWith("; the read after them ended within it: it is checked as before"),
          end);
    }
  }

  @Test
  void aPathDroppedWhileItsReadHangsIsWarnedOfAgainAtItsNextHang() throws Exception {
    Path token = Files.writeString(temp.resolve("token"), "hvs.first\n").toAbsolutePath();
    reads = slowReads();
    try (LogCapture log = LogCapture.of(WatchedPathReads.class)) {
      WatchedPathReads.Pending hung = reads.start(token, null);
      assertNull(reads.await(hung), "the read is late");
      reads.dropped(token); // its watch closed
      answers.release();
      hung.future.get(30, TimeUnit.SECONDS); // it ends while no watch reads the path

      slow = false; // watched again: its first read ends within the bound
      assertNotNull(reads.await(reads.start(token, null),
          System.nanoTime() + TimeUnit.SECONDS.toNanos(30)), "the new watch's first read");
      slow = true;
      assertNull(reads.await(reads.start(token, null)), "the read after it hangs");

      assertEquals(2, log.messages().stream().filter(m -> m.contains(WARNING)).count(),
          "the new hang warned of as the first was: " + log.messages());
    }
  }
}
