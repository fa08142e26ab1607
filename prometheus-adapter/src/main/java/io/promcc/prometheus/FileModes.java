package io.promcc.prometheus;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * File modes (the nine permission bits, as in {@code 0640}) and the POSIX permissions they stand
 * for, both ways, for {@link AtomicFiles} and the readers of its files. Immutable; thread-safe.
 */
final class FileModes {
  /** Every mode's permissions, by mode. */
  private static final List<Set<PosixFilePermission>> PERMISSIONS = allPermissions();
  /** The same as file attributes for creating a file. */
  static final List<FileAttribute<Set<PosixFilePermission>>> ATTRIBUTES =
      PERMISSIONS.stream().map(PosixFilePermissions::asFileAttribute).toList();

  private FileModes() {}

  /**
   * The permissions of {@code mode} (its low nine bits), unmodifiable. Shared, not built per
   * call: a first write asks once per file, 30,000 times at 10,000 clusters.
   */
  static Set<PosixFilePermission> permissionsOf(int mode) {
    return PERMISSIONS.get(mode & 0777);
  }

  private static List<Set<PosixFilePermission>> allPermissions() {
    PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE,
        PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    List<Set<PosixFilePermission>> out = new ArrayList<>(01000);
    for (int mode = 0; mode < 01000; mode++) {
      Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
      for (int i = 0; i < bits.length; i++) {
        if ((mode & (1 << i)) != 0) {
          perms.add(bits[i]);
        }
      }
      out.add(Collections.unmodifiableSet(perms));
    }
    return List.copyOf(out);
  }

  static int modeOf(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission p : perms) {
      mode |= switch (p) {
        case OTHERS_EXECUTE -> 01;
        case OTHERS_WRITE -> 02;
        case OTHERS_READ -> 04;
        case GROUP_EXECUTE -> 010;
        case GROUP_WRITE -> 020;
        case GROUP_READ -> 040;
        case OWNER_EXECUTE -> 0100;
        case OWNER_WRITE -> 0200;
        case OWNER_READ -> 0400;
      };
    }
    return mode;
  }
}
