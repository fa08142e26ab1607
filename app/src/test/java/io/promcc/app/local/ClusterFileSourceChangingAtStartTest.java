package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.Sleeper;
import io.promcc.core.port.SourceNotReadyException;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clusters file rewritten without pause while the controller starts: the start's read waits
 * for it to hold still (up to 4 s), which is no read that does not answer. The start returns,
 * the source not synced, and says the file was still changing, where those waits ran inside
 * the start's bound of a read (10 s) and a start slow by the rest failed as a volume that
 * hangs. On a model of time: each sleep moves the ticker as long as asked and rewrites the
 * file, at once. The waits run on the start's thread, outside the reads' bound (each read on a
 * reader thread, waited for at most 30 s, which only a failure reaches): a bound over a wait is
 * seen where the wait runs, not by how long it takes, so no real time decides the test.
 */
class ClusterFileSourceChangingAtStartTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path temp;

  private final AtomicLong now = new AtomicLong();
  private final AtomicInteger writes = new AtomicInteger();
  private final Set<String> waitedOn = ConcurrentHashMap.newKeySet();
  private final Set<String> readOn = ConcurrentHashMap.newKeySet();

  @Test
  void aFileRewrittenWithoutPauseAtStartIsStillChangingNotAHungVolume() throws Exception {
    Path file = write(temp.resolve("clusters.yml").toAbsolutePath(), clusters(0));
    Sleeper rewriting = duration -> {
      now.addAndGet(duration.toNanos());
      waitedOn.add(Thread.currentThread().getName());
      write(file, clusters(writes.incrementAndGet()));
    };
    ClusterFileSource.Reader reader = (path, max) -> {
      readOn.add(Thread.currentThread().getName());
      return RegularFiles.read(path, max);
    };
    try (FileWatcher watcher = new FileWatcher(Duration.ofHours(1), MutableClock.startingNow(),
        false);
        LogCapture log = LogCapture.of(ClusterFileSource.class)) {
      ClusterFileSource source = new ClusterFileSource(file, watcher, (s, message) -> { },
          now::get, rewriting, reader, Waiter.SYSTEM, Runnable::run,
          new StartReads(BOUND, path -> { }));
      try {
        source.start();

        assertEquals(Set.of(Thread.currentThread().getName()), waitedOn,
            "the threads the waits for the file to hold still ran on");
        assertTrue(readOn.stream().allMatch(name -> name.startsWith("promcc-start-read-")),
            "each read on a reader thread, bounded: " + readOn);
        assertEquals(Duration.ofSeconds(4), Duration.ofNanos(now.get()),
            "4 s of waits for the file to hold still, on the model's time");
        assertEquals(List.of("clusters file \"" + file + "\" was still changing after 4 s of "
            + "waiting for it to hold still; it is read again at the next check"),
            log.messages().stream().filter(m -> m.contains(file.toString())).toList(),
            "said still changing, after " + writes.get() + " writes");
        assertFalse(source.awaitSynced(Duration.ZERO), "synced on a file still changing");
        SourceNotReadyException notReady =
            assertThrows(SourceNotReadyException.class, source::snapshot);
        assertEquals("clusters file \"" + file + "\" is still changing; it is read once it "
            + "holds still", notReady.getMessage());
      } finally {
        source.close();
      }
    }
  }

  private static String clusters(int n) {
    return "- id: c" + n + "\n  provider: aws\n  apiServer: https://c" + n + ".example\n";
  }

  private static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
