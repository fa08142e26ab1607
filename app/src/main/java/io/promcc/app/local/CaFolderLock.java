package io.promcc.app.local;

import io.promcc.core.model.Quoting;
import io.promcc.core.port.Sleeper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The wait for a local CA state folder's lock ({@code ca.lock}, see {@link CaStore}), which
 * another process (a second controller on the same folder), another CA of this process, or this
 * process outside its CAs may hold: tried every {@link #LOCK_POLL}, for a bounded time on a
 * monotonic ticker; a wait that ends names the holder it last found. Holds no state between waits;
 * thread-safe.
 *
 * <p>The lock is the process' (POSIX {@code fcntl}), and closing any descriptor of the lock file
 * releases it, also one that never held it. So a CA first {@linkplain #claim claims} the folder
 * in this process, and only then opens the file: another CA of this process on the folder waits
 * for the claim, and never opens the file while the lock is held here.
 */
final class CaFolderLock {
  /**
   * The folders a CA of this process has claimed, by file key (device and inode) or, without
   * one, by path; guarded by itself. A claim holds its folder open, so that its inode is not
   * freed while it lasts: a folder deleted during a claim's wait, and one made then, which could
   * take a freed inode (ext4 gives the last one freed), are never taken for one another.
   */
  private static final Set<Object> CLAIMED = new HashSet<>();

  /**
   * A folder claimed in this process, from {@link #claim} until {@link #close()}; the time
   * waited for it counts towards the wait for the lock. Close it after the lock file.
   */
  static final class Claim implements AutoCloseable {
    private final Opened folder;
    private final Duration waited;
    private boolean closed; // guarded by CLAIMED

    private Claim(Opened folder, Duration waited) {
      this.folder = folder;
      this.waited = waited;
    }

    /** Lets another CA of this process open the folder's lock file. Idempotent. */
    @Override
    public void close() {
      synchronized (CLAIMED) {
        if (!closed) {
          closed = true;
          CLAIMED.remove(folder.key());
        }
      }
      folder.close();
    }
  }

  /** The folder held open (none where it could not be opened), and its key. */
  private record Opened(Object key, Optional<DirectoryStream<Path>> held) {
    void close() {
      try {
        if (held.isPresent()) {
          held.get().close();
        }
      } catch (IOException e) {
        // a directory's descriptor: nothing was written through it
      }
    }
  }

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
  /** How often the folder's lock is tried while it is held elsewhere. */
  static final Duration LOCK_POLL = Duration.ofMillis(50);

  private final Path folder;
  private final Duration lockWait;
  private final LongSupplier ticker;
  private final Sleeper sleeper;
  private final Locker locker;

  /**
   * @param folder the state folder, named in messages
   * @param lockWait how long to wait for the lock
   * @param ticker times the wait, with {@code sleeper}: nanoseconds, as {@link System#nanoTime()}
   * @param locker tries the lock once
   */
  CaFolderLock(Path folder, Duration lockWait, LongSupplier ticker, Sleeper sleeper,
      Locker locker) {
    this.folder = folder;
    this.lockWait = lockWait;
    this.ticker = ticker;
    this.sleeper = sleeper;
    this.locker = locker;
  }

  /**
   * The folder's lock, waited for at most the lock wait on the ticker, which no setting of a wall
   * clock moves. Each sleep counts the ticker's time across it, but at least its length: a sleep
   * that overruns counts in full, and a ticker that lags does not stretch the wait; the wait for
   * {@code claim} counts. Ends, without a try more, once {@code stopped} says so.
   */
  FileLock acquire(Claim claim, FileChannel channel, Path lockFile, BooleanSupplier stopped)
      throws IOException {
    Duration waited = claim.waited;
    while (true) {
      FileLock lock;
      boolean heldHere = false;
      try {
        lock = locker.tryLock(channel);
      } catch (OverlappingFileLockException heldInThisProcess) {
        // held in this process without a claim: waited for as another process' lock is
        lock = null;
        heldHere = true;
      }
      if (lock != null) {
        return lock;
      }
      if (waited.compareTo(lockWait) >= 0) {
        String holder = heldHere ? "this process outside its local CAs" : "another process";
        throw new LocalCaException("local CA state folder " + quote(folder) + " is locked by "
            + holder + " (" + quote(lockFile) + "), still after " + lockWait
            + (heldHere ? "" : ": is a second promcc using it?"));
      }
      waited = pause(waited, stopped);
    }
  }

  /**
   * Claims the folder in this process, waiting (as for the lock, within the same bound) while
   * another CA of this process has claimed it: a wait for one folder holds up no other.
   *
   * @throws LocalCaException if it is still claimed after the lock wait, or on a stop or an
   *     interrupt
   */
  Claim claim(BooleanSupplier stopped) {
    Opened opened = open();
    Duration waited = Duration.ZERO;
    try {
      while (true) {
        synchronized (CLAIMED) {
          if (CLAIMED.add(opened.key())) {
            return new Claim(opened, waited);
          }
        }
        if (waited.compareTo(lockWait) >= 0) {
          throw new LocalCaException("local CA state folder " + quote(folder) + " is used by "
              + "another local CA of this process, still after " + lockWait);
        }
        waited = pause(waited, stopped);
      }
    } catch (RuntimeException | Error e) {
      opened.close();
      throw e;
    }
  }

  /**
   * The folder held open, with its file key, which another path to it shares, read from what
   * was opened (not a folder put in its place since); its path if it has none, or cannot be
   * opened.
   */
  private Opened open() {
    DirectoryStream<Path> held;
    try {
      held = Files.newDirectoryStream(folder);
    } catch (IOException e) {
      return new Opened(folder, Optional.empty()); // its users report what fails there
    }
    try {
      BasicFileAttributes attributes = held instanceof SecureDirectoryStream<Path> secure
          ? secure.getFileAttributeView(BasicFileAttributeView.class).readAttributes()
          : Files.readAttributes(folder, BasicFileAttributes.class);
      Object key = attributes.fileKey();
      return new Opened(key != null ? key : folder, Optional.of(held));
    } catch (IOException e) {
      return new Opened(folder, Optional.of(held));
    }
  }

  /** Sleeps one poll; the time waited after it. */
  private Duration pause(Duration waited, BooleanSupplier stopped) {
    long before = ticker.getAsLong();
    try {
      sleeper.sleep(LOCK_POLL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalCaException("interrupted while waiting for the lock of local CA state "
          + "folder " + quote(folder));
    }
    // the sleep bounds it too, should the ticker lag behind it
    Duration after = waited.plus(atLeast(Duration.ofNanos(ticker.getAsLong() - before),
        LOCK_POLL));
    if (stopped.getAsBoolean()) {
      throw new LocalCaException("local CA in " + quote(folder) + " was closed while its "
          + "start waited for the lock of its state folder");
    }
    return after;
  }

  /** {@code value}, but at least {@code min}. */
  private static Duration atLeast(Duration value, Duration min) {
    return value.compareTo(min) < 0 ? min : value;
  }

  private static String quote(Path path) {
    return Quoting.quote(path.toString());
  }
}
