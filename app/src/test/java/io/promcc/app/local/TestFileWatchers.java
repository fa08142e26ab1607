package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.core.port.Sleeper;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * File watchers for the tests of other packages, which cannot reach {@link FileWatcher}'s seams
 * (package-private): one whose reads reach the test's volume first, as {@link StartReads}' do.
 */
public final class TestFileWatchers {
  private TestFileWatchers() {}

  /**
   * A watcher without file events, checking every 20 ms once started, each read of a path
   * reaching {@code volume} with it first, on its reader thread (where a volume that hangs
   * holds it), and waited for at most {@code readBound}.
   */
  public static FileWatcher reaching(Consumer<Path> volume, Duration readBound) {
    requireNonNull(volume, "volume == null");
    AtomicLong reads = new AtomicLong();
    return new FileWatcher(Duration.ofMillis(20), MutableClock.startingNow(), false,
        (path, previous, now) -> {
          volume.accept(path);
          return PathState.of(path, previous, now, reads);
        }, System::nanoTime, Sleeper.SYSTEM, new StopBudget(), readBound);
  }
}
