package io.promcc.app.settings;

import io.promcc.core.model.Quoting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a path given as a folder promcc writes to ({@code --out}, a local CA's
 * {@code --state-dir}) before anything is written: it is a folder, or nothing yet (it is made),
 * never a file, a link to nothing, or a path below either, where no folder can be made (promcc
 * makes none at a link). Stateless; reads only whether the path and its parents exist.
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
    if (linksToNothing(path)) {
      throw new IllegalArgumentException("must be a folder (created if missing), but it is "
          + linkTo(path));
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
      if (linksToNothing(above)) {
        throw new IllegalArgumentException("must be a folder (created if missing), but "
            + Quoting.quote(above.toString()) + " on its path is " + linkTo(above));
      }
    }
    return path;
  }

  /** Whether {@code path} is a symbolic link that leads to nothing (a missing target, a loop). */
  private static boolean linksToNothing(Path path) {
    return Files.isSymbolicLink(path) && !Files.exists(path);
  }

  /** {@code a link to "<target>", where nothing is}, the target as the link holds it. */
  private static String linkTo(Path link) {
    String target;
    try {
      target = Quoting.quote(Files.readSymbolicLink(link).toString());
    } catch (IOException | UnsupportedOperationException e) {
      return "a link to nothing";
    }
    return "a link to " + target + ", where nothing is";
  }
}
