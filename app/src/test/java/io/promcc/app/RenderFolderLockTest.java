package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.run.Controller;
import io.promcc.app.run.ControllerComponent;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.core.model.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promcc render} writes the same files as {@code promcc run} on one {@code --out}: it
 * takes the same folder lock for its write, and is refused (exit 2, nothing written) while a
 * controller holds it.
 */
class RenderFolderLockTest {
  /**
   * How long the {@code promcc render} process may take: a JVM's start and its refusal, on a busy
   * 2-core machine many times their CPU time, as for the other tests of a promcc process.
   */
  private static final long PROCESS_SECONDS = 180;
  /** A base config whose label shows whether render wrote the config. */
  private static final String RENDER_MARK = "written-by-render";

  @TempDir Path temp;

  private Path clusters() throws IOException {
    return Files.writeString(temp.resolve("clusters.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example.com\n");
  }

  @Test
  void aRenderIntoTheOutOfARunningControllerIsRefusedNamingItsPid() throws Exception {
    Path out = temp.resolve("out");
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, Map.of("clusters",
        clusters().toString(), "out", out.toString(), "state-dir",
        temp.resolve("state").toString(), "http-address", "127.0.0.1:0"), Map.of(), problems);
    assertEquals(List.of(), problems.list());
    Controller controller = ControllerComponent.of(settings).controller();
    controller.start();
    Thread runner = new Thread(controller::run, "controller");
    runner.start();
    Path base = Files.writeString(temp.resolve("base.yml"),
        "global:\n  external_labels:\n    mark: " + RENDER_MARK + "\n");
    Path log = temp.resolve("render.log");
    Process render = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "render", "--clusters", clusters().toString(), "--base-config", base.toString(),
        "--out", out.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertTrue(render.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS),
          "render did not end within " + PROCESS_SECONDS + " s");
      String output = Files.readString(log, StandardCharsets.UTF_8);

      assertEquals(2, render.exitValue(), output);
      assertTrue(output.contains("error: --out \"" + out + "\" is used by another promcc run "
          + "or render (pid " + ProcessHandle.current().pid() + ", lock file \""
          + out.resolve(".promcc-run.lock") + "\"): both would write the same files "
          + "for Prometheus; stop the other one, or give each its own --out"), output);
      assertTrue(output.contains("nothing was written"), output);
      try (Stream<Path> files = Files.walk(out)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          assertFalse(Files.readString(file, StandardCharsets.ISO_8859_1).contains(RENDER_MARK),
              "render wrote " + file);
        }
      }
    } finally {
      render.destroyForcibly();
      render.waitFor(30, TimeUnit.SECONDS);
      controller.stop();
      runner.join(Duration.ofSeconds(30).toMillis());
    }
  }
}
