package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus 3.x release the end-to-end tests also run on, as the build names it. */
class ItEnvironmentTest {
  @TempDir
  Path dir;

  @Test
  void noFolderNamedIsNoSecondRelease() {
    assertEquals(Optional.empty(), ItEnvironment.release3(null));
    assertEquals(Optional.empty(), ItEnvironment.release3(" "));
    assertEquals(Optional.empty(), ItEnvironment.release3("${promcc.tools3.dir}"));
  }

  @Test
  void aFolderNamedWithoutTheToolsFailsNamingWhatIsMissing() throws IOException {
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> ItEnvironment.release3(dir.resolve("absent").toString()));
    assertEquals("system property promcc.tools3.dir names " + dir.resolve("absent")
        + ", which has no executable prometheus: run \"scripts/prometheus-tools.sh 3\" to fetch"
        + " Prometheus 3.x (into .tools/prometheus-3/bin), or set the property empty"
        + " (-Dpromcc.tools3.dir=) to run on 2.53.3 only", missing.getMessage());
    executable(dir.resolve("prometheus"));
    IllegalStateException noPromtool = assertThrows(IllegalStateException.class,
        () -> ItEnvironment.release3(dir.toString()));
    assertTrue(noPromtool.getMessage().contains("has no executable promtool"),
        noPromtool.getMessage());
  }

  @Test
  void aFolderWithBothToolsIsTheSecondRelease() throws IOException {
    executable(dir.resolve("prometheus"));
    executable(dir.resolve("promtool"));
    ItEnvironment.Release release = ItEnvironment.release3(dir.toString()).orElseThrow();
    assertEquals(dir.resolve("prometheus"), release.prometheus());
    assertEquals(dir.resolve("promtool"), release.promtool());
  }

  private static void executable(Path file) throws IOException {
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
