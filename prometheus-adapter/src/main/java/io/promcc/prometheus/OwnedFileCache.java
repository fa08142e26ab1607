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
import java.util.concurrent.TimeUnit;

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
 * <p>A file the store wrote is remembered as the very {@link DesiredFile} it wrote: once a read
 * finds the same bytes there, that instance is what {@code readOwned} returns, so comparing it
 * with the planner's (which reuses its instances) needs no byte comparison.
 *
 * <p>Not thread-safe: used by the store's one caller thread.
 */
final class OwnedFileCache {
  /** How long a file must have been unmodified before its status alone is trusted. */
  static final Duration SETTLE = Duration.ofSeconds(2);

  /** A file as read, with its status at that time. */
  private record Cached(Object inode, long size, long modifiedNanos, int mode,
      DesiredFile content, boolean settled) {
    /** Whether {@link #lastRead} may serve it. */
    boolean trusted() {
      return settled && inode != null;
    }

    boolean unchanged(PosixFileAttributes now, int nowMode) {
      return settled && Objects.equals(inode, now.fileKey()) && size == now.size()
          && modifiedNanos == nanos(now) && mode == nowMode;
    }
  }

  private final Clock clock;
  private final Map<String, Cached> byPath = new HashMap<>();
  /** The paths whose entry {@link #lastRead} does not serve. */
  private final Set<String> unsettled = new HashSet<>();

  OwnedFileCache(Clock clock) {
    this.clock = clock;
  }

  /**
   * The owned file at {@code path} ({@code file} on disk) as {@code kind}: from memory if its
   * status is unchanged since it was read, else read now. Empty if it is gone.
   *
   * @throws IOException if it cannot be read
   */
  Optional<DesiredFile> read(String path, Path file, FileKind kind) throws IOException {
    return read(path, file, kind, true);
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
   * As {@link #read(String, Path, FileKind)}; with {@code trustStatus} false the bytes are read
   * even if the status is unchanged (a change notification named the file).
   */
  Optional<DesiredFile> read(String path, Path file, FileKind kind, boolean trustStatus)
      throws IOException {
    PosixFileAttributes status;
    try {
      status = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      forget(path);
      return Optional.empty();
    }
    int mode = AtomicFiles.modeOf(status.permissions());
    Cached cached = byPath.get(path);
    if (trustStatus && cached != null && cached.content().kind() == kind
        && cached.unchanged(status, mode)) {
      return Optional.of(cached.content());
    }
    // status first, bytes after: a change in between makes the next status differ, so the worst
    // case is one read too many
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException gone) {
      forget(path);
      return Optional.empty();
    }
    DesiredFile content = cached != null && cached.content().kind() == kind
        && cached.content().mode() == mode && cached.content().contentEquals(bytes)
        ? cached.content() : DesiredFile.of(kind, bytes).withMode(mode);
    boolean settled = nanos(status) < clock.millis() * 1_000_000L - SETTLE.toNanos();
    put(path, new Cached(status.fileKey(), status.size(), nanos(status), mode, content,
        settled));
    return Optional.of(content);
  }

  /**
   * Remembers that the store just wrote {@code content} to {@code path}: the next read checks
   * the bytes once (the status alone is not trusted yet) and then returns this instance.
   */
  void written(String path, DesiredFile content) {
    put(path, new Cached(null, -1, -1, content.mode(), content, false));
  }

  private void put(String path, Cached cached) {
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
    unsettled.remove(path);
  }

  /** Forgets every path the store no longer owns. */
  void retainOnly(Set<String> owned) {
    byPath.keySet().retainAll(owned);
    unsettled.retainAll(owned);
  }

  private static long nanos(PosixFileAttributes status) {
    return status.lastModifiedTime().to(TimeUnit.NANOSECONDS);
  }
}
