package io.promcc.app.settings;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;

/**
 * One option: {@code --<name>} on the command line, {@code PROMCC_<NAME>} in the environment,
 * {@code <name>:} in the config file.
 *
 * @param name lower-case with dashes, e.g. {@code prometheus-url}
 * @param label what the value is, for help, e.g. {@code URL}
 * @param description one sentence for {@code --help}
 * @param example a value that works, shown in help
 * @param defaultValue the value when no source gives one
 * @param secret true for a value that must never come from a flag (it would show in {@code ps})
 *     or the config file; read from the environment only, and never printed
 */
public record Setting(String name, String label, String description, String example,
    Optional<String> defaultValue, boolean secret) {
  public Setting {
    requireNonNull(name, "name == null");
    requireNonNull(label, "label == null");
    requireNonNull(description, "description == null");
    requireNonNull(example, "example == null");
    requireNonNull(defaultValue, "defaultValue == null");
  }

  static Setting of(String name, String label, String description, String example) {
    return new Setting(name, label, description, example, Optional.empty(), false);
  }

  static Setting of(String name, String label, String description, String example,
      String defaultValue) {
    return new Setting(name, label, description, example, Optional.of(defaultValue), false);
  }

  /**
   * A secret: from the environment only, never a flag (it would show in {@code ps}) nor the
   * config file (often a ConfigMap, readable by more people than a Secret).
   */
  static Setting secret(String name, String label, String description) {
    return new Setting(name, label, description, "(from the environment)", Optional.empty(),
        true);
  }

  /** This setting with {@code value} as its default. */
  Setting withDefault(String value) {
    return new Setting(name, label, description, example, Optional.of(value), secret);
  }

  /** {@code --name}. */
  public String flag() {
    return "--" + name;
  }

  /** {@code PROMCC_NAME}: {@code PROMCC_} and the name in upper snake case. */
  public String env() {
    return "PROMCC_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** The help text: the description, where else it can come from, an example and the default. */
  public String help() {
    StringBuilder out = new StringBuilder(description);
    out.append(" Env ").append(env()).append(secret ? " only (never a flag or the config file)."
        : "; e.g. " + flag() + " " + example + ".");
    defaultValue.ifPresent(d -> out.append(" Default: ").append(d).append('.'));
    return out.toString();
  }
}
