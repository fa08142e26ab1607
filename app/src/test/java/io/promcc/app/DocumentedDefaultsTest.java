package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.Setting;
import io.promcc.vault.VaultSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The defaults the README and docs/ give are those of the code: the duration an option's name
 * is followed by ({@code `--resync` (5 min)}, {@code `--reload-timeout`, 5 min by default}) is
 * its default, and docs/vault.md's tables of settings give each option its default and the
 * Vault adapter's fixed settings their values. DocumentedOptionsTest sees that the options
 * exist; this, that a changed default cannot stay documented with its old value.
 */
class DocumentedDefaultsTest {
  /**
   * A duration as the docs write it: {@code 5 min}, {@code 250 ms}, {@code 0.25 s}, 168h, and in
   * words, {@code 30 seconds}, {@code 10 minutes}: one in words is read too, or a wrong default
   * so written would go unchecked.
   */
  private static final Pattern DURATION = Pattern.compile("(?<![\\w.])(\\d+(?:\\.\\d+)?) ?"
      + "(ms|milliseconds?|seconds?|s|minutes?|min|m|hours?|h|days?|d)\\b");
  /** A settings table row of docs/vault.md: {@code | what (`--option`) | default | ...}. */
  private static final Pattern VAULT_ROW =
      Pattern.compile("(?m)^\\| ([^|(]*?) ?(?:\\(`(--[a-z-]+)`\\) )?\\| ([^|]*) \\|");

  /** Where a setting's help gives the default it cannot hold itself ({@code --settle}'s). */
  private static final Pattern HELP_DEFAULT = Pattern.compile("Default: (\\S+?)[,.]");

  /**
   * Every option of {@code promcc run} with a default, by {@code --name}: its setting's, else
   * the one its help text gives.
   */
  private static SortedMap<String, String> defaults() {
    SortedMap<String, String> defaults = new TreeMap<>();
    for (Setting setting : RunSettings.TABLE) {
      Matcher help = HELP_DEFAULT.matcher(setting.description());
      Optional<String> value = setting.defaultValue(Map.of())
          .or(() -> help.find() ? Optional.of(help.group(1)) : Optional.empty());
      value.ifPresent(v -> defaults.put("--" + setting.name(), v));
    }
    return defaults;
  }

