package io.promcc.prometheus;

import static io.promcc.prometheus.FileModes.ATTRIBUTES;
import static io.promcc.prometheus.FileModes.permissionsOf;
import static io.promcc.prometheus.PieceWriter.CREATE_NEW_FILE;
import static io.promcc.prometheus.PieceWriter.writeInPieces;
import static java.util.Objects.requireNonNull;

import com.google.common.io.ByteStreams;
import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Unexpected;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.prometheus.AtomicFileStore.Step;
import io.promcc.prometheus.AtomicFileStore.StepHook;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The atomic-write primitives of {@link AtomicFileStore}: a temporary file in the target's folder,
 * fsynced, renamed over the target, the folder fsynced; folders are made by
 * {@link DurableFolders}.
 *
 * <p>Errors other than I/O errors (a simulated crash in tests) propagate without clean-up, exactly
 * as a killed process would leave things. Every method throws {@link ConfigStoreException} on an
 * I/O error, naming the path. Thread-safe as far as the file system is: distinct targets may be
 * written concurrently.
 */
final class AtomicFiles {
  /** Marks the store's temporary files: {@code .<name>.promcc-tmp-<random>}. */
  static final String TEMP_MARKER = AtomicFileStore.TEMP_MARKER;
  private static final int WRITE_THREADS = 8;

  private final Path root;
  private final StepHook hook;
  private final DurableFolders folders;

  AtomicFiles(Path root, StepHook hook) {
    this.root = requireNonNull(root, "root == null");
    this.hook = requireNonNull(hook, "hook == null");
    this.folders = new DurableFolders(root, hook);
  }

