package io.promcc.app.run;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The holder of an output folder's {@link FolderLock}, looked up without making or locking
 * anything: for a refusal that names who may be using what the folder's controller would use.
 * The lock file is reserved here while it is read ({@link HeldFiles#reserveForLookUp}): one
 * look-up of it at a time, and no take meanwhile.
 *
 * <p>Thread-safe.
 */
final class OutputHolder {
  private OutputHolder() {}

  /**
   * What {@link FolderLock#output} would refuse {@code out} with: the message naming the holder
   * where the lock file exists and is held (by another process, or in this one); empty where it
   * is missing, free or cannot be read. A look-up of the same file under way here is waited for
   * {@link FolderLock#LOOK_UP_WAIT} at most; one not ended by then leaves the holder unknown
   * (empty), as a read that hangs does.
   */
  static Optional<String> of(Path out) {
    return of(out, file -> FileChannel.open(file, StandardOpenOption.READ));
  }

  /** As above, opening the lock file, to read it, with {@code opener}. */
  static Optional<String> of(Path out, FolderLock.Opener opener) {
    return of(out, opener, FolderLock.LOOK_UP_WAIT);
  }

  /** As above, waiting for another look-up {@code lookUpWait} at most. */
  static Optional<String> of(Path out, FolderLock.Opener opener, Duration lookUpWait) {
    Path lockFile = out.resolve(FolderLock.OUT_LOCK);
    Object existing;
    try {
      existing = FolderLock.fileKey(lockFile);
    } catch (IOException | RuntimeException e) { // no answer: the address alone is said
      return Optional.empty();
    }
    if (existing == null) {
      return Optional.empty();
    }
    // not opened: closing it would release this process' lock
    HeldFiles.LookUp reserved = HeldFiles.reserveForLookUp(existing, lookUpWait);
    if (reserved == HeldFiles.LookUp.HELD_HERE) {
      return inUse(out, lockFile, OptionalLong.of(ProcessHandle.current().pid()));
    }
    if (reserved == HeldFiles.LookUp.LOOKED_UP) {
      return Optional.empty();
    }
    try (FileChannel channel = opener.open(lockFile)) {
      FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
      if (lock != null) {
        lock.release();
        return Optional.empty();
      }
      return inUse(out, lockFile, FolderLock.pidIn(channel));
    } catch (IOException | RuntimeException e) { // no answer: the address alone is said
      return Optional.empty();
    } finally {
      HeldFiles.unreserve(existing);
    }
  }

  private static Optional<String> inUse(Path out, Path lockFile, OptionalLong holder) {
    return Optional.of(FolderLock.inUse("--out", out, lockFile, FolderLock.OUTPUT_SHARED, holder)
        .getMessage());
  }
}
