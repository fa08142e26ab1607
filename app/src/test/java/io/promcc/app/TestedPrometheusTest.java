package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus releases the tests run on are one fact, written in the resource
 * tested-prometheus.properties: {@code promcc version} names them and the build hands the tests
 * the tool folder of line 2's. (The script reads the resource itself and warns at every run when
 * its tool folders hold another release, e.g. one Debian moved to: PrometheusToolsScriptIT runs
 * it. DeployPodTest checks that deploy/ runs line 3's.)
 */
class TestedPrometheusTest {
  private static final Path ROOT = Path.of("..");
  private static final String RESOURCE =
      "app/src/main/resources/io/promcc/app/tested-prometheus.properties";

  @Test
  void promccVersionNamesTheTestedReleaseOfEachLine() {
    String two = Versions.testedPrometheus(2);
    String three = Versions.testedPrometheus(3);

    assertTrue(two.matches("2\\.\\d+\\.\\d+") && three.matches("3\\.\\d+\\.\\d+"), two + three);
    assertTrue(Versions.line().endsWith("; tested with Prometheus " + two + " and " + three),
        Versions.line());
    assertThrows(IllegalArgumentException.class, () -> Versions.testedPrometheus(4));
  }

  /** The root pom names the folder the script fills, which is named after the release. */
  @Test
  void theBuildHandsTheTestsTheToolFolderOfTheTested2x() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    Matcher dir = Pattern.compile("<promcc\\.tools\\.dir>([^<]*)</promcc\\.tools\\.dir>")
        .matcher(pom);

    assertTrue(dir.find(), "the root pom sets promcc.tools.dir");
    assertEquals("${maven.multiModuleProjectDirectory}/.tools/prometheus-"
        + Versions.testedPrometheus(2) + "/bin", dir.group(1),
        "promcc.tools.dir of the root pom, against prometheus.2 of " + RESOURCE);
  }
}
