package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.core.model.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A local-mode run in a folder, for tests that edit its base config while the controller is
 * made or runs: {@code base.yml} (global {@code scrape_interval: 30s}), {@code clusters.yml}
 * of one cluster, and the config written to {@code out/prometheus.yml}.
 */
final class BaseConfigRunFiles {
  private BaseConfigRunFiles() {}

  /** Writes the base config and clusters file into {@code folder}; the run's settings. */
  static RunSettings settings(Path folder) throws IOException {
    Path base = Files.writeString(folder.resolve("base.yml"),
        "global: {scrape_interval: 30s}\n");
    Path clusters = Files.writeString(folder.resolve("clusters.yml"),
        "- id: abc12\n  provider: aws\n  apiServer: https://master.abc12\n");
    Map<String, String> flags = new TreeMap<>();
    flags.put("clusters", clusters.toString());
    flags.put("base-config", base.toString());
    flags.put("out", folder.resolve("out").toString());
    flags.put("state-dir", folder.resolve("state").toString());
    flags.put("http-address", "127.0.0.1:0");
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, flags, Map.of(), problems);
    assertEquals(List.of(), problems.list());
    return settings;
  }
}
