package io.promcc.app.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/** The folders whose file events may mean a change of a path a {@link FileWatcher} watches. */
final class WatchedFolders {
  private WatchedFolders() {}

  /**
   * The folders whose events may mean a change of {@code path}, whose last state is
   * {@code state}: the parent (renames, deletes, a link swapped), the path itself if it is a
   * folder, and where its links lead.
   */
  static Set<Path> of(Path path, PathState state) {
    Set<Path> folders = new LinkedHashSet<>();
    addParent(folders, path);
    if (state instanceof PathState.Folder) {
      folders.add(path);
    }
    try {
      Path real = path.toRealPath();
      if (!real.equals(path)) {
        addParent(folders, real);
        if (state instanceof PathState.Folder) {
          folders.add(real);
        }
      }
    } catch (IOException | SecurityException absentOrUnreadable) {
      // nothing more to watch until it exists
    }
    return folders;
  }

  /**
   * Adds the parent of {@code of}, or while that does not exist its nearest existing ancestor,
   * whose events tell when the missing folders appear.
   */
  private static void addParent(Set<Path> folders, Path of) {
    Path parent = of.getParent();
    while (parent != null && !Files.isDirectory(parent)) {
      parent = parent.getParent();
    }
    if (parent != null) {
      folders.add(parent);
    }
  }
}
