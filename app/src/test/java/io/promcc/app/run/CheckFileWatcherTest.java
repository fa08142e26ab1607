package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.app.local.FileWatcher;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.core.model.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promcc check} registers no folder for file events: it reads each file once, and a
 * registration that hangs (a folder on a volume that stopped answering, whose file was read
 * from the cache) held each watch of its start 10 s for events nothing waits for. Its file
 * watcher is one without file events; {@code promcc run}'s keeps them.
 */
class CheckFileWatcherTest {
  @TempDir Path temp;

  @Test
  void theCheckWatchesWithoutFileEventsAndTheRunWithThem() throws IOException {
    RunSettings settings = settings();

    try (FileWatcher check = ControllerComponent.forCheck(settings, PrometheusCallBound.DEFAULT)
        .checkParts().watcher();
        FileWatcher run = ControllerComponent.of(settings).checkParts().watcher()) {
      assertEquals("FileWatcher{0 watches, every PT2S}", check.toString(), "the check's watcher");
      assertEquals("FileWatcher{0 watches, every PT2S, with file events}", run.toString(),
          "the run's watcher");
    }
  }

  private RunSettings settings() throws IOException {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "[]\n");
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, Map.of(
        "clusters", clusters.toString(), "out", temp.resolve("out").toString(),
        "state-dir", temp.resolve("state").toString()), Map.of(), problems);
    assertEquals(List.of(), problems.list());
    return settings;
  }
}
