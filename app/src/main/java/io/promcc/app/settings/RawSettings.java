package io.promcc.app.settings;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Problems;
import io.promcc.core.model.Quoting;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The text of every option and where it came from, after precedence: flag, then environment,
 * then config file, then default. Immutable.
 */
public final class RawSettings {
  /**
   * @param text the value
   * @param origin where it came from, as a user would name it: {@code --debounce},
   *     {@code PROMCC_DEBOUNCE}, {@code debounce in "promcc.yml"} or {@code default debounce}
   */
  public record Value(String text, String origin) {}

  private final Map<String, Value> values;

  private RawSettings(Map<String, Value> values) {
    this.values = Map.copyOf(values);
  }

  /**
   * Merges the sources. A secret given as a flag, a flag or file key no setting has, and a file
   * value that is a mapping are problems.
   *
   * @param flags option name (without dashes) to text, as given on the command line
   * @param env the environment; only {@code PROMCC_*} names of known settings are read, and
   *     the variables a default depends on ({@code XDG_STATE_HOME})
   * @param file the config file's top-level mapping (scalars, or lists joined with commas)
   * @param fileName names the config file in origins and problems
   */
  public static RawSettings gather(List<Setting> table, Map<String, String> flags,
      Map<String, String> env, Map<?, ?> file, String fileName, Problems problems) {
    Map<String, Setting> byName = new TreeMap<>();
    table.forEach(s -> byName.put(s.name(), s));
    for (Object key : file.keySet()) {
      if (!byName.containsKey(String.valueOf(key)) || "config".equals(String.valueOf(key))) {
        problems.add("config file " + Quoting.quote(fileName), String.valueOf(key),
            "has a key no setting has (see promcc run --help)");
      }
    }
    Map<String, Value> values = new TreeMap<>();
    for (Setting setting : table) {
      String name = setting.name();
      if (flags.containsKey(name)) {
        if (setting.secret()) {
          problems.addSecret(setting.flag(), "must not be given as a flag, where it shows in ps; "
              + "set " + setting.env());
          continue;
        }
        values.put(name, new Value(flags.get(name), setting.flag()));
      } else if (env.containsKey(setting.env())) {
        values.put(name, new Value(env.get(setting.env()), setting.env()));
      } else if (file.containsKey(name) && setting.secret()) {
        problems.addSecret(name + " in " + Quoting.quote(fileName), "must not be in the config "
            + "file; set " + setting.env());
      } else if (file.get(name) != null) { // a key without a value ("debounce:") is unset
        Object raw = file.get(name);
        String origin = name + " in " + Quoting.quote(fileName);
        if (raw instanceof Map) {
          problems.add(origin, null, "must be a text, a number or a list, not a mapping");
        } else if (raw instanceof List<?> list) {
          values.put(name, new Value(list.stream().map(String::valueOf)
              .collect(Collectors.joining(",")), origin));
        } else {
          values.put(name, new Value(String.valueOf(raw), origin));
        }
      } else {
        setting.defaultValue(env).ifPresent(d -> values.put(name, new Value(d, "default " + name)));
      }
    }
    return new RawSettings(values);
  }

  /** The value of setting {@code name}, if any source or default gives one. */
  public Optional<Value> get(String name) {
    return Optional.ofNullable(values.get(requireNonNull(name, "name == null")));
  }
}
