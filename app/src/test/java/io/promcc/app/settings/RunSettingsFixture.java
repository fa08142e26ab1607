package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run settings loaded from flags, environment and a config file in a temporary folder; the
 * problems of every load are collected in {@link #problems}.
 */
abstract class RunSettingsFixture {
  @TempDir Path temp;
  Path clusters;
  final Problems problems = new Problems("settings");

  @BeforeEach
  void files() throws IOException {
    clusters = Files.writeString(temp.resolve("clusters.yml"), "[]\n");
  }

  RunSettings load(Map<String, String> flags, Map<String, String> env) {
    return SettingsLoader.load(RunSettings.TABLE, flags, env, problems);
  }

  Path config(String yaml) throws IOException {
    return Files.writeString(temp.resolve("promcc.yml"), yaml);
  }

  /** The same values as flags, as PROMCC_* variables and in a config file give equal settings. */
  RunSettings sameFromEachPlace(Map<String, String> values) throws IOException {
    StringBuilder yaml = new StringBuilder();
    Map<String, String> env = new TreeMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      yaml.append(e.getKey()).append(": \"").append(e.getValue()).append("\"\n");
      env.put("PROMCC_" + e.getKey().toUpperCase().replace('-', '_'), e.getValue());
    }
    RunSettings fromFlags = load(values, Map.of());
    RunSettings fromEnv = load(Map.of(), env);
    Path file = Files.writeString(temp.resolve("each-" + values.hashCode() + ".yml"),
        yaml.toString());
    RunSettings fromFile = load(Map.of("config", file.toString()), Map.of());
    assertEquals(List.of(), problems.list());
    assertEquals(fromFlags, fromEnv);
    assertEquals(fromFlags, fromFile);
    return fromFlags;
  }
}
