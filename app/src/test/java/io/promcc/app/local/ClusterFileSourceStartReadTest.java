package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ValidationException;
import io.promcc.core.port.Sleeper;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clusters file's first read when {@code promcc run} starts, on a volume that hangs: the
 * start fails within the bound, naming the file and the bound, where it hung for good. The hung
 * read is released after the test.
 */
class ClusterFileSourceStartReadTest {
  @TempDir Path temp;

  private final HangCalls calls = new HangCalls();
  private final HungVolume volume = new HungVolume();

  @AfterEach
  void releaseTheVolume() {
    volume.back.countDown();
    calls.close();
  }

  @Test
  void aFirstReadThatHangsFailsTheStartNamingTheFileAndTheBound() throws Exception {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "[]\n").toAbsolutePath();
    volume.hanging = file;
    try (FileWatcher watcher = new FileWatcher(Duration.ofMillis(20),
        MutableClock.startingNow(), false)) {
      ClusterFileSource source = new ClusterFileSource(file, watcher, (s, message) -> { },
          System::nanoTime, Sleeper.SYSTEM, (path, max) -> {
            volume.read(path, null, Instant.now()); // hangs: the volume stopped answering
            return RegularFiles.read(path, max);
          }, Waiter.SYSTEM, Runnable::run,
          new StartReads(Duration.ofMillis(200), path -> { }));

      ValidationException e = calls.within("the source's start",
          () -> assertThrows(ValidationException.class, source::start));

      assertTrue(volume.readBegun.await(HangCalls.PATIENCE_SECONDS, TimeUnit.SECONDS),
          "its read hung");
      assertEquals("clusters file \"" + file + "\" is invalid (1 problem)\n  - was not read: its "
          + "read at start did not end within 200ms (is its volume hanging?)", e.getMessage());
      source.close();
    }
  }
}
