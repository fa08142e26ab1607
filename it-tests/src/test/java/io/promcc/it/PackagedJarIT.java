package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar as deploy/Dockerfile ships it ({@code mvn -B -pl app -am package}): it says
 * which version it is, in {@code promcc version}, the start's log line and
 * {@code promcc_build_info{version}}, all read from its manifest.
 */
class PackagedJarIT {
  @Test
  void theJarSaysTheVersionItWasBuiltAs() throws Exception {
    String version = System.getProperty("promcc.version");
    assertTrue(version != null && !version.isBlank(), "the build sets promcc.version");
    Process process = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", ItEnvironment.appJar().toString(), "version"))
        .redirectErrorStream(true).start();
    try {
      assertTrue(process.waitFor(2, TimeUnit.MINUTES), "promcc version ended");
      String out = new String(process.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8);

      assertEquals(0, process.exitValue(), out);
      // "promcc development" was all a released image could say of itself
      assertTrue(out.startsWith("promcc " + version + " (Java "), out);
    } finally {
      process.destroyForcibly();
    }
  }
}
