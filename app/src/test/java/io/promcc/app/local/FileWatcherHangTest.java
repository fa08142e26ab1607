package io.promcc.app.local;

import static io.promcc.app.local.HangCalls.awaitLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.Sleeper;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A path of the shared {@link FileWatcher} on a volume that hangs (an NFS or FUSE mount that
 * stops answering): a read of it that does not end holds back neither the other paths' changes,
 * nor a new watch, nor the close; it is warned of once, the path keeps its last state, and once
 * the read ends the path is watched on. On real threads and the system's time, every wait
 * bounded; the hung reads are released after each test.
 */
class FileWatcherHangTest {
  private static final Duration INTERVAL = Duration.ofMillis(20);
  private static final Duration READ_BOUND = Duration.ofSeconds(1);
  private static final long PATIENCE_SECONDS = HangCalls.PATIENCE_SECONDS;

  @TempDir Path temp;

  private final HangCalls calls = new HangCalls();
  private final HungVolume volume = new HungVolume();
  private FileWatcher watcher;

  @AfterEach
  void releaseTheVolume() {
    volume.back.countDown();
    calls.close();
    if (watcher != null) {
      watcher.close();
    }
  }

  private FileWatcher watcher(StopBudget stops) {
    watcher = new FileWatcher(INTERVAL, MutableClock.startingNow(), false, volume::read,
        System::nanoTime, Sleeper.SYSTEM, stops, READ_BOUND);
    return watcher;
  }

  @Test
  void aHungReadHoldsBackNoOtherPathsChangeAndIsWarnedOfOnce() throws Exception {
    watcher(new StopBudget());
    Path base = Files.writeString(temp.resolve("base.yml"), "a: 1\n");
    AtomicInteger baseChanges = new AtomicInteger();
    watchedInTime(base, baseChanges::incrementAndGet);
    Path certs = Files.createDirectories(temp.resolve("certs"));
    AtomicInteger certChanges = new AtomicInteger();
    watchedInTime(certs, certChanges::incrementAndGet);
    try (LogCapture log = LogCapture.of(FileWatcher.class)) {
      watcher.start();
      volume.hanging = certs.toAbsolutePath();
      assertTrue(volume.readBegun.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "its read began");

      Files.writeString(base, "a: 2\n");

      awaitCount(baseChanges::get, 1,
          "seen: the base config's change while the read of " + certs + " hangs");
      String warning = "reading " + volume.hanging + " did not end within PT1S (is its volume "
          + "hanging?): taken as unchanged, and not read again until that read ends; the other"
          + " watched files are not held";
      awaitLog(log, warning);
      // checks go on after the warning: each edit is seen by a check after the one before
      for (int edit = 3; edit <= 4; edit++) {
        int seen = baseChanges.get();
        Files.writeString(base, "a: " + edit + "\n");
        awaitCount(baseChanges::get, seen + 1, "seen: edit " + edit);
      }
      assertEquals(1, volume.hungReads.get(), "no other read of " + certs + " began while its read "
          + "hangs (each would hold a thread of its own): " + volume.hungReads + " reads begun");
      assertEquals(1, log.messages().stream().filter(warning::equals).count(),
          "warned once: " + log.messages());
      assertEquals(0, certChanges.get(), "no change told of the path whose read hangs");
    }
  }

  @Test
  void aWatchWaitsForAReadThatHangsNoLongerThanTheBound() throws Exception {
    watcher(new StopBudget());
    Path token = Files.writeString(temp.resolve("token"), "hvs.first\n");
    volume.hanging = token.toAbsolutePath();

    Duration watches = timedWithin("a watch of the path whose read hangs",
        () -> watcher.watch(token, () -> {}))
        .plus(timedWithin("a watch of another path",
            () -> watcher.watch(temp.resolve("clusters.yml"), () -> {})));

    assertTrue(volume.readBegun.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "the read hung");
    assertTrue(watches.compareTo(READ_BOUND.plusSeconds(5)) < 0,
        "the two watches waited for the read " + READ_BOUND + " at most: " + watches);
  }

