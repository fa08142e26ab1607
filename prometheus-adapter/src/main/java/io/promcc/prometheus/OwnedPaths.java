package io.promcc.prometheus;

import io.promcc.core.model.DesiredState;
import io.promcc.core.model.Quoting;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.UnownedFilesException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;

/**
 * The paths of {@link AtomicFileStore} inside its output folder, and the checks before it touches
 * one: the path stays inside the folder, is not a name the store keeps for itself, has no
 * symbolic link for a folder, and its file is the store's (one the manifest does not list is
 * someone else's). Not thread-safe.
 */
final class OwnedPaths {
  private final Path root;

  /** The paths below {@code root}, the output folder (absolute and normalized). */
  OwnedPaths(Path root) {
    this.root = root;
  }

  /** The output folder. */
  Path root() {
    return root;
  }

  /**
   * Refuses a write of {@code diff} that would replace a file the store does not own (a desired
   * path, of this diff or not, whose file is on disk while {@code owned} lacks it) or delete one.
   * It only looks: {@code lstat} of each desired path {@code owned} lacks.
   *
   * @throws UnownedFilesException naming every desired path someone else's file holds
   * @throws ConfigStoreException naming the first deleted path the store does not own
   */
  void requireOwned(DesiredState desired, FileDiff diff,
      SortedMap<String, Manifest.Entry> owned) {
    // every desired path, not only this diff's: a diff applied in parts must not write its first
    // part when a later part would be refused
    List<String> unowned = new ArrayList<>();
    // both sorted by path: one walk instead of a lookup per path (40,000 at 10,000 clusters);
    // the manifest's paths are the planner's instances (DesiredState.sharedPath), equal without
    // reading them, and taken as Objects so that not even their class is checked
    Iterator<?> ownedPaths = owned.keySet().iterator();
    Object ownedPath = ownedPaths.hasNext() ? ownedPaths.next() : null;
    for (Object path : desired.files().keySet().toArray()) {
      while (ownedPath != null && ownedPath != path
          && ((String) ownedPath).compareTo((String) path) < 0) {
        ownedPath = ownedPaths.hasNext() ? ownedPaths.next() : null;
      }
      if (path == ownedPath || path.equals(ownedPath)) {
        // past it: the next path is compared with the next owned one, not with this one (one
        // String comparison per path, each a read of two strings spread over the heap)
        ownedPath = ownedPaths.hasNext() ? ownedPaths.next() : null;
      } else if (Files.exists(resolve((String) path), LinkOption.NOFOLLOW_LINKS)) {
        unowned.add((String) path);
      }
    }
    if (!unowned.isEmpty()) {
      throw new UnownedFilesException(unowned, root.toString());
    }
    for (String path : diff.deletes()) {
      if (!owned.containsKey(path)) {
        throw new ConfigStoreException("refusing to delete " + Quoting.quote(path)
            + ": the file is not owned by the controller");
      }
    }
  }

  List<String> relative(List<Path> paths) {
    return paths.stream().map(p -> root.relativize(p).toString()).toList();
  }

  void requireWritablePath(DesiredState desired, String path) {
    if (!desired.files().containsKey(path)) {
      throw new IllegalArgumentException("diff writes " + Quoting.quote(path)
          + ", which is not a file of the desired state");
    }
    if (path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0 || path.startsWith(".promcc-")
        || path.contains(AtomicFiles.TEMP_MARKER)) {
      throw new ConfigStoreException("cannot store " + Quoting.quote(path)
          + ": the name is reserved or contains a line break");
    }
  }

  /**
   * Refuses paths whose folder (or a folder above it, inside the output folder) is a symbolic
   * link: through it a write or delete would act on files elsewhere, which are not the store's.
   * One {@code lstat} per level of each distinct folder; a missing level is made a real folder
   * later.
   *
   * @throws ConfigStoreException naming the link; nothing was changed
   */
  void requireRealFolders(Collection<String> paths) {
    Set<String> checked = new HashSet<>();
    for (String path : paths) {
      for (String folder = folderOf(path); !folder.isEmpty() && checked.add(folder);
          folder = folderOf(folder)) {
        if (Files.isSymbolicLink(resolve(folder))) {
          throw new ConfigStoreException("cannot write or delete " + Quoting.quote(path)
              + ": its folder " + Quoting.quote(folder) + " is a symbolic link, and the files "
              + "it leads to are not the controller's; replace it with a folder (nothing was "
              + "changed)");
        }
      }
    }
  }

  Path resolve(String relative) {
    Path resolved = root.resolve(relative).normalize();
    if (!resolved.startsWith(root) || resolved.equals(root)) {
      throw new ConfigStoreException("path " + Quoting.quote(relative) + " escapes "
          + Quoting.quote(root.toString()));
    }
    return resolved;
  }

  static String folderOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }
}
