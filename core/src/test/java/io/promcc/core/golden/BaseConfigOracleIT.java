package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.ValidationException;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle for the base config's carry-through: each base config here is one promtool 2.53.3
 * accepts, and so must be the config promcc renders from it (numbers, escapes and comments that
 * YAML 1.2 and Prometheus' YAML read differently). Without promtool this fails when
 * {@code CI=true} and is skipped otherwise.
 */
class BaseConfigOracleIT {
  private static final List<String> BASE_CONFIGS = List.of(
      "tracing:\n  endpoint: localhost:4317\n  sampling_fraction: 0.5\n",
      """
      scrape_configs:
      - job_name: keep
        native_histogram_min_bucket_factor: 1.1
        params:
          "a\\u2028b": [x]
          "a b": [y]
        static_configs: [{targets: ['h:1']}]
      """,
      "global:\n  external_labels:\n    note: \"x\\u2029y\"\n",
      "global:\n  external_labels:\n    a: '\\ud83d'\n    b: x\\ud83d\n    c: \"\\U0001F600\"\n"
          + "    d: \"\\\\ud83d\"\n    e: \"\ud83d\ude00\" # \\ud83d\n",
      "rule_files: [ # none yet\n]\n",
      "scrape_configs: ~\n",
      "global:\n  scrape_interval: 1m\n# reviewed jobs\nscrape_configs:\n- job_name: keep\n"
          + "  static_configs: [{targets: ['h:1']}]\n",
      """
      alerting:
        alertmanagers:
        - static_configs: [{targets: ['am:9093']}]
          tls_config: &tls
            insecure_skip_verify: true
      scrape_configs:
      - job_name: a
        tls_config: *tls
        static_configs: [{targets: ['h:1']}]
      - job_name: b
        tls_config: &tls
          server_name: other
        static_configs: [{targets: ['h:2']}]
      remote_write:
      - url: http://rw/
        tls_config: *tls
      """,
      "scrape_configs:\n- job_name: 2024\n  static_configs: [{targets: ['h:1']}]\n",
      "global:\n  scrape_interval: 1m\nscrape_configs: # reviewed\n- job_name: keep\n"
          + "  static_configs: [{targets: ['h:1']}]\n",
      "# header\n\nscrape_configs: # reviewed\n- job_name: guest-cluster-old\n"
          + "  static_configs: [{targets: ['h:1']}]\nglobal:\n  scrape_interval: 1m\n",
      """
      scrape_configs:
      - job_name: keep
        static_configs: [{targets: ['h:1']}]
        # scrape_interval: 5s
      - job_name: guest-cluster-old-x
        static_configs: [{targets: ['h:2']}]
      - job_name: keep2
        static_configs: [{targets: ['h:3']}]
      """,
      "remote_write:\n  # primary\n  - {url: http://rw/}\n",
      """
      global:
        external_labels: {a: 0x10, b: 1e3, c: 010, d: .inf, e: !!float 1}
      scrape_configs:
      - job_name: 0x10
        sample_limit: 0x10
        label_limit: 010
        target_limit: 1e3
        label_name_length_limit: !!int 0x10
        label_value_length_limit: !!float 8
        static_configs: [{targets: ['h:1']}]
      - job_name: 1e3
        sample_limit: 1_000
        static_configs: [{targets: ['h:2'], labels: {x: !!str 1e3, y: +8}}]
      """,
      "global:\n  scrape_interval: 1m\nscrape_configs: [] # none yet\n",
      """
      global:
        external_labels: {a: !!timestamp 2001-12-14, b: !!timestamp 2001-1-2 3:4:5.5,
          c: !!timestamp 2001-12-14  21:59:43}
      scrape_configs:
      - job_name: !!timestamp 2001-12-14t21:59:43.10-05:00
        static_configs: [{targets: ['h:1']}]
      """,
      """
      scrape_configs:
      - job_name: keep
        static_configs: [{targets: ['h:1']}]
        # commented out: scrape_interval: 5s
      - {job_name: guest-cluster-old, static_configs: [{targets: ['h:2']}]}
      - {job_name: keep2, static_configs: [{targets: ['h:3']}]}
      """);

  private static Promtool promtool;

  @TempDir Path temp;

  @BeforeEach
  void findPromtool() {
    promtool = Promtool.require();
  }

  @Test
  void promtoolTakesWhatPromccRendersFromABaseConfigItTakes() throws IOException {
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < BASE_CONFIGS.size(); i++) {
      String base = BASE_CONFIGS.get(i);
      assertEquals(0, promtool.checkText(temp, "base-" + i + ".yml", base).exitCode(),
          "promtool takes " + base);
      String rendered = BaseConfig.parse(base, "base.yml")
          .render("guest-cluster-", "- job_name: guest-cluster-a\n"
              + "  static_configs: [{targets: ['g:1']}]\n", null);
      Promtool.Result verdict = promtool.checkText(temp, "rendered-" + i + ".yml", rendered);
      if (verdict.exitCode() != 0) {
        refused.add(rendered + " -> " + verdict.output());
      }
    }
    assertEquals(List.of(), refused);
  }

  /**
   * A scalar tagged {@code !!str} means the same to promtool before and after: it was written
   * plain without its tag where YAML's JSON schema reads text and Prometheus' YAML does not,
   * so that a sample limit of {@code !!str 0x10} (refused) became 16, {@code !!str yes} a
   * boolean and a label name {@code !!str Null} (taken) a null.
   */
  @Test
  void aTaggedTextMeansTheSameToPromtoolWhenRendered() throws IOException {
    List<String> disagreements = new ArrayList<>();
    List<String> fields = List.of("global:\n  external_labels:\n    a: %s\n",
        "global:\n  external_labels:\n    %s: v\n", "global:\n  scrape_interval: %s\n",
        "scrape_configs:\n- job_name: x\n  sample_limit: %s\n",
        "scrape_configs:\n- job_name: x\n  honor_labels: %s\n");
    int n = 0;
    for (String field : fields) {
      for (String value : List.of("0x10", "010", "1_000", "+8", "yes", "Off", "Y", "True", "~",
          "Null", "NULL", "1m", "v", "8", "true", "1e3", ".inf")) {
        String base = field.formatted("!!str " + value);
        Promtool.Result before = promtool.checkText(temp, "tagged-" + n + ".yml", base);
        String rendered = BaseConfig.parse(base, "base.yml").render("guest-cluster-", "", null);
        Promtool.Result after =
            promtool.checkText(temp, "tagged-rendered-" + n++ + ".yml", rendered);
        if ((before.exitCode() == 0) != (after.exitCode() == 0)) {
          disagreements.add(base + " -> " + rendered + ": promtool " + before.output().strip()
              + " before, " + after.output().strip() + " after");
        }
      }
    }
    assertEquals(List.of(), disagreements);
  }

  /**
   * A top-level key read as a number or boolean is a field neither knows, named alike; so is a
   * null key (the field "") and one of binary data (the text it encodes).
   */
  @Test
  void aTopLevelNumberOrBooleanKeyIsAFieldNotFoundAsPromtoolSays() throws IOException {
    List<String> disagreements = new ArrayList<>();
    for (String key : List.of("true", "false", "8", "!!int 010", "!!bool true", "-1",
        "!!bool yes", "!!bool Off", "~", "null", "Null", "!!null ''", "!!binary aGVsbG8=",
        "!!binary ''")) {
      String base = key + ": a\n";
      Promtool.Result verdict = promtool.checkText(temp, "key.yml", base);
      String written = key.startsWith("!!binary") ? new String(Base64.getDecoder().decode(
          key.substring(9).replace("'", "")), StandardCharsets.UTF_8)
          : key.contains("null") || key.contains("Null") || key.equals("~") ? ""
          : key.substring(key.indexOf(' ') + 1);
      List<String> ours;
      try {
        BaseConfig.parse(base, "base.yml");
        ours = List.of();
      } catch (ValidationException e) {
        ours = e.problems();
      }
      if (verdict.exitCode() == 0 || !verdict.output().contains("field " + written + " not found")
          || !ours.equals(List.of("field \"" + written + "\" not found at the top level"))) {
        disagreements.add(key + ": promtool " + verdict.output().strip() + "; promcc " + ours);
      }
    }
    assertEquals(List.of(), disagreements);
  }

  /**
   * Every escape of a surrogate, a pair too, which snakeyaml alone would take, and a
   * {@code !!timestamp} in no time form Prometheus takes.
   */
  @Test
  void promccRefusesWhatPromtoolRefuses() throws IOException {
    List<String> disagreements = new ArrayList<>();
    for (String value : List.of("\"\\ud83d\\ude00\"", "\"\\U0000D83D\\uDE00\"", "\"x\\udc00\"",
        "!!timestamp 2001-02-30", "!!timestamp 2001-1-2T3:4:5", "!!timestamp 8")) {
      String base = "global:\n  external_labels:\n    a: " + value + "\n";
      Promtool.Result verdict = promtool.checkText(temp, "refused.yml", base);
      boolean promccRefuses;
      try {
        BaseConfig.parse(base, "base.yml");
        promccRefuses = false;
      } catch (ValidationException e) {
        promccRefuses = true;
      }
      if (verdict.exitCode() == 0 || !promccRefuses) {
        disagreements.add(value + ": promtool " + verdict.output().strip() + "; promcc refuses: "
            + promccRefuses);
      }
    }
    assertEquals(List.of(), disagreements);
  }
}
