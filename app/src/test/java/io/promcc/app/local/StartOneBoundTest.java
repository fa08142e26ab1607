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
 * A file or folder whose reads hang costs the start one bound, not two. A clusters file: the
 * file watcher's first look at it, given up after the bound, fails the start naming the file,
 * where the source's own first read waited the bound again for the same volume. A
 * {@code --cert-dir} folder: its first read comes before its watch, and fails the start before
 * the file watcher looks at the folder, whose look would wait the bound again. Reads are waited
 * for 200 ms; the hung read is released after the test.
 */
class StartOneBoundTest {
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
    try (FileWatcher watcher = watcher()) {
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

  @Test
  void aFolderWhoseReadsHangFailsTheStartBeforeItIsWatched() throws Exception {
    Path certs = Files.createDirectories(temp.resolve("certs")).toAbsolutePath();
    volume.hanging = certs;
    try (FileWatcher watcher = watcher()) {
      CertificateDirectory source = new CertificateDirectory(certs, watcher,
          MutableClock.startingNow(), (name, message) -> { }, System::nanoTime, Waiter.SYSTEM,
          BOUND, volume::reach);

      long begun = System.nanoTime();
      String failure = calls.startFailure(source::start);
      Duration took = Duration.ofNanos(System.nanoTime() - begun);

      assertTrue(volume.readBegun.await(HangCalls.PATIENCE_SECONDS, TimeUnit.SECONDS),
          "its read hung");
      assertEquals(1, volume.hungReads.get(), "the start's reads of the hung folder, each "
          + "waited for " + BOUND + " (the start took " + took.toMillis() + " ms)");
      assertEquals("certificate folder \"" + certs + "\" is invalid (1 problem)\n  - was not "
          + "read: its read at start did not end within 200ms (is its volume hanging?)", failure);
      assertEquals("FileWatcher{0 watches, every PT0.02S}", watcher.toString(), "the watcher");
      source.close();
    }
  }

  /** A file watcher whose reads go through the test's volume, each waited for the bound. */
  private FileWatcher watcher() {
    return new FileWatcher(Duration.ofMillis(20), MutableClock.startingNow(), false, volume::read,
        System::nanoTime, Sleeper.SYSTEM, new StopBudget(), BOUND);
  }
}
