package io.promcc.app.local;

import static io.promcc.app.local.HangCalls.awaitLog;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.port.Sleeper;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A path of the shared {@link FileWatcher} whose watch is dropped while its read hangs, and
 * which is watched again while that read still hangs: the new watch is told of the hang as a
 * watch of a path that hangs is (it waits the bound once, and it is warned of), where the old
 * watch's hang was taken for it unsaid. On real threads and the system's time, every wait
 * bounded; the hung read is released after the test.
 */
class FileWatcherDroppedHangTest {
  private static final Duration INTERVAL = Duration.ofMillis(20);
  private static final Duration READ_BOUND = Duration.ofMillis(200);

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
  void aPathDroppedWhileItsReadHangsIsWarnedOfAgainWhenWatchedAgain() throws Exception {
    watcher = new FileWatcher(INTERVAL, MutableClock.startingNow(), false, volume::read,
        System::nanoTime, Sleeper.SYSTEM, new StopBudget(), READ_BOUND);
    Path token = Files.writeString(temp.resolve("token"), "hvs.first\n").toAbsolutePath();
    String warning = "reading " + token + " did not end within PT0.2S (is its volume "
        + "hanging?): taken as unchanged, and not read again until that read ends; the other"
        + " watched files are not held";
    try (LogCapture log = LogCapture.of(FileWatcher.class)) {
      // hung from the first read: no read of it has to end within the bound
      volume.hanging = token;
      FileWatcher.Watch first = calls.within("the first watch of the path",
          () -> watcher.watch(token, () -> {}));
      awaitLog(log, warning);
      first.close();

      // the warning comes before the watch returns: it waited the bound for the hung read
      calls.within("a watch of the path again", () -> watcher.watch(token, () -> {}));

      assertEquals(2, log.messages().stream().filter(warning::equals).count(),
          "warned again as the path was watched again: " + log.messages());
      assertEquals(1, volume.hungReads.get(), "no other read of " + token + " began while its "
          + "read hangs: " + volume.hungReads + " begun");
    }
  }
}