  @Test
  void aWatchWaitsForItsFirstReadAndTheReadAfterItsNewFolderNoLongerThanTheBoundInAll()
      throws Exception {
    // a busy machine may start the first read's thread, or the registration's, past the bound:
    // that watch makes no read after its new folder, and a watch with twice the bound is made
    for (Duration bound = Duration.ofSeconds(4); !watchedAsItsSecondReadHangs(bound);
        bound = bound.multipliedBy(2)) {
      assertTrue(bound.compareTo(Duration.ofSeconds(16)) < 0, "no watch made the read after its"
          + " new folder's registration, with bounds of 4, 8 and 16 s: each first read or "
          + "registration ended past its bound");
    }
  }

  /**
   * Watches a file with {@code bound} for its reads, the first read taking three quarters of it
   * (a slow volume) and the read after the new folder's registration hanging, and asserts that
   * the watch waited for both within that one bound, as a watch waiting the bound for each read
   * waits at least the bound after the first read ended.
   *
   * @return false if that watch did not make the read after its new folder (its first read, or
   *     the registration, did not end within the bound), and so tested nothing
   */
  private boolean watchedAsItsSecondReadHangs(Duration bound) throws Exception {
    Path token = Files.writeString(temp.resolve("token-" + bound.toSeconds()), "hvs.first\n")
        .toAbsolutePath(); // a file of its own: a late read of another watch's never hangs
    AtomicLong slowUntil = new AtomicLong();
    AtomicLong firstEnded = new AtomicLong();
    if (watcher != null) {
      watcher.close();
    }
    watcher = new FileWatcher(INTERVAL, MutableClock.startingNow(), true, (path, last, now) -> {
      if (last != null) {
        volume.hanging = token; // the read after the new folder's registration hangs
        return volume.read(path, last, now);
      }
      for (long left = slowUntil.get() - System.nanoTime(); left > 0; // the first read: slow
          left = slowUntil.get() - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
      PathState first = volume.read(path, null, now);
      firstEnded.set(System.nanoTime());
      return first;
    }, System::nanoTime, Sleeper.SYSTEM, new StopBudget(), bound);
    AtomicInteger runs = new AtomicInteger();
    AtomicLong began = new AtomicLong();
    AtomicLong ended = new AtomicLong();
    try (LogCapture log = LogCapture.of(EventFolders.class)) {
      FileWatcher.Watch made = calls.within("a watch whose second read hangs", () -> {
        began.set(System.nanoTime()); // timed on the thread that makes it
        slowUntil.set(began.get() + bound.toNanos() / 4 * 3);
        try {
          return watcher.watch(token, runs::incrementAndGet);
        } finally {
          ended.set(System.nanoTime());
        }
      });
      Duration watch = Duration.ofNanos(ended.get() - began.get());
      if (made.firstReadGivenUp() || !secondReadBegun(log)) {
        return false;
      }
      Duration firstRead = Duration.ofNanos(firstEnded.get() - began.get());
      assertTrue(watch.compareTo(firstRead.plus(bound)) < 0, "the watch waited " + bound
          + " at most in all for its reads, not " + bound + " for each: " + watch + ", its "
          + "first read having ended after " + firstRead);
    }
    assertEquals(0, runs.get(), "no listener run: the path keeps what its first read found");
    return true;
  }

  /**
   * Whether the read after the watch's new folder began, waiting for it as long as it takes;
   * false once the registration of that folder is warned of: it did not end by the watch's
   * deadline, and no read after it is made (nor if neither comes within the patience).
   */
  private boolean secondReadBegun(LogCapture log) throws InterruptedException {
    String given = "registering " + temp.toAbsolutePath() + " for file events did not end";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    while (!volume.readBegun.await(1, TimeUnit.MILLISECONDS)) {
      if (log.messages().stream().anyMatch(m -> m.startsWith(given))
          || System.nanoTime() - deadline > 0) {
        return false;
      }
    }
    return true;
  }

  @Test
  void theCloseWaitsForNoReadThatHangs() throws Exception {
    watcher(new StopBudget());
    Path certs = Files.createDirectories(temp.resolve("certs"));
    watcher.watch(certs, () -> {});
    watcher.start();
    volume.hanging = certs.toAbsolutePath();
    assertTrue(volume.readBegun.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "its read began");

    long before = System.nanoTime();
    try (LogCapture log = LogCapture.of(FileWatcher.class)) {
      calls.within("the watcher's close", () -> {
        watcher.close();
        return null;
      });
      Duration close = Duration.ofNanos(System.nanoTime() - before);

      assertTrue(close.compareTo(StopBudget.TOTAL.minusSeconds(1)) < 0, "the close waited for "
          + "no read, where it could have spent the stop's " + StopBudget.TOTAL + ": " + close);
      assertTrue(log.messages().stream().noneMatch(m -> m.contains("had not ended")),
          "the watcher's thread ended: " + log.messages());
    }
  }

  @Test
  void onceTheHungReadEndsThePathKeepsItsStateAndIsWatchedOn() throws Exception {
    watcher(new StopBudget());
    Path profile = Files.writeString(temp.resolve("profile.yml"), "jobs: []\n");
    AtomicInteger changes = new AtomicInteger();
    CountDownLatch changed = new CountDownLatch(1);
    watchedInTime(profile, () -> {
      changes.incrementAndGet();
      changed.countDown();
    });
    try (LogCapture log = LogCapture.of(FileWatcher.class)) {
      watcher.start();
      volume.hanging = profile.toAbsolutePath();
      awaitLog(log, "reading " + volume.hanging + " did not end within PT1S");

      volume.hanging = null; // the volume answers from now on
      volume.back.countDown();
      awaitLog(log, "reading " + profile.toAbsolutePath() + ", which did not end within PT1S,"
          + " ended after ");
      awaitReads(volume.reads.get() + 1);
      assertEquals(0, changes.get(), "what the late read found is what was there: no change");

      Files.writeString(profile, "jobs: [node]\n");
      assertTrue(changed.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "the change was seen");
    }
  }

  /**
   * A watch of {@code path}, made again while its first read was given up (its thread late past
   * the bound on a busy machine), the next watch waiting for that read: it is not hanging, and
   * once it ends the path would be taken as changed, or a read that reaches the volume once the
   * test makes it hang would have been warned of before the test looks.
   */
  private FileWatcher.Watch watchedInTime(Path path, Runnable listener) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    while (true) {
      FileWatcher.Watch watch = watcher.watch(path, listener);
      if (!watch.firstReadGivenUp()) {
        return watch;
      }
      watch.close();
      assertTrue(System.nanoTime() - deadline < 0, "no first read of " + path + " ended within "
          + READ_BOUND + " in " + PATIENCE_SECONDS + " s");
    }
  }

  /**
   * How long {@code call} took, timed on the thread that makes it: that thread starting late on
   * a busy machine is not counted as a wait of the watcher's.
   */
  private Duration timedWithin(String what, Callable<?> call) throws Exception {
    return calls.within(what, () -> {
      long start = System.nanoTime();
      call.call();
      return Duration.ofNanos(System.nanoTime() - start);
    });
  }

  /** Waits until the paths were read {@code count} times in all. */
  private void awaitReads(long count) {
    awaitCount(volume.reads::get, count, "read " + count + " times");
  }

  /** Waits until {@code count} is at least {@code atLeast}. */
  private static void awaitCount(LongSupplier count, long atLeast, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    while (count.getAsLong() < atLeast) {
      assertTrue(System.nanoTime() < deadline, "not " + what + " (" + count.getAsLong()
          + ") within " + PATIENCE_SECONDS + " s");
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
