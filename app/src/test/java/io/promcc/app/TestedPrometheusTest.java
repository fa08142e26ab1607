package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus releases the tests run on are one fact, written in the resource
 * tested-prometheus.properties: {@code promcc version} names them, the build hands the tests the
 * tool folder of line 2's, and the tool cache, once {@code scripts/prometheus-tools.sh} has
 * filled it, holds them. (The script reads the resource itself; PrometheusToolsScriptIT runs it.
 * DeployPodTest checks that deploy/ runs line 3's.)
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

  /**
   * Where the script has filled the tool cache, it holds the tested 2.x (a later 2.53.x that
   * Debian moved to is taken with a warning) and the tested 3.x (the 3.x that Debian offers or
   * the download cache kept): the tests ran on what {@code promcc version} names.
   */
  @Test
  void theToolCacheHoldsTheTested2x() throws IOException {
    Path stamp = ROOT.resolve(".tools/prometheus-" + Versions.testedPrometheus(2) + "/.complete");
    assumeTrue(Files.exists(stamp), "no " + stamp + ": scripts/prometheus-tools.sh has not run");
    String installed = upstream(Files.readString(stamp).lines()
        .filter(line -> line.startsWith("package_version=")).findFirst().orElse("")
        .substring("package_version=".length()));

    assertEquals(Versions.testedPrometheus(2), installed, stamp + " holds another 2.x than "
        + RESOURCE + " names: once the tests pass on it, make it prometheus.2 there");
  }

  /** See {@link #theToolCacheHoldsTheTested2x}. */
  @Test
  void theToolCacheHoldsTheTested3x() throws IOException {
    Path version = ROOT.resolve(".tools/prometheus-3/version");
    assumeTrue(Files.exists(version), "no " + version + ": scripts/prometheus-tools.sh 3 has not"
        + " run");

    assertEquals(Versions.testedPrometheus(3), upstream(Files.readString(version)),
        version + " holds another 3.x than " + RESOURCE + " names: once the tests pass on it,"
        + " make it prometheus.3 there and the image of deploy/statefulset.yaml");
  }

  @Test
  void theUpstreamReleaseOfADebianVersionIsItsVersionWithoutEpochOrRevision() {
    assertEquals("3.5.3", upstream("3.5.3+ds1-6\n"));
    assertEquals("2.53.3", upstream("1:2.53.3+ds1-2+deb13u1"));
    assertEquals("2.53.4", upstream("2.53.4-1"));
  }

  /** The upstream release of a Debian package version, as the script's upstream_of reads it. */
  private static String upstream(String packageVersion) {
    return packageVersion.strip().replaceFirst("^[0-9]+:", "").replaceFirst("[+~-].*", "");
  }
}