  private static List<Path> docs() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(Path.of("..", "README.md")));
    try (Stream<Path> files = Files.list(Path.of("..", "docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  /** {@code text} read as a duration ({@code 5m}, {@code 5 min}, {@code 0.25 s}), if it is one. */
  static Optional<Duration> duration(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.find()) {
      return Optional.empty();
    }
    String unit = m.group(2);
    long perUnit = unit.equals("ms") || unit.startsWith("milli") ? 1
        : unit.startsWith("s") ? 1_000
        : unit.startsWith("m") ? 60_000
        : unit.startsWith("h") ? 3_600_000
        : 86_400_000;
    return Optional.of(Duration.ofMillis(new BigDecimal(m.group(1))
        .multiply(BigDecimal.valueOf(perUnit)).longValueExact()));
  }

  /** A default written in words ({@code (30 seconds)}) is read, not passed over. */
  @Test
  void aDurationWrittenInWordsIsRead() {
    assertEquals(List.of(Optional.of(Duration.ofSeconds(30)), Optional.of(Duration.ofMinutes(10)),
        Optional.of(Duration.ofHours(2)), Optional.of(Duration.ofDays(1)),
        Optional.of(Duration.ofMillis(250)), Optional.of(Duration.ofMinutes(1))),
        Stream.of("30 seconds, at most", "10 minutes", "2 hours", "1 day", "250 milliseconds",
            "1 minute").map(DocumentedDefaultsTest::duration).toList());
  }

  /**
   * The first duration in what follows {@code `--option` (} or {@code `--option`, } up to the
   * closing parenthesis or the next option named, where there is one, is the option's default.
   */
  @Test
  void theDurationThatFollowsAnOptionIsItsDefault() throws IOException {
    SortedSet<String> wrong = new TreeSet<>();
    int seen = 0;
    for (Path doc : docs()) {
      String text = Files.readString(doc);
      for (var option : defaults().entrySet()) {
        Optional<Duration> byDefault = duration(option.getValue())
            .filter(d -> option.getValue().matches("\\d+(ms|s|m|h)"));
        if (byDefault.isEmpty()) {
          continue;
        }
        Matcher named = Pattern.compile("`" + option.getKey() + "`(?:\\s\\(|,\\s)").matcher(text);
        while (named.find()) {
          String after = text.substring(named.end(), Math.min(text.length(), named.end() + 300));
          after = after.split("\\)|`--", 2)[0];
          Optional<Duration> said = duration(after);
          if (said.isPresent()) {
            seen++;
            if (!said.equals(byDefault)) {
              wrong.add(doc.getFileName() + ": " + option.getKey() + " is said to be "
                  + said.get() + " by default, but is " + byDefault.get());
            }
          }
        }
      }
    }

    assertEquals(Set.of(), wrong);
    assertTrue(seen >= 15, "only " + seen + " durations of options read: has the text moved?");
  }

  /**
   * docs/vault.md's tables: the default of each option they name is the option's, an option
   * without one is said to have none, and the adapter's fixed settings have their values.
   */
  @Test
  void theVaultSettingsTablesGiveTheDefaults() throws IOException {
    String vault = Files.readString(Path.of("..", "docs", "vault.md"));
    SortedMap<String, String> defaults = defaults();
    SortedMap<String, String> documented = new TreeMap<>();
    SortedMap<String, String> expected = new TreeMap<>();
    Matcher row = VAULT_ROW.matcher(vault);
    while (row.find()) {
      String option = row.group(2);
      String cell = row.group(3).strip();
      if (option != null) {
        documented.put(option, cell);
        expected.put(option, expectedCell(cell, Optional.ofNullable(defaults.get(option))));
      } else if (!row.group(1).isBlank() && !row.group(1).startsWith("-")) {
        documented.put(row.group(1), cell);
      }
    }
    expected.put("renew after fraction", fraction(VaultSettings.DEFAULT_RENEW_AFTER_FRACTION));
    expected.put("jitter fraction", "`" + VaultSettings.DEFAULT_JITTER_FRACTION + "`");
    expected.put("backoff", "`" + text(VaultSettings.DEFAULT_BACKOFF_INITIAL) + "` doubling to `"
        + text(VaultSettings.DEFAULT_BACKOFF_MAX) + "`");
    expected.put("request timeout", "`" + text(VaultSettings.DEFAULT_REQUEST_TIMEOUT) + "`");
    documented.keySet().retainAll(expected.keySet());

    assertEquals(expected, documented);
    assertTrue(documented.size() >= 15, "rows read: " + documented.keySet());
  }

  /**
   * What a row's default {@code cell} should be: itself where it names {@code byDefault}
   * ({@code `168h`}), or where there is none and it names no value ({@code none},
   * {@code (required)}); else what it should say.
   */
  private static String expectedCell(String cell, Optional<String> byDefault) {
    if (byDefault.isPresent()) {
      String named = "`" + byDefault.get() + "`";
      return cell.contains(named) ? cell : named;
    }
    return cell.startsWith("`") ? "no default" : cell;
  }

  /** 2/3 as the doc writes it. */
  private static String fraction(double value) {
    for (int denominator = 1; denominator <= 10; denominator++) {
      long numerator = Math.round(value * denominator);
      if (Math.abs((double) numerator / denominator - value) < 1e-12) {
        return "`" + numerator + "/" + denominator + "`";
      }
    }
    return "`" + value + "`";
  }

  /** A duration as the settings write it: 1s, 5m, 30s. */
  private static String text(Duration d) {
    return d.toMinutesPart() == 0 && d.toHours() == 0 ? d.toSeconds() + "s"
        : d.toSeconds() % 60 == 0 && d.toHours() == 0 ? d.toMinutes() + "m" : d.toString();
  }
}
