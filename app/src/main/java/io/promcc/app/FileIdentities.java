package io.promcc.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which file each of some paths under a folder is (its inode, where the file system has one),
 * so that after a write that failed part way it can be told which files it replaced, created or
 * deleted: the store writes a new file and renames it over the old one, so a written path holds
 * another file than before.
 */
final class FileIdentities {
  private final Path root;
  private final Map<String, Object> identities; // by relative path; null: no file

  private FileIdentities(Path root, Map<String, Object> identities) {
    this.root = root;
    this.identities = identities;
  }

  /** The files at {@code paths} (relative to {@code root}) now. */
  static FileIdentities of(Path root, Collection<String> paths) {
    Map<String, Object> identities = new TreeMap<>();
    for (String path : new TreeSet<>(paths)) {
      identities.put(path, identity(root.resolve(path)));
    }
    return new FileIdentities(root, identities);
  }

  /** The paths that hold another file than they did, a new one included, in path order. */
  List<String> written() {
    List<String> written = new ArrayList<>();
    identities.forEach((path, before) -> {
      Object now = identity(root.resolve(path));
      if (now != null && !now.equals(before)) {
        written.add(path);
      }
    });
    return written;
  }

  /** The paths that held a file and hold none now, in path order. */
  SortedSet<String> deleted() {
    SortedSet<String> deleted = new TreeSet<>();
    identities.forEach((path, before) -> {
      if (before != null && identity(root.resolve(path)) == null) {
        deleted.add(path);
      }
    });
    return deleted;
  }

  /** The file's inode, else its times and size; null if there is none (or it cannot be read). */
  private static Object identity(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      return Objects.requireNonNullElse(attributes.fileKey(), attributes.creationTime() + " "
          + attributes.lastModifiedTime() + " " + attributes.size());
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
