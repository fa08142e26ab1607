package io.promcc.app;

import io.promcc.core.model.Quoting;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Says in words what failed when a folder, or a file in it, could not be made: the path and the
 * operating system's reason ({@code making the folder "/proc/x" failed (no such file or
 * directory)}), not the JDK's exception text. Stateless.
 */
final class FolderFailures {
  private FolderFailures() {}

  /** What {@code e}, thrown while making a folder, says. */
  static String describe(IOException e) {
    return describe(e, "folder");
  }

  /** What {@code e}, thrown while making a file, says. */
  static String describeFile(IOException e) {
    return describe(e, "file");
  }

  private static String describe(IOException e, String what) {
    if (!(e instanceof FileSystemException failed) || failed.getFile() == null) {
      return "making it failed (" + e + ")";
    }
    return "making the " + what + " " + Quoting.quote(failed.getFile()) + " failed ("
        + reason(failed) + ")";
  }

  /**
   * The reason {@code e} gives in the operating system's words, lower-case as promcc's messages
   * are ("is a directory"), or else the kind of failure, never the JDK's exception text.
   */
  static String reason(IOException e) {
    if (!(e instanceof FileSystemException failed)) { // its message is the reason alone
      return e.getMessage() == null || e.getMessage().isEmpty() ? e.getClass().getSimpleName()
          : lowerCase(e.getMessage());
    }
    return reason(failed);
  }

  private static String lowerCase(String reason) {
    return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
  }

  private static String reason(FileSystemException e) {
    if (e.getReason() != null) { // "Operation not permitted", "Read-only file system"
      return lowerCase(e.getReason());
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "a file is there";
    }
    return e.getClass().getSimpleName();
  }
}
