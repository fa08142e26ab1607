package io.promcc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code promtool} as the harnesses run it. Stateless and thread-safe. */
final class Promtool {
  private Promtool() {}

  /** The first line of {@code promtool --version}. */
  static String version(Path promtool) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(promtool.toString(), "--version")
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("\"--version\" failed: " + output.strip());
    }
    return output.lines().findFirst().orElse("").strip();
  }

  /** {@code promtool check config CONFIG}, timed ({@link TimedProcess}). */
  static TimedProcess.Run checkConfig(Path promtool, Path config, String rssMethod)
      throws IOException, InterruptedException {
    return TimedProcess.run(List.of(promtool.toString(), "check", "config", config.toString()),
        rssMethod, RenderVsPromtool.processTimeout());
  }

  /** Whether {@code run} is a successful check. */
  static boolean succeeded(TimedProcess.Run run) {
    return run.exitCode() == 0 && run.output().contains("SUCCESS");
  }
}