  /** A new, random name for a temporary file next to {@code target}; nothing is created. */
  static Path newTempPath(Path target) {
    return target.getParent().resolve("." + target.getFileName() + TEMP_MARKER
        + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
  }

  /** Writes {@code bytes} to {@code temp} and renames it over {@code target}; syncs the folder. */
  void replaceAtomically(Path target, Path temp, byte[] bytes, int mode, boolean syncDirectory) {
    writeTemporary(temp, target, bytes, mode);
    rename(temp, target);
    if (syncDirectory) {
      fsyncDirectory(target.getParent());
    }
  }

  /** Creates {@code temp} (it must not exist) with {@code bytes} and mode, fsynced. */
  void writeTemporary(Path temp, Path target, byte[] bytes, int mode) {
    writeTemporary(temp, target, ByteBuffer.wrap(bytes), mode);
  }

  /** Creates {@code temp} (it must not exist) with the buffer's remaining bytes, fsynced. */
  void writeTemporary(Path temp, Path target, ByteBuffer buffer, int mode) {
    writeTemporary(temp, target, List.of(buffer), mode, null);
  }

  /** As {@link #writeTemporary(Path, Path, List, int, Duration)} with one buffer. */
  PosixFileAttributes writeTemporary(Path temp, Path target, ByteBuffer buffer, int mode,
      Duration age) {
    return writeTemporary(temp, target, List.of(buffer), mode, age);
  }

  /**
   * Creates {@code temp} (it must not exist) with the buffers' remaining bytes one after the
   * other and mode, fsynced; with {@code age}, the file is then
   * dated {@code age} before the modification time the file system gave the write (why: see
   * {@link OwnedFileCache}), and its status returned, which a rename keeps. Null without
   * {@code age}, or if the file system did not take the date.
   */
  PosixFileAttributes writeTemporary(Path temp, Path target, List<ByteBuffer> buffers, int mode,
      Duration age) {
    Set<PosixFilePermission> perms = permissionsOf(mode);
    String step = "making";
    try {
      long stamp = Long.MAX_VALUE;
      try (FileChannel channel = FileChannel.open(temp, CREATE_NEW_FILE,
          ATTRIBUTES.get(mode & 0777))) {
        step = "writing";
        writeInPieces(channel, buffers);
        step = "setting the mode of";
        // the umask may have removed bits at creation; set exactly what was asked
        Files.setPosixFilePermissions(temp, perms);
        if (age != null) {
          step = "dating";
          BasicFileAttributeView times = Files.getFileAttributeView(temp,
              BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
          BasicFileAttributes written = times.readAttributes();
          stamp = modifiedNanos(written) - age.toNanos();
          times.setTimes(FileTime.from(stamp, TimeUnit.NANOSECONDS),
              written.lastAccessTime(), null);
        }
        step = "syncing";
        channel.force(true);
      }
      hook.reached(Step.TEMP_WRITTEN, target);
      if (age == null) {
        return null;
      }
      step = "reading the status of";
      PosixFileAttributes status = Files.readAttributes(temp, PosixFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      // a file system may store a coarser time, never a later one if it took the stamp
      return modifiedNanos(status) <= stamp ? status : null;
    } catch (IOException e) {
      deleteQuietly(temp, e);
      throw failure("cannot write", target, step + " its temporary file "
          + Quoting.quote(temp.toString()), e);
    }
  }

  /**
   * Creates {@code temp} (it must not exist) with mode {@code mode} and the bytes of
   * {@code source} (following a link), streamed, never held in memory, fsynced. On a failure
   * {@code temp} is gone.
   *
   * @throws BoundedRead.TooLarge if {@code source} holds more than {@code max} bytes (as its
   *     status says, or grown since), named with its size (the caller names the file)
   * @throws java.nio.file.NoSuchFileException if {@code source} is gone
   */
  void copyToTemporary(Path source, Path temp, Path target, long max, int mode)
      throws IOException {
    long size = Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .size();
    if (size > max) {
      throw new BoundedRead.TooLarge(max, size);
    }
    try (InputStream in = Files.newInputStream(source);
        FileChannel channel = FileChannel.open(temp, CREATE_NEW_FILE,
            ATTRIBUTES.get(mode & 0777))) {
      // one byte past the bound tells a file that grew since its size was read
      long copied = ByteStreams.limit(in, max + 1).transferTo(Channels.newOutputStream(channel));
      if (copied > max) {
        // named with the size it has now, as a bounded read of a grown file says it
        throw new BoundedRead.TooLarge(max, sizeFollowingLinks(source));
      }
      // the umask may have removed bits at creation; set exactly what was asked
      Files.setPosixFilePermissions(temp, permissionsOf(mode));
      channel.force(true);
    } catch (IOException e) {
      deleteQuietly(temp, e);
      throw e;
    }
    hook.reached(Step.TEMP_WRITTEN, target);
  }

  /** The size of {@code file}, following a link as a copy of it does; -1 if unknown. */
  private static long sizeFollowingLinks(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  void rename(Path temp, Path target) {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      hook.reached(Step.RENAMED, target);
    } catch (IOException e) {
      deleteQuietly(temp, e);
      throw failure("cannot write", target, "renaming its temporary file "
          + Quoting.quote(temp.toString()) + " to it", e);
    }
  }

  /**
   * Writes {@code bytes} into the existing {@code file} from offset {@code at} on and fsyncs it
   * (its data and new size). A crash may leave any prefix of the bytes.
   */
  void append(Path file, long at, byte[] bytes) {
    String step = "opening it";
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      step = "writing to it";
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      for (long position = at; buffer.hasRemaining(); ) {
        position += channel.write(buffer, position);
      }
      step = "syncing it";
      channel.force(false);
      hook.reached(Step.APPENDED, file);
    } catch (IOException e) {
      throw failure("cannot append to", file, step, e);
    }
  }

  /** Deletes an owned file (or nothing, if it is gone). */
  void delete(Path file) {
    try {
      Files.deleteIfExists(file);
      hook.reached(Step.DELETED, file);
    } catch (IOException e) {
      throw failure("cannot delete owned file", file, e);
    }
  }

  /**
   * Deletes a temporary file the store created, if it is still there. Never follows a link and
   * never deletes a folder.
   */
  void deleteTemporary(Path temp) {
    try {
      if (Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS)
          || Files.isSymbolicLink(temp)) {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw failure("cannot remove temporary file", temp, e);
    }
  }

  private static void deleteQuietly(Path temp, IOException reported) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException suppressed) {
      reported.addSuppressed(suppressed);
    }
  }

