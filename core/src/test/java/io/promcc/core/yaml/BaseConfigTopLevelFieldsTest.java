package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A top-level field that Prometheus 2.53 and 3.x do not know is kept and written out (a newer
 * Prometheus may know it), and Prometheus 2.53 and 3.x refuse the config: a wrong file given
 * as the base config (a profile, a Kubernetes manifest, an Alertmanager config) or a field
 * mistyped was written through without a word. Each such field is named in a warning, with the
 * field it may be meant for, and a file of none of Prometheus' fields fails
 * {@link BaseConfig#checkHasPrometheusField()}. The fields are those of {@code Config} in
 * Prometheus' config/config.go at v2.53.3 and v3.5.0 (3.5 adds {@code otlp}).
 */
class BaseConfigTopLevelFieldsTest {
  private static final String UNKNOWN = " is unknown to Prometheus 2.53 and 3.x, which refuse "
      + "the config";

  private static String warning(String field) {
    return "base config \"b.yml\": top-level field \"" + field + "\"" + UNKNOWN;
  }

  @Test
  void aMistypedFieldIsNamedWithTheOneItMayBe() {
    BaseConfig base = BaseConfig.parse("""
        global: {scrape_interval: 30s}
        scrape_config:
        - job_name: a
        remoteWrite: []
        Rule_Files: []
        """, "b.yml");

    assertEquals(List.of(warning("scrape_config") + "; did you mean \"scrape_configs\"?",
        warning("remoteWrite") + "; did you mean \"remote_write\"?",
        warning("Rule_Files") + "; did you mean \"rule_files\"?"), base.warnings());
  }

  @Test
  void everyFieldOfPrometheus253And35IsKnown() {
    BaseConfig base = BaseConfig.parse("""
        global: {}
        runtime: {}
        alerting: {}
        rule_files: []
        scrape_config_files: []
        scrape_configs: []
        storage: {}
        tracing: {}
        remote_write: []
        remote_read: []
        otlp: {}
        """, "b.yml");

    assertEquals(List.of(), base.warnings());
    assertDoesNotThrow(base::checkHasPrometheusField);
  }

  /**
   * A field of Prometheus 3.x written as binary data is that field to Prometheus, and no field
   * to promcc's reader, as {@code global} is: it was said to be a field not found, as if
   * Prometheus knew no {@code otlp}.
   */
  @Test
  void aFieldOfPrometheus3WrittenAsBinaryDataIsRefusedAsOneOfItsFields() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> BaseConfig.parse("global: {}\n!!binary b3RscA==: {}\n", "b.yml"));

    assertEquals(List.of("field \"otlp\" is written as binary data (!!binary b3RscA==) at the "
        + "top level, which is read as no field here: write it as text"), e.problems());
  }

  /**
   * An Alertmanager config shares {@code global} with Prometheus': its other fields are each
   * named, and none is said to be a Prometheus field it does not resemble.
   */
  @Test
  void theFieldsOfAnAlertmanagerConfigAreEachNamedWithNothingSuggested() {
    BaseConfig base = BaseConfig.parse("""
        global:
          resolve_timeout: 5m
        route:
          receiver: team
        receivers:
        - name: team
        inhibit_rules: []
        templates: []
        """, "alertmanager.yml");

    assertEquals(List.of("route", "receivers", "inhibit_rules", "templates").stream()
        .map(field -> "base config \"alertmanager.yml\": top-level field \"" + field + "\""
            + UNKNOWN).toList(), base.warnings());
    assertDoesNotThrow(base::checkHasPrometheusField);
  }

  /** A key that looks like no name may be a line of some other file, a secret in it. */
  @Test
  void aKeyThatLooksLikeNoNameIsNamedByItsLineOnly() {
    BaseConfig base = BaseConfig.parse("global: {}\n\"p@ss hunter2\": x\nfuture: 1\n", "b.yml");

    assertEquals(List.of(warning("future"), "base config \"b.yml\": top-level field" + UNKNOWN
        + ": the key of 12 characters on line 2 (not shown: it does not look like a name)"),
        base.warnings());
    assertFalse(base.warnings().toString().contains("hunter2"), base.warnings().toString());
  }

  /** A file of thousands of keys (a wrong file) is not named key by key in the log. */
  @Test
  void atMostTenFieldsAreNamedAndTheRestCounted() {
    StringBuilder text = new StringBuilder("global: {}\n");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      text.append("key").append(i).append(": x\n");
      if (i < 10) {
        expected.add(warning("key" + i));
      }
    }
    expected.add("base config \"b.yml\": and 5 more top-level fields unknown to Prometheus 2.53"
        + " and 3.x");

    assertEquals(expected, BaseConfig.parse(text.toString(), "b.yml").warnings());
  }

  /** A profile, a Kubernetes manifest: none of their fields is Prometheus'. */
  @ParameterizedTest
  @ValueSource(strings = {"extends: default\njobs: []\n",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prometheus}\ndata: {}\n",
      "scrape_config:\n- job_name: a\n", "\"p@ss hunter2\": x\n"})
  void aFileOfNoneOfPrometheusFieldsFailsTheCheck(String text) {
    BaseConfig base = BaseConfig.parse(text, "b.yml");

    ValidationException e = assertThrows(ValidationException.class,
        base::checkHasPrometheusField);
    assertEquals("base config \"b.yml\" is invalid (1 problem)\n  - has none of Prometheus' "
        + "top-level fields (global, scrape_configs, rule_files, ...): is it a Prometheus "
        + "config?", e.getMessage());
  }

  /**
   * {@code {}} is a deliberate empty base config: the output holds only generated jobs (a file
   * of no YAML value is not, see {@link BaseConfigNoValueTest}).
   */
  @ParameterizedTest
  @ValueSource(strings = {"{}\n", "global: {}\nfuture_field: 1\n"})
  void anEmptyConfigOrOneWithAPrometheusFieldPassesTheCheck(String text) {
    assertDoesNotThrow(BaseConfig.parse(text, "b.yml")::checkHasPrometheusField);
  }
}
