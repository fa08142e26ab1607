package io.promcc.app.run;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * This process' record of its {@link FolderLock}s: the lock files it holds, by file key (device
 * and inode), and, for their time, the lock files and folders being taken or read here, by file
 * key once known and by absolute path. A take waits, bounded, for the end of a look-up of its
 * lock file's holder ({@link OutputHolder#of}), and so does another look-up. Nothing
 * but the record is done under its lock: no file is read, written or closed under it.
 *
 * <p>Thread-safe.
 */
final class HeldFiles {
  private static final System.Logger LOG = System.getLogger(FolderLock.class.getName());
  /** What is reserved; guarded by itself. */
  private static final Set<Object> HELD = new HashSet<>();
  /**
   * Descriptors of a file reserved in {@link #HELD}, opened by a take refused after it opened
   * them: closed when the file's reservation ends, before it does; guarded by {@link #HELD}.
   */
  private static final Map<Object, List<FileChannel>> KEPT = new HashMap<>();
  /** What of {@link #HELD} is reserved by a look-up of a holder; guarded by {@link #HELD}. */
  private static final Set<Object> LOOKED_UP = new HashSet<>();

  private HeldFiles() {}

  /** Records {@code what} as held or being taken or read here; false if it already was. */
  static boolean reserve(Object what) {
    synchronized (HELD) {
      return HELD.add(what);
    }
  }

  /** What a look-up of a lock file's holder found of the file's reservation here. */
  enum LookUp {
    /** Reserved for this look-up. */
    RESERVED,
    /** Held here, or being taken here. */
    HELD_HERE,
    /** Still reserved by another look-up after the bound, or this thread interrupted. */
    LOOKED_UP
  }

  /**
   * Reserves the lock file {@code key} for a look-up of its holder, as {@link #reserve} does: a
   * take that finds it so reserved waits for the look-up's end ({@link #reserveAfterLookUp}),
   * and so does this for another look-up's, {@code bound} at most.
   */
  static LookUp reserveForLookUp(Object key, Duration bound) {
    synchronized (HELD) {
      if (!reserveAfterLookUps(key, bound)) {
        return LOOKED_UP.contains(key) ? LookUp.LOOKED_UP : LookUp.HELD_HERE;
      }
      LOOKED_UP.add(key);
      return LookUp.RESERVED;
    }
  }

  /** Whether {@code key} is reserved by a look-up of its holder. */
  static boolean lookedUp(Object key) {
    synchronized (HELD) {
      return LOOKED_UP.contains(key);
    }
  }

  /**
   * Reserves {@code what} as {@link #reserve} does; while it is reserved by a look-up of its
   * holder (a few reads of its lock file), waits for the look-up's end, {@code bound} at most.
   * False if it is reserved otherwise, or still by the look-up after the bound, or this thread
   * is interrupted meanwhile (its interrupt status set again).
   */
  static boolean reserveAfterLookUp(Object what, Duration bound) {
    synchronized (HELD) {
      return reserveAfterLookUps(what, bound);
    }
  }

  /** {@link #reserveAfterLookUp}, {@link #HELD}'s lock held. */
  private static boolean reserveAfterLookUps(Object what, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!HELD.add(what)) {
      long left = deadline - System.nanoTime();
      if (!LOOKED_UP.contains(what) || left <= 0) {
        return false;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(HELD, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /**
   * Reserves the file {@code key} as {@link #reserve} does; where it already is, keeps
   * {@code channel}, a descriptor of that file, to close when that reservation ends: closing it
   * now would release the lock of a holder here.
   */
  static boolean reserveOrKeep(Object key, FileChannel channel) {
    synchronized (HELD) {
      if (HELD.add(key)) {
        return true;
      }
      KEPT.computeIfAbsent(key, k -> new ArrayList<>()).add(channel);
      return false;
    }
  }

  /**
   * Ends the reservation of {@code what}, closing first, outside the lock, the descriptors kept
   * with it: while it is reserved, no take here locks the file their close would release.
   */
  static void unreserve(Object what) {
    while (true) {
      List<FileChannel> kept;
      synchronized (HELD) {
        kept = KEPT.remove(what);
        if (kept == null) {
          HELD.remove(what);
          LOOKED_UP.remove(what);
          HELD.notifyAll(); // a take may wait for a look-up's end
          return;
        }
      }
      for (FileChannel channel : kept) {
        try {
          channel.close();
        } catch (IOException e) {
          LOG.log(Level.DEBUG, "closing a lock file failed: " + e);
        }
      }
    }
  }
}
