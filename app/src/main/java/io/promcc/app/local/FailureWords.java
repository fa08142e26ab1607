package io.promcc.app.local;

import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A failure of local mode's files as the end of a message: the file and the operating system's
 * reason, never the JDK's exception text. Stateless.
 */
final class FailureWords {
  private FailureWords() {}

  /**
   * {@code ("/state/clients/alpha-key.pem": is a directory)} for a file failure (of a move, the
   * file moved to: the other is a temporary one), {@code (no space left on device)} for one that
   * names no file, and any other failure as it says, after ": ".
   */
  static String said(Exception e) {
    if (!(e instanceof IOException failed)) {
      return ": " + e;
    }
    Path file = null;
    if (e instanceof FileSystemException named && named.getFile() != null) {
      file = Path.of(named.getOtherFile() != null ? named.getOtherFile() : named.getFile());
    }
    return " (" + (file == null ? "" : Quoting.quote(file.toString()) + ": ")
        + FileFailures.reason(failed) + ")";
  }
}
