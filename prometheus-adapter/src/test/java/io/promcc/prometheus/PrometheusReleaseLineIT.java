package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.PrometheusTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The ITs of a run meant for one Prometheus release line (system property
 * {@value #LINE_PROPERTY}, e.g. {@code 3}, set by the build's second failsafe run) ran against
 * that line: {@link PrometheusTools} falls back to {@code $PROMETHEUS_BIN_DIR} and {@code PATH}
 * when the configured folder is missing, which would pass a 3.x run on a 2.x unnoticed. Without
 * the property there is nothing to check.
 */
class PrometheusReleaseLineIT {
  /** The system property naming the major version the run is for. */
  static final String LINE_PROPERTY = PrometheusTools.RELEASE_LINE_PROPERTY;

  private static final long VERSION_TIMEOUT_SECONDS = 30;

  @Test
  void prometheusAndPromtoolAreOfTheReleaseLineTheRunIsFor() throws Exception {
    String line = System.getProperty(LINE_PROPERTY, "");
    Assumptions.assumeFalse(line.isBlank(), LINE_PROPERTY + " not set: no release line asked");
    Path bin = PrometheusTools.binDir();
    for (String tool : new String[] {"prometheus", "promtool"}) {
      String version = firstLineOfVersion(bin.resolve(tool));
      assertTrue(version.startsWith(tool + ", version " + line + "."), "this run is for "
          + "Prometheus " + line + ".x, but " + bin.resolve(tool) + " says: " + version);
    }
  }

  private static String firstLineOfVersion(Path executable)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(executable.toString(), "--version")
        .redirectErrorStream(true).start();
    try {
      if (!process.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        return "no answer to --version in " + VERSION_TIMEOUT_SECONDS + " s";
      }
      return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
          .lines().findFirst().orElse("");
    } finally {
      process.destroyForcibly();
    }
  }
}
