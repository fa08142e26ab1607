package io.promcc.app.settings;

import io.promcc.core.model.Problems;
import io.promcc.core.model.Quoting;
import io.promcc.core.yaml.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads {@link RunSettings} from the three places a setting can come from: flags, the
 * environment ({@code PROMCC_*}) and the YAML config file named by {@code --config} or
 * {@code PROMCC_CONFIG}, in that order of precedence, then defaults. Every problem is added to
 * the given {@link Problems}.
 */
public final class SettingsLoader {
  private SettingsLoader() {}

  /**
   * @param flags option name (without dashes) to text, as given on the command line
   * @param env the environment
   * @return the settings, or null if there was any problem
   */
  public static RunSettings load(List<Setting> table, Map<String, String> flags,
      Map<String, String> env, Problems problems) {
    String configFile = flags.containsKey("config") ? flags.get("config") : env.get("PROMCC_CONFIG");
    Map<?, ?> file = Map.of();
    String fileName = configFile == null ? "" : configFile;
    if (configFile != null) {
      file = readConfigFile(Path.of(configFile), problems);
    }
    RawSettings raw = RawSettings.gather(table, flags, env, file, fileName, problems);
    RunSettings settings = RunSettings.from(raw, env, problems);
    return problems.isEmpty() ? settings : null;
  }

  private static Map<?, ?> readConfigFile(Path path, Problems problems) {
    String subject = "config file " + Quoting.quote(path.toString());
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add(subject, null, "cannot be read (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + ")");
      return Map.of();
    }
    Object root;
    try {
      // a collection that holds itself or nests too deep is refused, not a StackOverflowError
      root = YamlReader.load(LoadSettings.builder().setAllowDuplicateKeys(false)
          .setLabel(path.toString()).build(), text);
    } catch (YamlEngineException e) {
      problems.add(subject, null, "is not valid YAML: " + e.getMessage().replace('\n', ' '));
      return Map.of();
    }
    if (root == null) {
      return Map.of();
    }
    if (!(root instanceof Map<?, ?> map)) {
      problems.add(subject, null, "must be a mapping of setting names to values");
      return Map.of();
    }
    return map;
  }
}
