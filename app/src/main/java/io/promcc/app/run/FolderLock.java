package io.promcc.app.run;

import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A folder held by this process until {@link #close()}: an exclusive lock
 * ({@link FileChannel#tryLock()}) on a lock file in it, which holds the pid of the process that
 * took it. The operating system drops the lock with the process however it ends, so a lock file
 * left by a killed process blocks nothing: the file stays and is taken over.
 *
 * <p>The lock is the process' (POSIX {@code fcntl}), and closing any descriptor of the file
 * releases it: a second holder in this process is therefore refused from a record of the files
 * held here, without opening the file. That record also holds, for their time, the files being
 * taken or read here ({@link OutputHolder#of}), and the folders being taken (by device and inode,
 * so under any spelling: a link, a bind mount), so that no other take here opens them meanwhile:
 * it is refused as in use by this process, after waiting {@link #LOOK_UP_WAIT} at most for a read
 * of the holder to end. A take that finds its opened file held here by another name after all
 * (made meanwhile as a link of one held) is refused, its descriptor kept with the holder's and
 * closed at its release. No file is read or written under the record's lock: a take or release
 * on a volume that hangs holds no take or release of another folder.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class FolderLock implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FolderLock.class.getName());
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");
  /**
   * The lock file in the output folder: a {@code .promcc-} name, which the store keeps for its
   * own files, at the top, where no glob of a generated config ({@code <folder>/*.yml}) looks.
   */
  static final String OUT_LOCK = ".promcc-run.lock";
  static final String OUTPUT_SHARED = "the same files for Prometheus";
  /** A new output folder's mode, as the file store makes it: the group (Prometheus') reads. */
  private static final Set<PosixFilePermission> OUT_MODE =
      PosixFilePermissions.fromString("rwxr-x---");
  /**
   * How long a take waits for the end of a look-up of its lock file's holder in this process
   * ({@link OutputHolder#of}: a few reads of the file) before it is refused as in use here.
   */
  static final Duration LOOK_UP_WAIT = Duration.ofSeconds(5);
  /** Room for a pid and its line break; a longer content is no pid. */
  private static final int MAX_CONTENT = 32;

  /** Opens (making it if missing) a lock file; a seam for tests of a folder that refuses it. */
  @FunctionalInterface
  interface Opener {
    FileChannel open(Path lockFile) throws IOException;
  }

  /** A link there is not followed: nothing is created or locked elsewhere through it. */
  private static final Opener OPEN = lockFile -> FileChannel.open(lockFile,
      Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(FILE_MODE));

  private final FileChannel channel; // null: nothing is held
  private final Object key; // reserved in HeldFiles while held, or null
  private final String option;
  private final AtomicBoolean closed = new AtomicBoolean();

  private FolderLock(FileChannel channel, Object key, String option) {
    this.channel = channel;
    this.key = key;
    this.option = option;
  }

  /**
   * Locks the output folder {@code out} ({@code --out}) that {@code promcc run} and
   * {@code promcc render} write, as {@link #acquire} does.
   *
   * @throws FolderInUseException if another process, or another holder in this one, holds it
   */
  public static FolderLock output(Path out) {
    return acquire(out, OUT_LOCK, OUT_MODE, "--out", OUTPUT_SHARED);
  }

  /**
   * Makes the output folder {@code out} as {@link #output} does (each missing level
   * {@code rwxr-x---}, its parent synced), for a caller that refuses a folder that cannot be
   * made, which {@link #output} only warns of. Idempotent.
   *
   * @throws IOException naming ({@link java.nio.file.FileSystemException#getFile()}) the level
   *     that could not be made
   */
  public static void makeOutput(Path out) throws IOException {
    makeFolder(out, OUT_MODE);
  }

  /**
   * Makes the lock file of the output folder {@code out} ({@link #makeOutput} made the folder)
   * if it is missing: the first file a render makes there, for a caller that refuses a folder
   * that takes no file (one of /proc, a read-only volume), of which {@link #output} only warns.
   * A lock file there is left alone, not opened: closing a descriptor of one held in this
   * process would release its lock. Idempotent.
   *
   * @throws IOException naming ({@link java.nio.file.FileSystemException#getFile()}) the lock
   *     file, which could not be made
   */
  public static void makeOutputLockFile(Path out) throws IOException {
    Path lockFile = out.resolve(OUT_LOCK);
    if (fileKey(lockFile) != null) {
      return;
    }
    try { // a new file, which no one holds: closing it releases no lock
      Files.newByteChannel(lockFile, Set.of(StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
          PosixFilePermissions.asFileAttribute(FILE_MODE)).close();
    } catch (FileAlreadyExistsException raced) {
      // made meanwhile by another process: the folder takes files
    }
  }

  /**
   * Locks {@code folder}, making it first if it is missing (each missing level with
   * {@code mode}, and its parent synced, so that files later renamed into it survive a crash).
   * A lock file that cannot be made or locked (a read-only or full volume, a file system without
   * locks) is a warning, and the lock returned holds nothing: the folder's users report what they
   * cannot do there themselves.
   *
   * @param option the option that names the folder, e.g. {@code --out}
   * @param shared what two controllers would both write there, for the message
   * @throws FolderInUseException if another process holds the lock, or another holder in this
   *     process (a lock is per process: a second one here is refused as well)
   */
  static FolderLock acquire(Path folder, String fileName, Set<PosixFilePermission> mode,
      String option, String shared) {
    return acquire(folder, fileName, mode, option, shared, OPEN);
  }

  /** As above, opening the lock file with {@code opener}. */
  static FolderLock acquire(Path folder, String fileName, Set<PosixFilePermission> mode,
      String option, String shared, Opener opener) {
    return acquire(folder, fileName, mode, option, shared, opener, LOOK_UP_WAIT);
  }

  /**
   * As above, a lock file whose holder is being looked up ({@link OutputHolder#of}) waited for
   * {@code lookUpWait} at most.
   */
  static FolderLock acquire(Path folder, String fileName, Set<PosixFilePermission> mode,
      String option, String shared, Opener opener, Duration lookUpWait) {
    Path lockFile = folder.resolve(fileName);
    // one take of a file at a time in this process, and none of a file held here: reserved
    // first by its path (a missing file has no key yet), then by its key
    Path where = lockFile.toAbsolutePath().normalize();
    OptionalLong here = OptionalLong.of(ProcessHandle.current().pid());
    if (!HeldFiles.reserve(where)) {
      throw inUse(option, folder, lockFile, shared, here);
    }
    List<Object> reserved = new ArrayList<>(List.of(where)); // given back unless held
    FileChannel channel = null;
    Object key = null;
    String step = "making the folder " + Quoting.quote(folder.toString());
    try {
      makeFolder(folder, mode);
      step = "reading the status of the folder " + Quoting.quote(folder.toString());
      // links followed: a take of the same folder by another spelling is refused here
      Object folderKey = Files.readAttributes(folder, BasicFileAttributes.class).fileKey();
      if (folderKey != null && !HeldFiles.reserve(folderKey)) {
        throw inUse(option, folder, lockFile, shared, here);
      }
      Optional.ofNullable(folderKey).ifPresent(reserved::add);
      step = "reading the status of the file " + Quoting.quote(lockFile.toString());
      Object existing = fileKey(lockFile);
      if (existing != null && !HeldFiles.reserveAfterLookUp(existing, lookUpWait)) {
        throw HeldFiles.lookedUp(existing) ? lookUpNotEnded(option, folder, lockFile, lookUpWait)
            : inUse(option, folder, lockFile, shared, here);
      }
      Optional.ofNullable(existing).ifPresent(reserved::add);
      step = "opening the file " + Quoting.quote(lockFile.toString());
      channel = opener.open(lockFile);
      step = "reading the status of the file " + Quoting.quote(lockFile.toString());
      key = fileKey(lockFile);
      if (key != null && !key.equals(existing) && !HeldFiles.reserveOrKeep(key, channel)) {
        // made since, and taken here meanwhile by another name: this descriptor is closed
        // when that take ends, as closing it now would release that lock
        channel = null;
        throw inUse(option, folder, lockFile, shared, here);
      }
      if (key != null && !key.equals(existing)) {
        reserved.add(key);
      }
      step = "locking the file " + Quoting.quote(lockFile.toString());
      FileLock lock = channel.tryLock();
      if (lock == null) {
        // another process holds it: closing this descriptor releases no lock of this one
        OptionalLong holder = pidIn(channel);
        step = "closing the file " + Quoting.quote(lockFile.toString());
        channel.close();
        throw inUse(option, folder, lockFile, shared, holder);
      }
      writePid(channel, lockFile);
      reserved.remove(key); // held from now on, until close()
      return new FolderLock(channel, key, option);
    } catch (IOException e) {
      closeQuietly(channel);
      LOG.log(Level.WARNING, "cannot lock " + option + " " + Quoting.quote(folder.toString())
          + ": " + FileFailures.failed(stepOf(step, e), e)
          + ": a second promcc run on it would not be refused");
      LOG.log(Level.DEBUG, "the lock of " + Quoting.quote(folder.toString()) + " failed", e);
      return new FolderLock(null, null, option);
    } finally {
      reserved.forEach(HeldFiles::unreserve);
    }
  }

  /**
   * {@code step}, or where {@code e} names another file than the step (a level of the folder
   * that could not be made), the making of that one.
   */
  private static String stepOf(String step, IOException e) {
    if (e instanceof FileSystemException failed && failed.getFile() != null
        && step.startsWith("making the folder ") && failed.getOtherFile() == null) {
      return "making the folder " + Quoting.quote(failed.getFile());
    }
    return step;
  }

  static FolderInUseException inUse(String option, Path folder, Path lockFile,
      String shared, OptionalLong holder) {
    // a render takes the output folder's lock, never the state folder's
    String users = lockFile.getFileName().toString().equals(OUT_LOCK)
        ? "promcc run or render" : "promcc run";
    return new FolderInUseException(option + " " + Quoting.quote(folder.toString())
        + " is used by another " + users + " (" + (holder.isPresent() ? "pid "
        + holder.getAsLong() : "its pid unknown") + ", lock file "
        + Quoting.quote(lockFile.toString()) + "): both would write " + shared
        + "; stop the other one, or give each its own " + option, folder, holder);
  }

  /** A take refused as a look-up here of its lock file's holder did not end within its wait. */
  private static FolderInUseException lookUpNotEnded(String option, Path folder, Path lockFile,
      Duration wait) {
    return new FolderInUseException(option + " " + Quoting.quote(folder.toString())
        + " was not taken: a look-up in this process of the holder of its lock file "
        + Quoting.quote(lockFile.toString()) + " did not end within " + wait
        + " (is its volume hanging?); try again", folder, OptionalLong.empty());
  }

  /** The file's device and inode (read without opening it), or null if it does not exist. */
  static Object fileKey(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .fileKey();
    } catch (NoSuchFileException missing) {
      return null;
    }
  }

  private static void writePid(FileChannel channel, Path lockFile) {
    String step = "emptying it";
    try {
      // opened without truncating: the holder's pid stays until the lock is this process'
      channel.truncate(0);
      step = "writing it";
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
          .getBytes(StandardCharsets.US_ASCII)), 0);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot write the pid into " + Quoting.quote(lockFile.toString())
          + ": " + FileFailures.failed(step, e) + ": the folder is locked, but a second promcc "
          + "run cannot name this one");
      LOG.log(Level.DEBUG, "writing the pid into " + Quoting.quote(lockFile.toString())
          + " failed", e);
    }
  }

  /** The option that names the locked folder, e.g. {@code --out}. */
  String option() {
    return option;
  }

  /**
   * Releases the lock; the file stays. The file is closed outside the lock of this process'
   * holders: a close that hangs (a volume that stopped answering) holds no other lock's release
   * or take, and its folder counts as held here until it ends, however it ends: one that throws
   * an unchecked exception (thrown on) leaves it held no longer.
   */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return; // the key may be another holder's by now
    }
    try {
      closeQuietly(channel); // closing the channel releases its lock
    } finally {
      if (key != null) {
        HeldFiles.unreserve(key);
      }
    }
  }

  /** The pid the holder wrote, if the file holds one (a holder still writing it holds none). */
  static OptionalLong pidIn(FileChannel channel) {
    ByteBuffer content = ByteBuffer.allocate(MAX_CONTENT + 1);
    try {
      while (content.hasRemaining() && channel.read(content, content.position()) > 0) {
        // reads until the end of the file or past the room of a pid
      }
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    String text = new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII)
        .strip();
    if (content.position() > MAX_CONTENT || text.isEmpty() || !text.chars()
        .allMatch(c -> c >= '0' && c <= '9') || text.length() > 18) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(text));
  }

  private static void makeFolder(Path folder, Set<PosixFilePermission> mode) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path level = folder; level != null && !Files.isDirectory(level);
        level = level.getParent()) {
      missing.push(level);
    }
    for (Path level : missing) { // outermost first
      try {
        Files.createDirectory(level, PosixFilePermissions.asFileAttribute(mode));
      } catch (FileAlreadyExistsException raced) {
        if (!Files.isDirectory(level)) {
          throw raced;
        }
        continue; // made meanwhile by someone else
      }
      Files.setPosixFilePermissions(level, mode); // the umask may have taken bits away
      try (FileChannel parent = FileChannel.open(level.getParent(), StandardOpenOption.READ)) {
        parent.force(true);
      }
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "closing a lock file failed: " + e);
    }
  }
}
