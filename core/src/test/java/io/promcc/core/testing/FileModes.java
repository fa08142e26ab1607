package io.promcc.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Octal file modes ({@code 0600}, as {@link io.promcc.core.model.DesiredFile#mode()} holds them)
 * and POSIX permissions for tests: the one conversion every test module uses. Stateless and
 * thread-safe.
 */
public final class FileModes {
  /** {@link PosixFilePermission#values()} is in bit order: owner read (0400) first. */
  private static final PosixFilePermission[] BITS = PosixFilePermission.values();

  private FileModes() {}

  /**
   * The permissions of an octal mode such as {@code 0640}; bits above {@code 0777} are ignored.
   */
  public static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (0400 >> i)) != 0) {
        permissions.add(BITS[i]);
      }
    }
    return permissions;
  }

  /** The octal mode of {@code permissions}, e.g. {@code 0600} for owner read and write. */
  public static int mode(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (int i = 0; i < BITS.length; i++) {
      if (permissions.contains(BITS[i])) {
        mode |= 0400 >> i;
      }
    }
    return mode;
  }

  /** The permissions of {@code file} as {@code ls -l} shows them, e.g. {@code rw-------}. */
  public static String of(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }
}
