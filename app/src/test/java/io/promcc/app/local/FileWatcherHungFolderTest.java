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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder of the shared {@link FileWatcher} whose registration for file events hangs (the
 * folder lookup of an NFS or FUSE mount that stops answering): it holds back neither a new
 * watch nor the other paths' changes, it is warned of once and not registered again until it
 * ends, and then the folder is watched on. On real threads and the system's time, every wait
 * bounded; the hung registration is released after each test.
 */
class FileWatcherHungFolderTest {
  private static final Duration INTERVAL = Duration.ofMillis(20);
  private static final Duration BOUND = Duration.ofSeconds(1);
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

  @Test
  void aRegistrationThatHangsHoldsBackNoOtherWatchAndIsWarnedOfOnce() throws Exception {
    watcher = new FileWatcher(INTERVAL, MutableClock.startingNow(), true, volume::read,
        System::nanoTime, Sleeper.SYSTEM, new StopBudget(), BOUND, volume::register);
    Path base = Files.writeString(temp.resolve("base.yml"), "a: 1\n");
    AtomicInteger baseChanges = new AtomicInteger();
    watcher.watch(base, baseChanges::incrementAndGet);
    watcher.start();
    Path nfs = Files.createDirectories(temp.resolve("nfs")).toAbsolutePath();
    Path token = Files.writeString(nfs.resolve("token"), "hvs.first\n");
    AtomicInteger tokenChanges = new AtomicInteger();
    volume.hanging = nfs;
    try (LogCapture log = LogCapture.of(EventFolders.class)) {
      calls.within("a watch of a file in the folder whose registration hangs",
          () -> watcher.watch(token, tokenChanges::incrementAndGet));
      assertTrue(volume.readBegun.await(PATIENCE_SECONDS, TimeUnit.SECONDS),
          "its registration began");

      String warning = "registering " + nfs + " for file events did not end within PT1S (is "
          + "its volume hanging?): the files watched in it are checked periodically, and it "
          + "is not registered again until that ends; the other watched files are not held";
      for (int edit = 2; edit <= 4; edit++) {
        int seen = baseChanges.get();
        Files.writeString(base, "a: " + edit + "\n");
        awaitCount(baseChanges::get, seen + 1, "seen: edit " + edit + " of " + base);
      }
      awaitLog(log, warning);
      Files.writeString(token, "hvs.second\n");
      awaitCount(tokenChanges::get, 1, "seen by the periodic checks: the change of " + token);
      assertEquals(1, volume.hungReads.get(), "no other registration of " + nfs + " began "
          + "while one hangs: " + volume.hungReads + " begun");
      assertEquals(1, log.messages().stream().filter(warning::equals).count(),
          "warned once: " + log.messages());

      volume.hanging = null; // the volume answers from now on
      volume.back.countDown();
      awaitLog(log, "registering " + nfs + " for file events, which did not end within PT1S,"
          + " ended after ");
      Files.writeString(token, "hvs.third\n");
      awaitCount(tokenChanges::get, 2, "seen: the next change of " + token);
    }
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
