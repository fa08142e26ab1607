package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.yaml.ClusterList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A boolean is read as Prometheus' YAML (go-yaml v2, YAML 1.1) reads one: {@code honor_labels:
 * yes} was refused where promtool takes it. A text field still takes such a scalar as written.
 */
class YamlBooleansTest {
  private static String profile(String honorLabels) {
    return "jobs:\n- name: x\n  role: node\n  target: direct\n  honor_labels: " + honorLabels
        + "\n";
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"yes|true", "Yes|true", "YES|true", "on|true", "On|true",
      "ON|true", "y|true", "Y|true", "True|true", "TRUE|true", "true|true", "!!bool yes|true",
      "no|false", "No|false", "NO|false", "off|false", "Off|false", "OFF|false", "n|false",
      "N|false", "False|false", "FALSE|false", "false|false", "!!bool Off|false"})
  void aYaml11BooleanIsTheBooleanPrometheusReads(String written, boolean read) {
    assertEquals(read, ScrapeProfile.parse(profile(written), "p.yml").jobs().get(0).honorLabels());
  }

  /** Quoted, or in a case Prometheus' YAML does not know, it is text, which promtool refuses. */
  @ParameterizedTest
  @ValueSource(strings = {"'yes'", "\"on\"", "!!str yes", "yEs", "oN", "1"})
  void textIsNoBoolean(String written) {
    String text = written.startsWith("!!") ? written.substring(written.indexOf(' ') + 1)
        : written.replace("'", "").replace("\"", "");
    ScrapeProfileTest.assertProblems(profile(written),
        "field \"honor_labels\" of job template \"x\" must be true or false, found \"" + text
            + "\"");
  }

  @Test
  void aTextFieldTakesABooleanWordAsWritten() {
    GuestCluster cluster = ClusterList.parse("""
        - id: yes
          provider: on
          apiServer: https://master.a
          labels: {a: yes, b: Off, c: N, d: True, e: !!bool y}
        """, "clusters.yml").get(0);
    assertEquals("yes", cluster.id().value());
    assertEquals(Map.of("a", "yes", "b", "Off", "c", "N", "d", "True", "e", "y"),
        cluster.labels());
    assertEquals("on", cluster.provider());
    RelabelRule rule = ScrapeProfile.parse("jobs:\n- name: x\n  role: node\n  target: direct\n"
        + "  relabel_configs:\n  - {source_labels: [a], regex: yes, target_label: a, "
        + "replacement: Off}\n", "p.yml").jobs().get(0).relabelConfigs().get(0);
    assertEquals("yes", rule.regex());
    assertEquals("Off", rule.replacement());
  }
  /**
   * A {@code !!bool} Prometheus' YAML reads as no boolean is refused in its words: it was read
   * as no value at all, so {@code honor_labels: !!bool 1} was taken as unset.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"1|!!int", "0x10|!!int", "1.5|!!float", "maybe|!!str",
      "~|!!null", "tRUE|!!str"})
  void aTaggedBooleanPrometheusWouldNotReadIsRefused(String written, String read) {
    ScrapeProfileTest.assertProblems(profile("!!bool " + written),
        "invalid yaml at line 5, column 17: cannot decode " + read + " `" + written
            + "` as a !!bool");
  }
  /**
   * {@code true} and {@code false} are text to a text field as {@code True} and {@code yes}
   * are, as Prometheus' string fields take them: they were refused ("must be a string").
   */
  @Test
  void aTextFieldTakesTrueAndFalseAsWritten() {
    GuestCluster cluster = ClusterList.parse("""
        - id: true
          provider: false
          apiServer: https://master.a
        """, "clusters.yml").get(0);
    assertEquals("true", cluster.id().value());
    assertEquals("false", cluster.provider());
    JobTemplate job = ScrapeProfile.parse("jobs:\n- name: x\n  role: node\n  target: direct\n"
        + "  namespaces: [true]\n"
        + "  relabel_configs:\n  - {source_labels: [false], regex: true, target_label: a, "
        + "replacement: false}\n", "p.yml").jobs().get(0);
    RelabelRule rule = job.relabelConfigs().get(0);
    assertEquals(List.of("false"), rule.sourceLabels());
    assertEquals("true", rule.regex());
    assertEquals("false", rule.replacement());
    assertEquals(List.of("true"), job.namespaces());
  }
}
