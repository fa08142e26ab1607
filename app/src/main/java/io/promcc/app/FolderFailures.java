package io.promcc.app;

import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import java.io.IOException;
import java.nio.file.FileSystemException;

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
      return FileFailures.failed("making it", e);
    }
    return FileFailures.failed("making the " + what + " " + Quoting.quote(failed.getFile()),
        failed);
  }

  /** The reason {@code e} gives in the operating system's words: {@link FileFailures#reason}. */
  static String reason(IOException e) {
    return FileFailures.reason(e);
  }
}
