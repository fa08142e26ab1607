package io.promcc.kube.fake;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the Prometheus 2.53.3 binary that {@code scripts/prometheus-tools.sh} installs; the build
 * passes its folder as system property {@code promcc.tools.dir}. Without it a test is skipped,
 * except on CI ({@code CI=true}) where it fails with instructions.
 */
public final class PrometheusBinary {
  private PrometheusBinary() {}

  /** The {@code prometheus} executable. */
  public static Path prometheus() {
    return tool("prometheus");
  }

  /** The {@code promtool} executable. */
  public static Path promtool() {
    return tool("promtool");
  }

  private static Path tool(String name) {
    String dir = System.getProperty("promcc.tools.dir", "");
    Path path = dir.isEmpty() ? null : Path.of(dir, name);
    boolean present = path != null && Files.isExecutable(path);
    if (!present) {
      String message = name + " not found in promcc.tools.dir " + (dir.isEmpty() ? "<unset>"
          : "\"" + dir + "\"") + "; run scripts/prometheus-tools.sh first";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      assumeTrue(false, message);
    }
    return path;
  }
}
