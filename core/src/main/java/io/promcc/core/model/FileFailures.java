package io.promcc.core.model;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one wording of a file operation that failed, for every module that reads or writes files:
 * the step, the file and the operating system's reason in words, lower-case as promcc's messages
 * are ({@code making the file "/proc/.promcc-run.lock" failed (no such file or directory)}),
 * never the JDK's exception text ({@code java.nio.file.NoSuchFileException: /proc/...}).
 * Describes an exception only; does no I/O. Stateless.
 */
public final class FileFailures {
  /** The cause the JDK gives a program it could not start: {@code error=2, No such file...}. */
  private static final Pattern ERRNO = Pattern.compile("error=[0-9]+, (.+)");

  private FileFailures() {}

  /**
   * {@code <step> failed (<reason>)}, e.g. {@code syncing the folder "/out" failed (input/output
   * error)}.
   *
   * @param step what was being done, naming the file ({@code making the file "/out/x"})
   */
  public static String failed(String step, IOException e) {
    return step + " failed (" + reason(e) + ")";
  }

  /**
   * The reason {@code e} gives in the operating system's words, lower-case as promcc's messages
   * are ("is a directory", "no space left on device"; for a program that could not be started,
   * the reason the JDK quotes from the operating system), or else the kind of failure, never the
   * JDK's exception text.
   */
  public static String reason(IOException e) {
    if (e.getCause() instanceof IOException cause && cause.getMessage() != null) {
      Matcher errno = ERRNO.matcher(cause.getMessage());
      if (errno.matches()) { // a program that could not be started: "Cannot run program ..."
        return lowerCase(errno.group(1));
      }
    }
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
    if (e.getReason() != null && !e.getReason().isEmpty()) { // "Operation not permitted"
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
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "directory not empty";
    }
    return e.getClass().getSimpleName();
  }
}
