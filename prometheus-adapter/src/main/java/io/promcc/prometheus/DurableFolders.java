package io.promcc.prometheus;

import static io.promcc.prometheus.AtomicFiles.failure;
import static java.util.Objects.requireNonNull;

import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import io.promcc.prometheus.AtomicFileStore.Step;
import io.promcc.prometheus.AtomicFileStore.StepHook;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * The folders of {@link AtomicFiles}: made level by level with the parent of each new folder
 * fsynced, so that a file renamed into them survives a crash; the output folder narrowed to the
 * group. Every method throws {@link io.promcc.core.port.ConfigStoreException} on an I/O error,
 * naming the path. Thread-safe as far as the file system is, except the one warning about an
 * output folder that cannot be narrowed, which two racing calls may both log.
 */
final class DurableFolders {
  // the logger the store's folder warning has always been logged under
  private static final System.Logger LOG = System.getLogger(AtomicFiles.class.getName());
  /** Mode of the output folder and of every folder the store creates. */
  static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-x---");
  private static final int GROUP_WRITE = 0020;
  private static final int OTHERS = 0007;

  private final Path root;
  private final StepHook hook;
  private boolean warnedAboutRoot;

  DurableFolders(Path root, StepHook hook) {
    this.root = requireNonNull(root, "root == null");
    this.hook = requireNonNull(hook, "hook == null");
  }

  /** Fsyncs {@code dir}, so that the entries renamed or created in it survive a crash. */
  void fsyncDirectory(Path dir) {
    String step = "opening it";
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      step = "syncing it";
      channel.force(true);
      hook.reached(Step.FOLDER_SYNCED, dir);
    } catch (IOException e) {
      throw failure("cannot sync folder", dir, step, e);
    }
  }

  /**
   * Makes {@code dir} a folder: each missing level is created with {@link #DIR_MODE}, and the
   * parent of each new folder is fsynced at once, since a file renamed into a new folder survives
   * a crash only if the folder's own entry does. The output folder, if it exists and others may
   * use it, is narrowed to the group.
   */
  void ensure(Path dir) {
    String step = "reading the mode of it";
    try {
      if (Files.isDirectory(dir)) {
        if (dir.equals(root)) {
          narrow(dir);
        }
        return;
      }
      Deque<Path> missing = new ArrayDeque<>();
      for (Path level = dir; level != null && !Files.isDirectory(level);
          level = level.getParent()) {
        missing.push(level);
      }
      for (Path level : missing) { // outermost first
        step = "making the folder " + Quoting.quote(level.toString());
        try {
          Files.createDirectory(level, PosixFilePermissions.asFileAttribute(DIR_MODE));
        } catch (FileAlreadyExistsException raced) {
          if (!Files.isDirectory(level)) {
            throw raced;
          }
          continue; // someone else made it
        }
        step = "setting the mode of the folder " + Quoting.quote(level.toString());
        Files.setPosixFilePermissions(level, DIR_MODE);
        fsyncDirectory(level.getParent());
      }
    } catch (IOException e) {
      throw failure("cannot prepare folder", dir, step, e);
    }
  }

  /**
   * Takes others' access and the group's write away from an existing output folder (to {@link
   * #DIR_MODE} at most). A folder the controller does not
   * own (a volume's root, owned by root) cannot be changed by a non-root process: that is the
   * operator's choice, said once in the log, and the files in it still get their own modes.
   */
  private void narrow(Path dir) throws IOException {
    // the group (Prometheus') reads; only the controller writes. The whole mode, not the nine
    // permission bits alone: those would clear a setgid bit (an fsGroup volume's folders have
    // it, so that new files belong to the volume's group)
    int mode = (Integer) Files.getAttribute(dir, "unix:mode");
    int narrowed = mode & ~(GROUP_WRITE | OTHERS);
    if (narrowed != mode) {
      try {
        Files.setAttribute(dir, "unix:mode", narrowed & 07777);
      } catch (FileSystemException notOwner) {
        if (!warnedAboutRoot) {
          warnedAboutRoot = true;
          LOG.log(System.Logger.Level.WARNING, "cannot narrow the mode of "
              + Quoting.quote(dir.toString()) + " (" + FileFailures.reason(notOwner)
              + "); its files keep their own modes");
        }
      }
    }
  }
}
