package io.promcc.app.local;

import static io.promcc.app.local.HangCalls.awaitLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file watched on a volume that hangs (the Vault login credential's, on NFS whose server is
 * gone): a read of it that never ends holds neither the shared {@link FileWatcher} (its other
 * watches, a new watch, its close) nor the stop. On real threads and the system's time, every
 * wait bounded; the hung reads are released after each test.
 */
class BoundedFileWatchTest {
  private static final Duration INTERVAL = Duration.ofMillis(20);
  private static final long PATIENCE_SECONDS = HangCalls.PATIENCE_SECONDS;

  @TempDir Path temp;

  private final HangCalls calls = new HangCalls();
  private final HungVolume volume = new HungVolume();

  @AfterEach
  void releaseTheVolume() {
    volume.back.countDown();
    calls.close();
  }

  @Test
  void aReadThatNeverEndsHoldsNeitherTheSharedWatcherNorTheStop() throws Exception {
    FileWatcher watcher = new FileWatcher(INTERVAL, MutableClock.startingNow(), false,
        volume::read);
    Path base = Files.writeString(temp.resolve("base.yml"), "a: 1\n");
    CountDownLatch baseChanged = new CountDownLatch(1);
    watcher.watch(base, baseChanged::countDown);
    watcher.start();
    volume.hanging = Files.writeString(temp.resolve("token"), "hvs.first\n").toAbsolutePath();

    FileWatcher.Watch credential = calls.within("the credential's watch to begin",
        () -> BoundedFileWatch.start(volume.hanging, "promcc-vault-credential-file",
            watcher.stopBudget(), () -> {}, INTERVAL, Duration.ofMinutes(1), volume::read,
            MutableClock.startingNow()));
    assertTrue(volume.readBegun.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "its read began");
    calls.within("another watch to begin", () -> watcher.watch(temp.resolve("clusters.yml"),
        () -> {}));
    Files.writeString(base, "a: 2\n");
    assertTrue(baseChanged.await(PATIENCE_SECONDS, TimeUnit.SECONDS),
        "the base config's change was seen");
    calls.within("the watcher's close", () -> {
      watcher.close();
      return null;
    });
    long before = System.nanoTime();
    calls.within("the credential watch's close", () -> {
      credential.close();
      return null;
    });
    Duration close = Duration.ofNanos(System.nanoTime() - before);
    assertTrue(close.compareTo(StopBudget.TOTAL.minusSeconds(1)) < 0, "the close waited for "
        + "no read, where it could have spent the stop's " + StopBudget.TOTAL + ": " + close);
  }

  @Test
  void itsFirstReadIsTheStartingPointAndAChangeRunsTheListener() throws Exception {
    Path token = Files.writeString(temp.resolve("token"), "hvs.first\n");
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch changed = new CountDownLatch(1);
    try (BoundedFileWatch watch = BoundedFileWatch.start(token, "promcc-test-watch",
        new StopBudget(), () -> {
          runs.incrementAndGet();
          changed.countDown();
        }, INTERVAL, Duration.ofMinutes(1), volume::read, MutableClock.startingNow())) {
      assertEquals(token.toAbsolutePath(), watch.path());
      awaitCheck(watch); // the starting point, then a check that finds it unchanged
      assertEquals(0, runs.get(), "nothing changed yet");
      Files.writeString(token, "hvs.second\n");
      assertTrue(changed.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "the change was seen");
    }
  }

  @Test
  void aReadThatEndsLateIsTakenAndTheFileIsWatchedOn() throws Exception {
    volume.hanging = Files.writeString(temp.resolve("token"), "hvs.first\n").toAbsolutePath();
    CountDownLatch changed = new CountDownLatch(1);
    try (LogCapture log = LogCapture.of(BoundedFileWatch.class);
        BoundedFileWatch watch = BoundedFileWatch.start(volume.hanging, "promcc-test-watch",
            new StopBudget(), changed::countDown, INTERVAL, Duration.ofSeconds(2),
            volume::read, MutableClock.startingNow())) {
      awaitLog(log, "reading " + volume.hanging + " did not end within PT2S (is its volume "
          + "hanging?): taken as unchanged, and not read again until that read ends; the "
          + "other watched files are not held");
      pause(Duration.ofMillis(300)); // 15 checks' time, where a check could begin a read
      assertEquals(1, volume.hungReads.get(), "no read begun while one hangs");
      volume.hanging = null; // the volume answers from now on
      volume.back.countDown();
      awaitLog(log, "reading " + watch.path() + ", which did not end within PT2S, ended");
      Files.writeString(watch.path(), "hvs.second\n");
      assertTrue(changed.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "the change was seen");
      assertEquals(1, log.messages().stream()
          .filter(m -> m.contains("(is its volume hanging?)")).count(),
          "warned once: " + log.messages());
    }
  }

  /** Waits until {@code watch} has read its file twice (its starting point first). */
  private void awaitCheck(BoundedFileWatch watch) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    while (volume.allReads.get() < 2) {
      assertTrue(System.nanoTime() < deadline, "no two reads of " + watch.path());
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** Lets {@code time} pass on the system's time: what the watch's thread may do meanwhile. */
  private static void pause(Duration time) {
    long end = System.nanoTime() + time.toNanos();
    for (long left = time.toNanos(); left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