  /**
   * Writes the temporary files concurrently (fsync is the slow part, and concurrent fsyncs share
   * journal commits), each dated {@code age} back, and returns their statuses in order, as
   * {@link #writeTemporary(Path, Path, List, int, Duration)} does. On an I/O failure the
   * finished temporary files are removed and nothing has been renamed; any other throwable
   * propagates as in a crash.
   */
  List<PosixFileAttributes> writeTemporaryFiles(List<Path> temps, List<Path> targets,
      List<List<ByteBuffer>> contents, List<Integer> modes, Duration age) {
    int n = targets.size();
    List<PosixFileAttributes> statuses = new ArrayList<>(n);
    if (n <= 1) {
      for (int i = 0; i < n; i++) {
        statuses.add(writeTemporary(temps.get(i), targets.get(i), contents.get(i), modes.get(i),
            age));
      }
      return statuses;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, WRITE_THREADS), runnable -> {
      Thread thread = new Thread(runnable, "promcc-file-store-write");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<PosixFileAttributes>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> writeTemporary(temps.get(index), targets.get(index),
            contents.get(index), modes.get(index), age)));
      }
      Throwable failure = null;
      for (Future<PosixFileAttributes> future : futures) {
        try {
          statuses.add(future.get());
        } catch (ExecutionException e) {
          failure = failure == null ? e.getCause() : failure;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failure = failure == null ? e : failure;
        }
      }
      if (failure instanceof Error error) {
        throw error; // a crash: leave everything as it is
      }
      if (failure != null) {
        for (Path temp : temps) {
          deleteQuietly(temp, new IOException("clean-up"));
        }
        if (failure instanceof ConfigStoreException e) {
          throw e;
        }
        throw new ConfigStoreException("cannot write files to " + Quoting.quote(root.toString())
            + ": " + (failure instanceof InterruptedException ? "interrupted"
            : Unexpected.named(failure, "a file's content")), failure);
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Fsyncs the folder {@code dir}: see {@link DurableFolders#fsyncDirectory}. */
  void fsyncDirectory(Path dir) {
    folders.fsyncDirectory(dir);
  }

  /** Makes {@code dir} a folder that survives a crash: see {@link DurableFolders#ensure}. */
  void ensureDirectory(Path dir) {
    folders.ensure(dir);
  }

  /**
   * Whether something other than a regular file is at {@code path} (a folder, a FIFO, a socket,
   * a device, a link); false if nothing is or its status cannot be read. Never opens it: one
   * {@code lstat}.
   */
  static boolean holdsOtherThanAFile(Path path) {
    try {
      return !Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .isRegularFile();
    } catch (IOException goneOrUnreadable) {
      return false;
    }
  }

  /** The modification time of a file with {@code status}, in nanoseconds since the epoch. */
  static long modifiedNanos(BasicFileAttributes status) {
    return status.lastModifiedTime().to(TimeUnit.NANOSECONDS);
  }

  /**
   * {@code <what> "<path>" (<reason>)}: {@code what} failed on {@code path} for the operating
   * system's reason ({@link FileFailures#reason}), said in words; {@code <what> "<path>"
   * ("<file>": <reason>)} where {@code cause} names another file (the manifest's journal, read
   * for the manifest), which the reason alone would leave out.
   */
  static ConfigStoreException failure(String what, Path path, IOException cause) {
    String file = cause instanceof FileSystemException failed && failed.getFile() != null
        && !failed.getFile().equals(path.toString()) ? failed.getFile() : null;
    return new ConfigStoreException(what + " " + Quoting.quote(path.toString()) + " ("
        + (file == null ? "" : Quoting.quote(file) + ": ") + FileFailures.reason(cause) + ")",
        cause);
  }

  /**
   * {@code <what> "<path>": <step> failed (<reason>)}, e.g. {@code cannot write "/out/a.yml":
   * syncing its temporary file "/out/.a.yml.promcc-tmp-1f" failed (no space left on device)}.
   */
  static ConfigStoreException failure(String what, Path path, String step, IOException cause) {
    return new ConfigStoreException(what + " " + Quoting.quote(path.toString()) + ": "
        + FileFailures.failed(step, cause), cause);
  }
}
