package io.promcc.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which file each of some paths under a folder is (its inode, where the file system has one,
 * else its times, size and content), so that after a write that failed part way it can be told
 * which files it replaced, created or deleted: the store writes a new file and renames it over
 * the old one, so a written path holds another file than before.
 */
final class FileIdentities {
  /** Reads a file's attributes, not following a link (a seam for tests). */
  @FunctionalInterface
  interface AttributeReader {
    BasicFileAttributes read(Path file) throws IOException;
  }

  private static final AttributeReader FILE_SYSTEM = file -> Files.readAttributes(file,
      BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);

  private final Path root;
  private final AttributeReader attributes;
  private final Map<String, Object> identities; // by relative path; null: no file

  private FileIdentities(Path root, AttributeReader attributes, Map<String, Object> identities) {
    this.root = root;
    this.attributes = attributes;
    this.identities = identities;
  }

  /** The files at {@code paths} (relative to {@code root}) now. */
  static FileIdentities of(Path root, Collection<String> paths) {
    return of(root, paths, FILE_SYSTEM);
  }

  /** As {@link #of(Path, Collection)}, reading attributes with {@code attributes}. */
  static FileIdentities of(Path root, Collection<String> paths, AttributeReader attributes) {
    Map<String, Object> identities = new TreeMap<>();
    for (String path : new TreeSet<>(paths)) {
      identities.put(path, identity(attributes, root.resolve(path)));
    }
    return new FileIdentities(root, attributes, identities);
  }

  /** The paths that hold another file than they did, a new one included, in path order. */
  List<String> written() {
    List<String> written = new ArrayList<>();
    identities.forEach((path, before) -> {
      Object now = identity(attributes, root.resolve(path));
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
      if (before != null && identity(attributes, root.resolve(path)) == null) {
        deleted.add(path);
      }
    });
    return deleted;
  }

  /**
   * The file's inode; where the file system has none (Java gives no file key), its times, size
   * and a hash of its content, since coarse times (FAT keeps two seconds) and an equal size do
   * not tell a file replaced in the same tick by one of the same size. Null if there is no file
   * (or it cannot be read).
   */
  private static Object identity(AttributeReader reader, Path file) {
    try {
      BasicFileAttributes attributes = reader.read(file);
      if (attributes.fileKey() != null) {
        return attributes.fileKey();
      }
      return new WithoutInode(attributes.creationTime() + " " + attributes.lastModifiedTime(),
          attributes.size(), attributes.isRegularFile() ? contentHash(file) : "");
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A file's identity on a file system without inode numbers. */
  private record WithoutInode(String times, long size, String contentHash) {}

  /** The SHA-256 of the file's bytes, or why they cannot be read. */
  private static String contentHash(Path file) {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[8192];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      return "unreadable: " + e;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
