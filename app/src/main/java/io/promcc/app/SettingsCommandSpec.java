package io.promcc.app;

import io.promcc.app.settings.Setting;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Builds picocli options from the settings table, so flags, environment variables, config-file
 * keys and help come from one place. Options are read as text; {@code RunSettings} validates
 * them all together, so a user sees every problem at once instead of the first.
 */
final class SettingsCommandSpec {
  private SettingsCommandSpec() {}

  /**
   * Adds an option per setting to {@code spec}, and {@code -h} and {@code -V} (promcc's
   * version). A secret gets a hidden option, so that one given as a flag by mistake is refused
   * by the settings without echoing it (picocli would print an unknown option together with its
   * value).
   */
  static CommandSpec withOptions(CommandSpec spec, List<Setting> table) {
    for (Setting setting : table) {
      spec.addOption(OptionSpec.builder(setting.flag()).paramLabel(setting.label())
          .type(String.class).description(setting.help()).hidden(setting.secret()).build());
    }
    // -V, --version as promcc's own: without the provider picocli printed nothing
    spec.mixinStandardHelpOptions(true).versionProvider(new Main.Version());
    return spec;
  }

  /** The options given on the command line, by setting name. */
  static Map<String, String> flags(ParseResult parsed, List<Setting> table) {
    Map<String, String> flags = new TreeMap<>();
    for (Setting setting : table) {
      if (parsed.hasMatchedOption(setting.flag())) {
        flags.put(setting.name(), parsed.matchedOptionValue(setting.flag(), ""));
      }
    }
    return flags;
  }
}
