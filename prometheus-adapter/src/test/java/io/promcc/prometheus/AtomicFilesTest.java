package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AtomicFilesTest {
  @Test
  void everyModeMapsToItsPermissionsAndBack() {
    assertEquals(PosixFilePermissions.fromString("rw-------"), AtomicFiles.permissionsOf(0600));
    assertEquals(PosixFilePermissions.fromString("rw-r-----"), AtomicFiles.permissionsOf(0640));
    assertEquals(PosixFilePermissions.fromString("rwxr-x--x"), AtomicFiles.permissionsOf(0751));
    for (int mode = 0; mode < 01000; mode++) {
      assertEquals(mode, AtomicFiles.modeOf(AtomicFiles.permissionsOf(mode)));
    }
  }

  @Test
  void permissionsAreSharedPerModeAndCannotBeChangedByACaller() {
    Set<PosixFilePermission> keyMode = AtomicFiles.permissionsOf(0600);

    assertSame(keyMode, AtomicFiles.permissionsOf(0600)); // built once, not per file
    assertThrows(UnsupportedOperationException.class,
        () -> keyMode.add(PosixFilePermission.OTHERS_READ));
    assertEquals(PosixFilePermissions.fromString("rw-------"), AtomicFiles.permissionsOf(0600));
  }
}
