package io.promcc.core.testing;

import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.plan.Planner;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesiredStateFilesTest {
  private static final List<GuestCluster> CLUSTERS = List.of(
      GuestCluster.of("a", "aws", "https://a.example.com"),
      GuestCluster.of("b", "kvm", "https://b.example.com"));

  private static DesiredState plan(OutputMode mode) {
    return Planner.withDefaults().plan(CLUSTERS, TestCertificates.forAll(CLUSTERS),
        ControllerSettings.builder().outputMode(mode).build());
  }

  @Test
  void octalModesAndPermissionsConvertBothWays() {
    assertEquals(EnumSet.of(OWNER_READ, OWNER_WRITE), FileModes.permissions(0600));
    assertEquals(EnumSet.of(OWNER_READ, OWNER_WRITE, GROUP_READ, OTHERS_READ),
        FileModes.permissions(0644));
    assertEquals(EnumSet.of(OWNER_EXECUTE), FileModes.permissions(0100));
    assertEquals(EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class),
        FileModes.permissions(01000));
    for (int mode = 0; mode <= 0777; mode++) {
      assertEquals(mode, FileModes.mode(FileModes.permissions(mode)), Integer.toOctalString(mode));
    }
  }

  @Test
  void writesEveryFileWithItsContentAndModeAndReturnsTheMainConfig(@TempDir Path dir)
      throws IOException {
    for (OutputMode mode : OutputMode.values()) {
      DesiredState state = plan(mode);
      Path root = dir.resolve(mode.name());

      Path config = DesiredStateFiles.write(state, root);

      assertEquals(root.resolve(state.configPath()), config);
      try (var files = Files.walk(root)) {
        assertEquals(state.files().size(), files.filter(Files::isRegularFile).count(), "no more");
      }
      for (Map.Entry<String, DesiredFile> entry : state.files().entrySet()) {
        Path file = root.resolve(entry.getKey());
        assertArrayEquals(entry.getValue().content(), Files.readAllBytes(file), entry.getKey());
        assertEquals(entry.getValue().mode(), FileModes.mode(Files.getPosixFilePermissions(file)),
            entry.getKey());
      }
      assertEquals("rw-------", FileModes.of(root.resolve("certs/a-key.pem")),
          "private keys stay owner-only");
    }
  }

  @Test
  void refusesToWriteOverAFileOfTheState(@TempDir Path dir) throws IOException {
    DesiredState state = plan(OutputMode.MERGED);
    DesiredStateFiles.write(state, dir);

    assertThrows(FileAlreadyExistsException.class, () -> DesiredStateFiles.write(state, dir));
  }
}
