package io.promcc.core.yaml;

import io.promcc.core.model.EditDistance;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The top-level keys of a base config that Prometheus does not know. A base config keeps them
 * (a newer Prometheus may know them), yet Prometheus 2.53 and 3.x refuse a config with one, so
 * each is named in a warning, with the field it may be meant for ({@code scrape_config}); a key
 * that looks like no name is named by its line only ({@link KeyNames}). A file with keys and
 * none of Prometheus' fields is most likely another file given as the base config (a profile,
 * a Kubernetes manifest). Stateless.
 */
final class TopLevelFields {
  /**
   * The fields of {@code Config} in Prometheus' config/config.go at v2.53.3 and v3.5.0 (which
   * adds {@code otlp}), in its order.
   */
  static final List<String> PROMETHEUS = List.of("global", "runtime", "alerting", "rule_files",
      "scrape_config_files", "scrape_configs", "storage", "tracing", "remote_write",
      "remote_read", "otlp");
  /** {@link #PROMETHEUS} to look a key up in, by which a key of binary data is named too. */
  static final Set<String> NAMES = Set.copyOf(PROMETHEUS);
  /** Most unknown keys named, one a line: a wrong file may have thousands. */
  static final int NAMED = 10;
  private static final String UNKNOWN = "unknown to Prometheus 2.53 and 3.x";

  private TopLevelFields() {}

  /**
   * A warning for each top-level key of {@code values} that Prometheus does not know, at most
   * {@value #NAMED} and one that counts the rest: those that look like names first, then the
   * others by line.
   *
   * @param subject names the file, e.g. {@code base config "b.yml"}
   */
  static List<String> warnings(Map<String, Object> values, String subject) {
    List<String> named = new ArrayList<>();
    List<String> unnamed = new ArrayList<>();
    for (String key : values.keySet()) {
      if (NAMES.contains(key)) {
        continue;
      }
      String prefix = subject + ": top-level field ";
      if (KeyNames.looksLikeName(key)) {
        named.add(prefix + Quoting.quote(key) + " is " + UNKNOWN + ", which refuse the config"
            + meant(key).map(field -> "; did you mean " + Quoting.quote(field) + "?")
                .orElse(""));
      } else {
        unnamed.add(prefix + "is " + UNKNOWN + ", which refuse the config: "
            + KeyNames.key(key, YamlReader.line(values, key)));
      }
    }
    List<String> all = new ArrayList<>(named);
    all.addAll(unnamed);
    if (all.size() <= NAMED) {
      return all;
    }
    List<String> shown = new ArrayList<>(all.subList(0, NAMED));
    shown.add(subject + ": and " + (all.size() - NAMED) + " more top-level fields " + UNKNOWN);
    return shown;
  }

  /**
   * Refuses {@code values} if it has keys and none is one of Prometheus' fields.
   *
   * @throws ValidationException naming {@code subject}
   */
  static void requireOne(Map<String, Object> values, String subject) {
    if (!values.isEmpty() && values.keySet().stream().noneMatch(NAMES::contains)) {
      throw new ValidationException(subject, List.of("has none of Prometheus' top-level fields"
          + " (global, scrape_configs, rule_files, ...): is it a Prometheus config?"));
    }
  }

  /**
   * The field {@code key} may be a misspelling of: the same letters but for case, {@code _} and
   * {@code -} ({@code remoteWrite}), or one or two changed in a long field's, one in a short
   * one's ({@code scrape_config}); the closest if several.
   */
  private static Optional<String> meant(String key) {
    String typed = letters(key);
    return PROMETHEUS.stream()
        .filter(field -> EditDistance.between(letters(field), typed) <= Math.max(1,
            Math.min(2, letters(field).length() / 4)))
        .min(Comparator.comparingInt(field -> EditDistance.between(letters(field), typed)));
  }

  private static String letters(String name) {
    return name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
  }
}
