package io.promcc.app.settings;

import io.promcc.core.model.Quoting;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a path given as a folder promcc writes to ({@code --out}, a local CA's
 * {@code --state-dir}) before anything is written: it is a folder, or nothing yet (it is made),
 * never a file or a path below one, where no folder can be made. Stateless; reads only whether the path and its parents exist.
 */
public final class OutputFolders {
  private OutputFolders() {}

  /**
   * {@code path} if it may be such a folder.
   *
   * @throws IllegalArgumentException saying why not, worded to follow an option's name
   */
  public static Path folderOrNone(Path path) {
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw new IllegalArgumentException("must be a folder (created if missing), but it is a "
          + "file");
    }
    for (Path above = path.toAbsolutePath().getParent(); above != null;
        above = above.getParent()) {
      if (Files.isDirectory(above)) {
        break;
      }
      if (Files.exists(above)) {
        throw new IllegalArgumentException("must be a folder (created if missing), but "
            + Quoting.quote(above.toString()) + " on its path is a file");
      }
    }
    return path;
  }
}
