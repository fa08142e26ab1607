package io.promcc.app.local;

import io.promcc.core.model.Quoting;
import io.promcc.core.port.Sleeper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The wait for a local CA state folder's lock ({@code ca.lock}, see {@link CaStore}), which
 * another process (a second controller on the same folder) or another CA of this process may
 * hold: tried every {@link #LOCK_POLL}, for a bounded time on a clock. Holds no state between
 * waits; thread-safe.
 */
final class CaFolderLock {
  /** Tries the folder's lock once; a seam for tests of a lock another process holds. */
  @FunctionalInterface
  interface Locker {
    /**
     * As {@link FileChannel#tryLock()}: null if another process holds it, an
     * {@link OverlappingFileLockException} if this one does.
     */
    FileLock tryLock(FileChannel channel) throws IOException;
  }

  /** How long the folder's lock is waited for by default. */
  static final Duration LOCK_WAIT = Duration.ofSeconds(30);
  /** How often the folder's lock is tried while another process holds it. */
  static final Duration LOCK_POLL = Duration.ofMillis(50);

  private final Path folder;
  private final Duration lockWait;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Locker locker;

  /**
   * @param folder the state folder, named in messages
   * @param lockWait how long to wait for the lock
   * @param clock times the wait, with {@code sleeper}
   * @param locker tries the lock once
   */
  CaFolderLock(Path folder, Duration lockWait, Clock clock, Sleeper sleeper, Locker locker) {
    this.folder = folder;
    this.lockWait = lockWait;
    this.clock = clock;
    this.sleeper = sleeper;
    this.locker = locker;
  }

  /**
   * The folder's lock, waited for at most the lock wait on the clock. Each sleep counts the
   * clock's time across it, but at least its length and at most twice it: a wall clock set back
   * while waiting does not stretch the wait, nor one set forward cut it short. Ends, without a
   * try more, once {@code stopped} says so.
   */
  FileLock acquire(FileChannel channel, Path lockFile, BooleanSupplier stopped)
      throws IOException {
    Duration waited = Duration.ZERO;
    while (true) {
      FileLock lock;
      try {
        lock = locker.tryLock(channel);
      } catch (OverlappingFileLockException heldInThisProcess) {
        // another CA of this process on this folder: waited for as another process is, not
        // under a lock of the process, which would hold up every folder's start with this one
        lock = null;
      }
      if (lock != null) {
        return lock;
      }
      if (waited.compareTo(lockWait) >= 0) {
        throw new LocalCaException("local CA state folder " + quote(folder) + " is locked by "
            + "another process (" + quote(lockFile) + "), still after " + lockWait
            + ": is a second promcc using it?");
      }
      Instant before = clock.instant();
      try {
        sleeper.sleep(LOCK_POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalCaException("interrupted while waiting for the lock of local CA state "
            + "folder " + quote(folder));
      }
      waited = waited.plus(between(Duration.between(before, clock.instant()), LOCK_POLL,
          LOCK_POLL.multipliedBy(2)));
      if (stopped.getAsBoolean()) {
        throw new LocalCaException("local CA in " + quote(folder) + " was closed while its "
            + "start waited for the lock of its state folder");
      }
    }
  }

  /** {@code value}, but at least {@code min} and at most {@code max}. */
  private static Duration between(Duration value, Duration min, Duration max) {
    return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
  }

  private static String quote(Path path) {
    return Quoting.quote(path.toString());
  }
}
