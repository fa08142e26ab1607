package io.promcc.prometheus;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.FileKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The owned files as last read from disk, reused while a file's status is unchanged: at 10,000
 * clusters {@link AtomicFileStore#readOwned()} then costs one {@code lstat} per file instead of
 * reading 40,000 files. Without a watch every read asks the file system about every file, so a
 * file changed, replaced, re-moded or removed behind the store's back shows up as before; with
 * one ({@link OwnedFileWatch}), {@link #lastRead} serves the files no event named.
 *
 * <p>A file is taken as unchanged when its inode, size, modification time and mode are those of
 * the last read. A modification in the same clock tick as the last read, keeping the size, would
 * not change them; so, as git does for its index, a file modified less than {@link #SETTLE}
 * before it was read is read again next time, until it has been quiet that long.
 *
 * <p>A file the store wrote is remembered as the very {@link DesiredFile} it wrote, which is what
 * {@code readOwned} returns while the file holds those bytes, so comparing it with the planner's
 * (which reuses its instances) needs no byte comparison. The store dates each file it writes
 * {@link #STAMP_AGE} before the time the file system gave the write (see
 * {@link AtomicFiles#writeTemporary(Path, Path, ByteBuffer, int, Duration)}); any later change
 * of the bytes gives the file the file system's time then, which is later still (also on a file
 * system that keeps times to the second or two), so the status the write left proves the bytes
 * from the start: they are not read back, and a write of 40,000 files is not followed by a
 * read of 40,000 files (a modification event naming the file still has them read). Where the
 * file system did not take the date, the bytes are checked once, at the next read. As with
 * {@link #SETTLE}, a clock set back by more than that between the write and a change could let
 * the change share the status.
 *
 * <p>Not thread-safe: used by the store's one caller thread, except {@link #check}, which
 * changes nothing and may run on several threads at once while no other method runs.
 */
final class OwnedFileCache {
  /** How long a file must have been unmodified before its status alone is trusted. */
  static final Duration SETTLE = Duration.ofSeconds(2);
  /**
   * How far back the store dates a file it writes: more than the coarsest time a file system
   * keeps (2 s).
   */
  static final Duration STAMP_AGE = SETTLE.plusSeconds(1);
  /**
   * From this size on, a file whose bytes the cache does not hold is hashed, in pieces, before
   * it is read: read only if it holds the bytes the manifest records. A merged config of 10,000
   * clusters (87 MB) is read twice then; smaller files, once, as before.
   */
  static final long HASH_FIRST = 64L << 20;
  /** The largest file the store can have written: a {@link DesiredFile} is smaller. */
  static final long LARGEST = Integer.MAX_VALUE - 8;

  /**
   * What {@link #check} found: the file's content, null if it is gone; the status its bytes were
   * read under, null if its status alone showed it unchanged; the clock's millis just before
   * the status was read; and for a large file found not to be the store's, its SHA-256 (else
   * null), kept with that status by {@link #take}.
   */
  record Found(DesiredFile content, PosixFileAttributes status, long checkedAt,
      String foreignSha256) {
    static final Found GONE = new Found(null, null, 0);

    Found(DesiredFile content, PosixFileAttributes status, long checkedAt) {
      this(content, status, checkedAt, null);
    }
  }

  /**
   * The SHA-256 of a file of {@link #HASH_FIRST} bytes or more found not to be the store's,
   * with its status then: a foreign file the plan no longer writes over stays, and is not
   * hashed again at each read while its status is unchanged.
   */
  private record Foreign(Object inode, long size, long modifiedNanos, String sha256) {
    boolean unchanged(PosixFileAttributes now) {
      return inode != null && inode.equals(now.fileKey()) && size == now.size()
          && modifiedNanos == AtomicFiles.modifiedNanos(now);
    }
  }

  /** A file as read, with its status at that time. */
  private record Cached(Object inode, long size, long modifiedNanos, int mode,
      DesiredFile content, boolean settled) {
    /** {@code content} as found under {@code status}. */
    static Cached of(PosixFileAttributes status, DesiredFile content, boolean settled) {
      return new Cached(status.fileKey(), status.size(), AtomicFiles.modifiedNanos(status),
          content.mode(), content, settled);
    }

    /** Whether {@link #lastRead} may serve it. */
    boolean trusted() {
      return settled && inode != null;
    }

    boolean unchanged(PosixFileAttributes now, int nowMode) {
      return settled && Objects.equals(inode, now.fileKey()) && size == now.size()
          && modifiedNanos == AtomicFiles.modifiedNanos(now) && mode == nowMode;
    }
  }

  /**
   * Points of a {@link #check}; tests count the hashes there, or change the file between its
   * status and its bytes. The production hook does nothing.
   */
  interface ReadHook {
    ReadHook NONE = new ReadHook() {};

    /** The status of {@code file} was read; its bytes were not yet. */
    default void statusRead(Path file) throws IOException {}

    /** {@code file} is about to be hashed in pieces. */
    default void hashing(Path file) {}
  }

  private final Clock clock;
  private final ReadHook hook;
  private final Map<String, Cached> byPath = new HashMap<>();
  private final Map<String, Foreign> foreignByPath = new HashMap<>();
  /** The paths whose entry {@link #lastRead} does not serve. */
  private final Set<String> unsettled = new HashSet<>();

  OwnedFileCache(Clock clock) {
    this(clock, ReadHook.NONE);
  }

  OwnedFileCache(Clock clock, ReadHook hook) {
    this.clock = clock;
    this.hook = hook;
  }

  /**
   * The owned file as last read, if its status was checked then and it had settled; null if it
   * must be checked now. With a watch reporting no change since, that is still what is on disk.
   */
  DesiredFile lastRead(String path, FileKind kind) {
    Cached cached = byPath.get(path);
    return cached != null && cached.trusted() && cached.content().kind() == kind
        ? cached.content() : null;
  }

  /**
   * The paths remembered with a status not trusted yet: {@link #lastRead} serves none of them.
   * A view; it changes with the cache.
   */
  Set<String> unsettled() {
    return Collections.unmodifiableSet(unsettled);
  }

  /**
   * What is on disk at {@code path} ({@code file}) as {@code kind}, without remembering it yet:
   * the remembered content if the file's status is unchanged since it was read (with
   * {@code trustStatus} false, a change notification named the file, its bytes are read even
   * then), else its bytes. Bytes equal to the remembered content's are compared piece by piece
   * and not kept, and that very instance is found. Anything but a file or a folder there (a
   * FIFO, a socket, a device, a link) is not the store's file: found gone, without opening it.
   * So is a file of {@link #HASH_FIRST} bytes or more whose SHA-256, hashed in pieces, is not
   * {@code recordedSha256} (the manifest's), or that is larger than the store writes: it is not
   * read into memory (a 2 GiB file would end the read in an {@link OutOfMemoryError}), and of
   * any file at most one byte more than its status gave is read: one that grew since then (or
   * was replaced by a larger one) is found gone too.
   * Changes nothing: callers may check several files at once on different threads, then
   * {@link #take} each finding on the caller's.
   *
   * @throws IOException if it cannot be read
   */
  Found check(String path, Path file, FileKind kind, String recordedSha256, boolean trustStatus)
      throws IOException {
    long checkedAt = clock.millis();
    PosixFileAttributes status;
    try {
      status = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return Found.GONE;
    }
    hook.statusRead(file);
    if (status.isOther() || status.isSymbolicLink()) {
      // not a file the store wrote, and opening a FIFO (or a link to one) to read it waits for
      // a writer: missing, so the next write puts the file back (a folder fails the read below)
      return Found.GONE;
    }
    int mode = FileModes.modeOf(status.permissions());
    Cached cached = byPath.get(path);
    boolean same = cached != null && cached.content().kind() == kind;
    if (trustStatus && same && cached.unchanged(status, mode)) {
      return new Found(cached.content(), null, checkedAt);
    }
    // status first, bytes after: a change in between makes the next status differ, so the worst
    // case is one read too many
    try {
      if (same && cached.content().mode() == mode && cached.content().size() == status.size()
          && PieceReader.holds(file, cached.content())) {
        return new Found(cached.content(), status, checkedAt);
      }
      if (status.size() > LARGEST) {
        return Found.GONE; // not a file the store can have written: not worth hashing
      }
      if (status.size() >= HASH_FIRST) {
        Foreign known = foreignByPath.get(path);
        String sha256 = trustStatus && known != null && known.unchanged(status) ? known.sha256()
            : hash(file);
        if (!sha256.equals(recordedSha256)) {
          // not the bytes the store wrote, and too large to hold as if they were
          return new Found(null, status, checkedAt, sha256);
        }
      }
      // at most one byte past the size its status gave: a file replaced by a huge one since
      // then is not read whole, and not the file that status stands for
      byte[] bytes = PieceReader.readAtMost(file, status.size());
      if (bytes == null) {
        return Found.GONE;
      }
      return new Found(DesiredFile.of(kind, bytes).withMode(mode), status, checkedAt);
    } catch (NoSuchFileException gone) {
      return Found.GONE;
    }
  }

  /** Remembers what {@link #check} found at {@code path}; the file, empty if it is gone. */
  Optional<DesiredFile> take(String path, Found found) {
    if (found.content() == null) {
      forget(path);
      PosixFileAttributes status = found.status();
      if (found.foreignSha256() != null && settled(status, found.checkedAt())) {
        foreignByPath.put(path, new Foreign(status.fileKey(), status.size(),
            AtomicFiles.modifiedNanos(status), found.foreignSha256()));
      }
      return Optional.empty();
    }
    PosixFileAttributes status = found.status();
    if (status != null) {
      put(path, Cached.of(status, found.content(), settled(status, found.checkedAt())));
    }
    return Optional.of(found.content());
  }

  /** Quiet for {@link #SETTLE} before its status was read: a later change cannot share its time. */
  private static boolean settled(PosixFileAttributes status, long checkedAt) {
    return AtomicFiles.modifiedNanos(status) < checkedAt * 1_000_000L - SETTLE.toNanos();
  }

  /**
   * The SHA-256 of the file at {@code path} ({@code file}), whose status is {@code status}, read
   * just now, for settling a manifest left in doubt: that of the content remembered (or of the
   * large foreign file) while the status is that of its last read, trusted as {@link #check}
   * trusts it; else hashed in pieces. A crash is followed by a read of every owned file (each
   * write's diff starts with one): without this, settling hashed them all again.
   *
   * @throws NoSuchFileException if it is gone
   */
  String sha256(String path, Path file, PosixFileAttributes status) throws IOException {
    Cached cached = byPath.get(path);
    if (cached != null && cached.unchanged(status, FileModes.modeOf(status.permissions()))) {
      return cached.content().sha256();
    }
    Foreign known = foreignByPath.get(path);
    if (known != null && known.unchanged(status)) {
      return known.sha256();
    }
    return hash(file);
  }

  private String hash(Path file) throws IOException {
    hook.hashing(file);
    return PieceReader.sha256Of(file);
  }

  /**
   * Remembers that the store just wrote {@code content} to {@code path}, leaving the file dated
   * with {@code status}, which is trusted from now on; without it (null), or if it does not show
   * the written size and mode, the next read checks the bytes once.
   */
  void written(String path, DesiredFile content, PosixFileAttributes status) {
    boolean dated = status != null && status.size() == content.size()
        && FileModes.modeOf(status.permissions()) == content.mode();
    put(path, dated ? Cached.of(status, content, true)
        : new Cached(null, -1, -1, content.mode(), content, false));
  }

  private void put(String path, Cached cached) {
    foreignByPath.remove(path);
    byPath.put(path, cached);
    if (cached.trusted()) {
      unsettled.remove(path);
    } else {
      unsettled.add(path);
    }
  }

  /** Forgets {@code path} (deleted, or restored from the rollback archive). */
  void forget(String path) {
    byPath.remove(path);
    foreignByPath.remove(path);
    unsettled.remove(path);
  }

  /** Forgets every path the store no longer owns. */
  void retainOnly(Set<String> owned) {
    byPath.keySet().retainAll(owned);
    foreignByPath.keySet().retainAll(owned);
    unsettled.retainAll(owned);
  }
}
