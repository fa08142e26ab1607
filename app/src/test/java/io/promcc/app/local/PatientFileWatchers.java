package io.promcc.app.local;

import io.promcc.core.port.Sleeper;
import java.time.Clock;
import java.time.Duration;

/** {@link FileWatcher}s for the tests of other packages. */
public final class PatientFileWatchers {
  private PatientFileWatchers() {}

  /**
   * A watcher as {@code new FileWatcher()}, but whose close waits up to {@code stop} for its
   * thread, where a watcher's waits {@link StopBudget#TOTAL}: a listener held until its test lets
   * it go holds that close until then, and not until a time of the watcher's own.
   */
  public static FileWatcher closingWithin(Duration stop) {
    return new FileWatcher(FileWatcher.DEFAULT_CHECK_INTERVAL, Clock.systemUTC(), true, null,
        System::nanoTime, Sleeper.SYSTEM, new StopBudget(stop, System::nanoTime),
        BoundedFileWatch.READ_BOUND);
  }
}
