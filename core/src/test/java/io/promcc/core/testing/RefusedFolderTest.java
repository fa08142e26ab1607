package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A refused folder refuses a new file while it is open and is given back as it was. */
class RefusedFolderTest {
  @TempDir Path temp;

  @Test
  void refusesAFileWhileOpenAndGivesTheFolderBackItsOwnMode() throws Exception {
    Path folder = Files.createDirectory(temp.resolve("folder"));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-x--x"));

    try (RefusedFolder refused = RefusedFolder.of(folder)) {
      FileSystemException e = assertThrows(FileSystemException.class,
          () -> Files.createFile(folder.resolve("a")));
      assertEquals(refused.reason(), e.getReason() == null ? "permission denied"
          : e.getReason().toLowerCase(java.util.Locale.ROOT));
    }

    assertEquals("rwxr-x--x", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(folder)));
    Files.createFile(folder.resolve("a")); // takes files again
  }
}
