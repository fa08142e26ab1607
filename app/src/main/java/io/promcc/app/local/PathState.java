package io.promcc.app.local;

import io.promcc.app.InputFiles;
import io.promcc.prometheus.AtomicFileStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a watched path holds at one check: nothing, something unreadable, a regular file, or a
 * folder of regular files (symbolic links followed, sub-folders such as a ConfigMap's
 * {@code ..data}, the controller's own {@code .promcc-*} files and the temporary files of its
 * atomic writes left out). Two states are {@link #sameContent compared} by content only, so a
 * touch or an atomic replace with the same bytes is no change.
 *
 * <p>A file's content is known by its size and a hash. Hashing means reading, so a file whose
 * size, modification time and identity (inode) are unchanged keeps its last hash, unless its
 * modification time was too recent when that hash was taken: a file system stores times with a
 * granularity (up to 2 s), and a second write within one tick leaves them equal ("racy" files,
 * as git calls them). Such a file is read again until it has settled. A file larger than
 * {@link #MAX_HASHED} is never read, and one that grows past it while read is read no further.
 */
sealed interface PathState {
  /** How long after its last modification a file's time stamp is trusted to reveal a change. */
  Duration SETTLE_TIME = Duration.ofSeconds(2);
  /**
   * The start of the names of the controller's own files in a folder it writes ({@code --out}'s
   * lock and manifest): a folder's state leaves them out. Reading the lock file would drop the
   * lock, which is the process' and released by closing any of its descriptors of the file.
   */
  String OWN_FILES = ".promcc-";
  /**
   * Marks the temporary files of promcc's atomic writes ({@code .<name>.promcc-tmp-<random>}, the
   * output folder's store's own marker): a folder's state leaves them out, as they are
   * half-written or about to be renamed over a file of the folder.
   */
  String ATOMIC_WRITE_TEMP = AtomicFileStore.TEMP_MARKER;
  /**
   * Most bytes of a file that a check reads to hash: as many as the largest file any reader of a
   * watched path takes (the clusters file, the base config, the profile). A larger file is
   * refused by its reader whatever it holds, so it is not read, and its state is its size and
   * time stamps: read whole at each check, a file of gigabytes held the watcher for seconds.
   */
  long MAX_HASHED = InputFiles.MAX_BYTES;

  /** Whether both states hold the same content (same kind, same entries, same bytes). */
  boolean sameContent(PathState other);

  /** The path does not exist (or is a dangling link). */
  record Absent() implements PathState {
    @Override
    public boolean sameContent(PathState other) {
      return other instanceof Absent;
    }
  }

  /** The path exists but cannot be read as a file or a folder. */
  record Unreadable(String problem) implements PathState {
    @Override
    public boolean sameContent(PathState other) {
      return other instanceof Unreadable that && problem.equals(that.problem);
    }
  }

  /** A regular file. */
  record File(Stamp stamp) implements PathState {
    @Override
    public boolean sameContent(PathState other) {
      return other instanceof File that && stamp.sameContent(that.stamp);
    }
  }

  /** A folder, by entry name. */
  record Folder(SortedMap<String, Stamp> entries) implements PathState {
    @Override
    public boolean sameContent(PathState other) {
      if (!(other instanceof Folder that) || !entries.keySet().equals(that.entries.keySet())) {
        return false;
      }
      for (Map.Entry<String, Stamp> entry : entries.entrySet()) {
        if (!entry.getValue().sameContent(that.entries.get(entry.getKey()))) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * One regular file: metadata that decides whether to read it again, and its content hash.
   *
   * @param hash the first 64 bits of the SHA-256 of the content, or of a read error's text
   * @param settled whether the modification time was old enough, when hashed, to be trusted
   */
  record Stamp(long size, FileTime modified, Object fileKey, long hash, boolean settled) {
    boolean sameContent(Stamp other) {
      return size == other.size && hash == other.hash;
    }

    boolean sameMetadata(BasicFileAttributes attributes) {
      return size == attributes.size() && modified.equals(attributes.lastModifiedTime())
          && Objects.equals(fileKey, attributes.fileKey());
    }
  }

  /**
   * Reads the state of {@code path}, reusing the hashes of {@code previous} where they can be
   * trusted.
   *
   * @param now the current time, to judge whether a file has settled
   * @param reads counts the files read (hashed), so tests can see what was not read
   */
  static PathState of(Path path, PathState previous, Instant now, AtomicLong reads) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return new Absent();
    } catch (IOException | SecurityException e) {
      return new Unreadable(e.toString());
    }
    if (attributes.isRegularFile()) {
      Stamp before = previous instanceof File file ? file.stamp() : null;
      return new File(stamp(path, attributes, before, now, reads));
    }
    if (!attributes.isDirectory()) {
      return new Unreadable(path + " is neither a regular file nor a folder");
    }
    Map<String, Stamp> before = previous instanceof Folder folder ? folder.entries() : Map.of();
    SortedMap<String, Stamp> entries = new TreeMap<>();
    try (DirectoryStream<Path> list = Files.newDirectoryStream(path)) {
      for (Path entry : list) {
        String name = entry.getFileName().toString();
        if (name.startsWith(OWN_FILES) || name.contains(ATOMIC_WRITE_TEMP)) {
          // the controller's own (a lock file, whose lock a read here would drop), or a write
          // not yet done: no input
          continue;
        }
        BasicFileAttributes entryAttributes;
        try {
          entryAttributes = Files.readAttributes(entry, BasicFileAttributes.class);
        } catch (IOException | SecurityException goneOrDangling) {
          continue; // removed since listed, or a dangling link: not a file of this folder
        }
        if (entryAttributes.isRegularFile()) {
          entries.put(name, stamp(entry, entryAttributes, before.get(name), now, reads));
        }
      }
    } catch (IOException | SecurityException e) {
      return new Unreadable(e.toString());
    } catch (DirectoryIteratorException e) { // an I/O error while the listing is read
      return new Unreadable(e.getCause().toString());
    }
    return new Folder(Collections.unmodifiableSortedMap(entries));
  }

  private static Stamp stamp(Path file, BasicFileAttributes attributes, Stamp before,
      Instant now, AtomicLong reads) {
    if (before != null && before.settled() && before.sameMetadata(attributes)) {
      return before;
    }
    boolean settled = attributes.lastModifiedTime().toInstant()
        .isBefore(now.minus(SETTLE_TIME));
    if (attributes.size() > MAX_HASHED) {
      // any change of its time stamps is a change: its reader refuses it again, naming it
      return new Stamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey(),
          Objects.hash(attributes.lastModifiedTime(), attributes.fileKey()), settled);
    }
    long hash;
    reads.incrementAndGet();
    try (InputStream in = Files.newInputStream(file)) {
      OptionalLong hashed = hash(in);
      if (hashed.isEmpty()) {
        // it grew past the bound while read (a log file at the watched path): too large, as
        // above, and checked again next time
        return new Stamp(MAX_HASHED + 1, attributes.lastModifiedTime(), attributes.fileKey(),
            Objects.hash(attributes.lastModifiedTime(), attributes.fileKey()), false);
      }
      hash = hashed.getAsLong();
    } catch (IOException | SecurityException e) {
      hash = e.toString().hashCode();
      settled = false; // read it again next time
    }
    return new Stamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey(),
        hash, settled);
  }

  /**
   * The first 64 bits of the SHA-256 of {@code in}'s bytes, or empty if it has more than
   * {@link #MAX_HASHED}: reads at most one byte past the bound, as a file that passed the size
   * check may grow while it is read.
   *
   * @throws IOException if reading fails
   */
  static OptionalLong hash(InputStream in) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[8192];
    long left = MAX_HASHED + 1;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        break;
      }
      digest.update(buffer, 0, n);
      left -= n;
    }
    return left == 0 ? OptionalLong.empty()
        : OptionalLong.of(ByteBuffer.wrap(digest.digest()).getLong());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
