package io.promcc.app.settings;

import io.promcc.app.InputFiles;
import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Problems;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.SizeBound;
import io.promcc.core.yaml.YamlReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads {@link RunSettings} from the three places a setting can come from: flags, the
 * environment ({@code PROMCC_*}) and the YAML config file named by {@code --config} or
 * {@code PROMCC_CONFIG}, in that order of precedence, then defaults. Every problem is added to
 * the given {@link Problems}.
 */
public final class SettingsLoader {
  /**
   * Most bytes of the settings file, which holds a few dozen keys: a file of gigabytes given by
   * mistake would exhaust the heap (over 2 GiB an OutOfMemoryError ended the start).
   */
  static final int MAX_CONFIG_BYTES = 1 << 20;
  private SettingsLoader() {}

  /**
   * @param flags option name (without dashes) to text, as given on the command line
   * @param env the environment
   * @return the settings, or null if there was any problem
   */
  public static RunSettings load(List<Setting> table, Map<String, String> flags,
      Map<String, String> env, Problems problems) {
    return load(table, flags, env, FileChecks.ofFileSystem(), problems);
  }

  /** As the other, the files given checked by {@code files} (a seam for tests). */
  static RunSettings load(List<Setting> table, Map<String, String> flags,
      Map<String, String> env, FileChecks files, Problems problems) {
    String configFile =
        flags.containsKey("config") ? flags.get("config") : env.get("PROMCC_CONFIG");
    Map<?, ?> file = Map.of();
    String fileName = configFile == null ? "" : configFile;
    if (configFile != null) {
      file = readConfigFile(Path.of(configFile), files, problems);
    }
    RawSettings raw = RawSettings.gather(table, flags, env, file, fileName, problems);
    RunSettings settings = RunSettings.from(raw, env, LeaseNamespace.SERVICE_ACCOUNT_NAMESPACE,
        files, problems);
    return problems.isEmpty() ? settings : null;
  }

  private static Map<?, ?> readConfigFile(Path path, FileChecks files, Problems problems) {
    String subject = "config file " + Quoting.quote(path.toString());
    String text;
    try {
      // waited for at most the bound of the files' checks: it may sit on a volume that hangs
      text = files.check(path.toString(), given -> text(path));
    } catch (IllegalArgumentException e) {
      problems.add(subject, null, e.getMessage());
      return Map.of();
    }
    Object root;
    try {
      // a collection that holds itself or nests too deep is refused, not a StackOverflowError
      root = YamlReader.load(LoadSettings.builder().setAllowDuplicateKeys(false)
          .setLabel(path.toString()).build(), text);
    } catch (YamlEngineException e) {
      problems.add(subject, null, "is not valid YAML" + described(e));
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

  /** The text of the config file at {@code path}; a problem as an IllegalArgumentException. */
  private static String text(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
      if (bytes.length > MAX_CONFIG_BYTES) {
        throw new IllegalArgumentException(SizeBound.tooLarge(MAX_CONFIG_BYTES,
            Files.size(path)));
      }
      return InputFiles.utf8(bytes);
    } catch (IOException e) { // a folder, a file it may not read
      throw new IllegalArgumentException("cannot be read (" + FileFailures.reason(e) + ")");
    }
  }

  /**
   * Where and what, in one line, as the clusters file's problems say it: the reader's own
   * message quotes the lines with a caret under the place, which a one-line problem garbles.
   */
  private static String described(YamlEngineException e) {
    if (!(e instanceof MarkedYamlEngineException marked) || marked.getProblem() == null) {
      return ": " + e.getMessage().replace('\n', ' ');
    }
    StringBuilder out = new StringBuilder();
    marked.getProblemMark().ifPresent(mark -> out.append(" at ").append(position(mark)));
    out.append(": ").append(marked.getProblem().replace('\n', ' '));
    if (marked.getContext() != null && !marked.getContext().isEmpty()) {
      out.append(" (").append(marked.getContext().replace('\n', ' '));
      // the same place twice says nothing more
      marked.getContextMark().map(SettingsLoader::position)
          .filter(at -> !marked.getProblemMark().map(SettingsLoader::position).equals(
              Optional.of(at)))
          .ifPresent(at -> out.append(" at ").append(at));
      out.append(')');
    }
    return out.toString();
  }

  private static String position(Mark mark) {
    return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }
}
