package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import io.promcc.core.port.ConfigStoreException;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * The last verified files of {@link AtomicFileStore}, content-addressed by SHA-256 in
 * {@value AtomicFileStore#VERIFIED_DIR}: hard links where the file system allows (no copy: the
 * store never modifies a file in place, it replaces it, so a link keeps the old bytes) and copies
 * otherwise, streamed to disk (never held in memory). A copy read back is checked against its
 * hash. Not thread-safe.
 */
final class RollbackArchive {
  private final Path dir;
  private final AtomicFiles files;
  /** How many times {@link #read} hashed a copy (for tests). */
  private long hashes;

  RollbackArchive(Path dir, AtomicFiles files) {
    this.dir = requireNonNull(dir, "dir == null");
    this.files = requireNonNull(files, "files == null");
  }

  /** Creates the folder if needed. */
  void open() {
    files.ensureDirectory(dir);
  }

  /**
   * Keeps the bytes of {@code source} (the owned file {@code path}) as {@code sha256}, unless kept
   * already.
   */
  void keep(String sha256, Path source, String path) {
    Path object = dir.resolve(sha256);
    if (Files.exists(object, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (AtomicFiles.holdsOtherThanAFile(source)) {
      // a FIFO or a link put there since the write: never linked or opened (a read would wait)
      throw new ConfigStoreException("cannot keep " + Quoting.quote(path)
          + " for rollback: it is no longer a file the controller wrote");
    }
    store(object, source, path, false);
  }

  /**
   * Whether the copy kept as {@code sha256} is {@code file} itself (the same hard link): an edit
   * of {@code file} in place changes the copy too.
   */
  boolean isLinkedTo(String sha256, Path file) {
    try {
      return Files.isSameFile(dir.resolve(sha256), file);
    } catch (IOException | SecurityException notThere) {
      return false;
    }
  }

  /**
   * Keeps the bytes of {@code source} as {@code sha256} in place of the copy there (one that an
   * edit in place spoiled): linked at a temporary name, then renamed over it.
   */
  void replace(String sha256, Path source, String path) {
    store(dir.resolve(sha256), source, path, true);
  }

  /**
   * Links {@code source} as {@code object} (over one there: at a temporary name, then renamed),
   * else copies it, streamed, into a temporary file renamed over {@code object}.
   */
  private void store(Path object, Path source, String path, boolean over) {
    Path temp = AtomicFiles.newTempPath(object);
    try {
      try {
        Files.createLink(over ? temp : object, source);
      } catch (FileAlreadyExistsException raced) {
        return; // same content under the same name: fine
      } catch (UnsupportedOperationException | IOException noLink) {
        // streamed, not read whole: a copy is up to 2 GiB
        files.copyToTemporary(source, temp, object, OwnedFileCache.LARGEST, 0600);
        files.rename(temp, object);
        return;
      }
      if (over) {
        Files.move(temp, object, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (NoSuchFileException gone) {
      throw new ConfigStoreException("cannot keep " + Quoting.quote(path)
          + " for rollback: the owned file is missing");
    } catch (BoundedRead.TooLarge ex) {
      throw new ConfigStoreException("cannot keep " + Quoting.quote(path) + " for rollback: "
          + ex.getMessage());
    } catch (IOException ex) {
      throw AtomicFiles.failure("cannot keep " + Quoting.quote(path) + " for rollback", source,
          ex);
    }
  }

  /** Makes the kept files durable. */
  void sync() {
    files.fsyncDirectory(dir);
  }

  /**
   * The kept bytes of {@code sha256}, for restoring {@code path}: at most the largest file the
   * store writes ({@link OwnedFileCache#LARGEST}), and one of {@link OwnedFileCache#HASH_FIRST}
   * bytes or more is hashed in pieces before it is read, so a large file put in its place is
   * never held in memory. Each copy is hashed once: the bytes of one hashed in pieces are not
   * hashed again unless its status (inode, size, modification time) changed in between.
   *
   * @throws ConfigStoreException if the copy is unreadable, larger than that, or its bytes no
   *     longer have that hash
   */
  byte[] read(String sha256, String path) {
    Path object = dir.resolve(sha256);
    String copy = "cannot restore " + Quoting.quote(path) + ": its rollback copy "
        + Quoting.quote(object.toString());
    byte[] bytes;
    boolean hashed = false;
    try {
      if (AtomicFiles.holdsOtherThanAFile(object)) {
        throw new IOException("not a file"); // never opened: a FIFO would wait for a writer
      }
      BasicFileAttributes status = status(object);
      if (status.size() >= OwnedFileCache.HASH_FIRST && status.size() <= OwnedFileCache.LARGEST) {
        hashes++;
        if (!PieceReader.sha256Of(object).equals(sha256)) {
          throw new ConfigStoreException(copy + " was modified");
        }
        hashed = true;
      }
      bytes = BoundedRead.read(object, OwnedFileCache.LARGEST);
      // the bytes read are the bytes hashed unless the copy changed in between
      hashed = hashed && bytes.length == status.size() && sameVersion(status, status(object));
    } catch (BoundedRead.TooLarge ex) {
      throw new ConfigStoreException(copy + " " + ex.getMessage());
    } catch (IOException ex) {
      throw new ConfigStoreException("cannot restore " + Quoting.quote(path) + ": "
          + FileFailures.failed("reading its rollback copy " + Quoting.quote(object.toString()),
          ex), ex);
    }
    if (!hashed) {
      hashes++;
      if (!AtomicFileStore.sha256(bytes).equals(sha256)) {
        throw new ConfigStoreException(copy + " was modified");
      }
    }
    return bytes;
  }

  /** How many times {@link #read} hashed a copy, in pieces or its bytes (for tests). */
  long hashes() {
    return hashes;
  }

  private static BasicFileAttributes status(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean sameVersion(BasicFileAttributes a, BasicFileAttributes b) {
    return a.fileKey() != null && a.fileKey().equals(b.fileKey()) && a.size() == b.size()
        && a.lastModifiedTime().equals(b.lastModifiedTime());
  }

  /**
   * Removes every entry but the copies named {@code names}: what a verification that crashed
   * or failed left behind, named by no manifest.
   */
  void retainOnly(Set<String> names) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        // a folder is none of the store's copies (someone else's): left alone
        if (!names.contains(entry.getFileName().toString())
            && !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(entry);
        }
      }
    } catch (IOException | DirectoryIteratorException ex) {
      throw AtomicFiles.failure("cannot remove unused rollback files in", dir,
          ex instanceof DirectoryIteratorException d ? d.getCause() : (IOException) ex);
    }
  }

  /** Removes a copy no verified set names any more. */
  void remove(String sha256) {
    try {
      Files.deleteIfExists(dir.resolve(sha256));
    } catch (IOException ex) {
      throw AtomicFiles.failure("cannot remove old rollback file", dir.resolve(sha256), ex);
    }
  }
}
