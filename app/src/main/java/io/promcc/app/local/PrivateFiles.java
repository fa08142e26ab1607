package io.promcc.app.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes the local CA's files: each one whole or not at all (a temporary file with the final mode
 * from the start, renamed over the target), so a crash never leaves half a key and a key is never
 * readable by others, not even for a moment. Stateless and thread-safe.
 */
final class PrivateFiles {
  /** Owner only: the state folder and every key. */
  static final String OWNER_ONLY = "rw-------";
  /** The CA certificate, which anyone may read. */
  static final String WORLD_READABLE = "rw-r--r--";
  /** Prefix of temporary files; left over only by a crash, and safe to delete. */
  static final String TEMP_PREFIX = ".tmp-";

  private static final Set<PosixFilePermission> FOLDER_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private PrivateFiles() {}

  /**
   * Creates {@code folder} (and its parents) with mode 0700 if it does not exist.
   *
   * @throws IOException if it cannot, or something that is not a folder is in its place
   */
  static void createFolder(Path folder) throws IOException {
    if (Files.isDirectory(folder)) {
      return;
    }
    if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(folder.toString(), null, "is not a folder");
    }
    Path parent = folder.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(FOLDER_MODE));
    } catch (FileAlreadyExistsException raced) {
      if (!Files.isDirectory(folder)) {
        throw raced;
      }
      return;
    }
    Files.setPosixFilePermissions(folder, FOLDER_MODE); // the umask may have taken bits away
  }

  /**
   * Replaces {@code target} with {@code content} atomically.
   *
   * @param mode e.g. {@link #OWNER_ONLY}
   * @param durable whether to wait until the bytes and the rename are on disk (for files that
   *     cannot be made again, such as the CA key; a client certificate lost in a crash is simply
   *     issued again)
   */
  static void write(Path target, byte[] content, String mode, boolean durable)
      throws IOException {
    Set<PosixFilePermission> permissions = PosixFilePermissions.fromString(mode);
    Path folder = target.toAbsolutePath().getParent();
    Path temp = folder.resolve(TEMP_PREFIX + target.getFileName() + "-"
        + HexFormat.of().formatHex(randomBytes()));
    try {
      try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(permissions))) {
        Files.setPosixFilePermissions(temp, permissions);
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        if (durable) {
          channel.force(true);
        }
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    if (durable) {
      try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
        channel.force(true);
      }
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /**
   * The mode of a key file that others (not its owner or group) may use, or null. The group is
   * allowed: Kubernetes gives a volume's group read and write on every file (fsGroup), and
   * {@code --private-key-mode 0640} shares keys with a Prometheus of the same group.
   */
  static String openToOthers(Path keyFile, LinkOption... options) throws IOException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(keyFile, options);
    boolean others = mode.contains(PosixFilePermission.OTHERS_READ)
        || mode.contains(PosixFilePermission.OTHERS_WRITE)
        || mode.contains(PosixFilePermission.OTHERS_EXECUTE);
    return others ? PosixFilePermissions.toString(mode) : null;
  }
}
