package io.promcc.app.settings;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One option: {@code --<name>} on the command line, {@code PROMCC_<NAME>} in the environment,
 * {@code <name>:} in the config file.
 *
 * @param name lower-case with dashes, e.g. {@code prometheus-url}
 * @param label what the value is, for help, e.g. {@code URL}
 * @param description one sentence for {@code --help}
 * @param example a value that works, shown in help
 * @param defaultIn the value when no source gives one, in the environment the settings are read
 *     from (most defaults do not depend on it); see {@link #defaultValue(Map)}
 * @param secret true for a value that must never come from a flag (it would show in {@code ps})
 *     or the config file; read from the environment only, and never printed
 */
public record Setting(String name, String label, String description, String example,
    Function<Map<String, String>, Optional<String>> defaultIn, boolean secret) {
  public Setting {
    requireNonNull(name, "name == null");
    requireNonNull(label, "label == null");
    requireNonNull(description, "description == null");
    requireNonNull(example, "example == null");
    requireNonNull(defaultIn, "defaultIn == null");
  }

  static Setting of(String name, String label, String description, String example) {
    return new Setting(name, label, description, example, env -> Optional.empty(), false);
  }

  static Setting of(String name, String label, String description, String example,
      String defaultValue) {
    return of(name, label, description, example, env -> defaultValue);
  }

  /** A setting whose default is {@code defaultIn} of the environment the settings are read from. */
  static Setting of(String name, String label, String description, String example,
      Function<Map<String, String>, String> defaultIn) {
    requireNonNull(defaultIn, "defaultIn == null");
    return new Setting(name, label, description, example,
        env -> Optional.of(defaultIn.apply(env)), false);
  }

  /**
   * A secret: from the environment only, never a flag (it would show in {@code ps}) nor the
   * config file (often a ConfigMap, readable by more people than a Secret).
   */
  static Setting secret(String name, String label, String description) {
    return new Setting(name, label, description, "(from the environment)",
        env -> Optional.empty(), true);
  }

  /** The value when no source gives one, in {@code env}, the environment the settings come from. */
  public Optional<String> defaultValue(Map<String, String> env) {
    return defaultIn.apply(requireNonNull(env, "env == null"));
  }

  /** This setting with the default {@code env} gives, whatever environment it is asked of. */
  Setting in(Map<String, String> env) {
    Optional<String> value = defaultValue(env);
    return new Setting(name, label, description, example, any -> value, secret);
  }

  /** {@code --name}. */
  public String flag() {
    return "--" + name;
  }

  /** {@code PROMCC_NAME}: {@code PROMCC_} and the name in upper snake case. */
  public String env() {
    return "PROMCC_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /**
   * The help text: the description, where else it can come from, an example and the default (in
   * an environment without variables unless this setting is {@link #in(Map)} one).
   */
  public String help() {
    StringBuilder out = new StringBuilder(description);
    out.append(" Env ").append(env()).append(secret ? " only (never a flag or the config file)."
        : "; e.g. " + flag() + " " + example + ".");
    defaultValue(Map.of()).ifPresent(d -> out.append(" Default: ").append(d).append('.'));
    return out.toString();
  }
}
