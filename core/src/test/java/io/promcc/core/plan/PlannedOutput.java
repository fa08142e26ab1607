package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Reads a planned {@link DesiredState} back with a stock snakeyaml-engine {@link Load}, as an
 * independent parser would, so tests compare structures instead of text.
 */
final class PlannedOutput {
  private PlannedOutput() {}

  /** Parses {@code text} with a default {@link Load} (large documents allowed). */
  static Object load(String text) {
    return new Load(LoadSettings.builder().setCodePointLimit(64 * 1024 * 1024).build())
        .loadFromString(text);
  }

  /** Parses a document that must be a mapping. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> loadMapping(String text) {
    Object value = load(text);
    return value == null ? new LinkedHashMap<>()
        : (Map<String, Object>) assertInstanceOf(Map.class, value);
  }

  /** The main config, parsed. */
  static Map<String, Object> mainConfig(DesiredState state) {
    return loadMapping(state.config().text());
  }

  /** A job and the folder of the file that holds it (for resolving its file references). */
  record Job(Map<String, Object> map, String dir) {
    String name() {
      return (String) map.get("job_name");
    }

    /** {@code file} as named by this job, resolved against the root of the output folder. */
    String resolve(Object file) {
      // by hand, not with java.nio: a path may hold characters no file system accepts
      java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
      for (String part : (dir.isEmpty() ? "" : dir + "/").concat((String) file).split("/")) {
        if (part.equals("..")) {
          parts.removeLast();
        } else if (!part.isEmpty() && !part.equals(".")) {
          parts.addLast(part);
        }
      }
      return String.join("/", parts);
    }
  }

  /** Every scrape job of every config file, main config first, then scrape files by path. */
  @SuppressWarnings("unchecked")
  static List<Job> jobs(DesiredState state) {
    List<Job> jobs = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    paths.add(state.configPath());
    state.files().forEach((path, file) -> {
      if (file.kind() == FileKind.SCRAPE_CONFIG) {
        paths.add(path);
      }
    });
    for (String path : paths) {
      DesiredFile file = state.files().get(path);
      Object list = loadMapping(file.text()).get("scrape_configs");
      if (list != null) {
        for (Object job : (List<Object>) list) {
          jobs.add(new Job((Map<String, Object>) job, parent(path)));
        }
      }
    }
    return jobs;
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }
}
