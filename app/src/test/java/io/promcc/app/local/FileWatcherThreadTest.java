package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background thread's periodic checks, without file events, on a fake ticker: its sleeper
 * passes the time asked on the ticker when the test says, so each step of a test is one round
 * of the thread's loop (sleep, check, run listeners) and no test waits for a timer.
 */
class FileWatcherThreadTest {
  private static final Duration INTERVAL = FileWatcher.DEFAULT_CHECK_INTERVAL;

  @TempDir Path temp;

  private final MutableClock clock = MutableClock.startingNow();
  private final FakeTicker ticker = new FakeTicker();
  private final SteppedSleeper sleeper = new SteppedSleeper(ticker);
  private final AtomicInteger changes = new AtomicInteger();
  private FileWatcher watcher;

  @AfterEach
  void closeWatcher() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private FileWatcher watcher(FileWatcher.StateReader reader) {
    watcher = new FileWatcher(INTERVAL, clock, false, reader, ticker, sleeper, new StopBudget(),
        BoundedFileWatch.READ_BOUND);
    return watcher;
  }

  /** The thread sleeps one check interval on its ticker between checks. */
  @Test
  void theBackgroundThreadChecksEveryIntervalOnItsTicker() throws Exception {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    watcher(null).watch(file, changes::incrementAndGet);
    watcher.start();
    assertEquals(INTERVAL, sleeper.awaitSleep(), "the first check is one interval away");

    Files.writeString(file, "b");
    assertEquals(0, changes.get(), "no check before the interval passed");

    assertEquals(INTERVAL, sleeper.step(), "the next check is one interval away");
    assertEquals(1, changes.get(), "the check after the interval noticed the edit");
  }

  @Test
  void aListenerThatThrowsAnErrorDoesNotEndTheBackgroundChecks() throws Exception {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    AtomicBoolean failed = new AtomicBoolean();
    watcher(null).watch(file, () -> {
      if (!failed.getAndSet(true)) {
        throw new StackOverflowError("a listener's parse recursed too deep");
      }
      changes.incrementAndGet();
    });
    watcher.start();
    sleeper.awaitSleep();

    Files.writeString(file, "b");
    sleeper.step();
    assertTrue(failed.get(), "the listener ran and failed");
    Files.writeString(file, "c");
    sleeper.step();

    assertEquals(1, changes.get(), "a later edit is still noticed");
  }

  @Test
  void anErrorWhileAPathIsReadDoesNotEndTheBackgroundChecks() throws Exception {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    AtomicBoolean armed = new AtomicBoolean();
    AtomicBoolean thrown = new AtomicBoolean();
    watcher((path, previous, now) -> {
      if (armed.get() && !thrown.getAndSet(true)) {
        throw new OutOfMemoryError("Java heap space (listing a huge folder)");
      }
      return PathState.of(path, previous, now, new AtomicLong());
    }).watch(file, changes::incrementAndGet);
    watcher.start();
    sleeper.awaitSleep();

    armed.set(true);
    sleeper.step();
    assertTrue(thrown.get(), "the reader threw once");
    int seen = changes.get();
    Files.writeString(file, "b");
    sleeper.step();

    assertEquals(seen + 1, changes.get(), "a later edit is still noticed");
  }
}
