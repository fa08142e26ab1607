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
import org.opentest4j.TestAbortedException;

/** The Prometheus 3.x release the end-to-end tests also run on, as the build names it. */
class ItEnvironmentTest {
  @TempDir
  Path dir;

  @Test
  void noFolderNamedIsNoSecondRelease() {
    assertEquals(Optional.empty(), ItEnvironment.release3(null, null));
    assertEquals(Optional.empty(), ItEnvironment.release3(" ", ""));
    assertEquals(Optional.empty(),
        ItEnvironment.release3("${promcc.tools3.dir}", "${promcc.tools3.skipped}"));
  }

  @Test
  void aFolderNamedWithoutTheToolsFailsNamingWhatIsMissing() throws IOException {
    IllegalStateException missing = assertThrows(IllegalStateException.class,
        () -> ItEnvironment.release3(dir.resolve("absent").toString(), null));
    assertEquals("system property promcc.tools3.dir names " + dir.resolve("absent")
        + ", which has no executable prometheus: run \"scripts/prometheus-tools.sh 3\" to fetch"
        + " Prometheus 3.x (into .tools/prometheus-3/bin), or set the property empty"
        + " (-Dpromcc.tools3.dir=) to run on 2.53.3 only", missing.getMessage());
    executable(dir.resolve("prometheus"));
    IllegalStateException noPromtool = assertThrows(IllegalStateException.class,
        () -> ItEnvironment.release3(dir.toString(), null));
    assertTrue(noPromtool.getMessage().contains("has no executable promtool"),
        noPromtool.getMessage());
  }

  @Test
  void aFolderWithBothToolsIsTheSecondRelease() throws IOException {
    executable(dir.resolve("prometheus"));
    executable(dir.resolve("promtool"));
    ItEnvironment.Release release = ItEnvironment.release3(dir.toString(), null).orElseThrow();
    assertEquals(dir.resolve("prometheus"), release.prometheus());
    assertEquals(dir.resolve("promtool"), release.promtool());
    assertEquals("", release.skipped(), "it runs");
  }

  /**
   * A 3.x the build skips, saying why ({@code scripts/test.sh} when Debian offers no 3.x and
   * none is cached), is a second release whose test is skipped with that reason, though the
   * folder named has no tools: never a failure, never a test silently left out.
   */
  @Test
  void aReleaseTheBuildSkipsIsReportedSkippedSayingWhy() {
    ItEnvironment.Release release = ItEnvironment.release3(dir.resolve("absent").toString(),
        "no prometheus 3.x to be had: forky offers prometheus 4.0.1+ds1-1").orElseThrow();
    assertEquals("Prometheus 3.x, skipped", release.toString());
    TestAbortedException skipped = assertThrows(TestAbortedException.class, release::assumeRun);
    assertEquals("Assumption failed: the runs on Prometheus 3.x are skipped"
        + " (promcc.tools3.skipped): no prometheus 3.x to be had: forky offers prometheus"
        + " 4.0.1+ds1-1", skipped.getMessage());
  }

  private static void executable(Path file) throws IOException {
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
