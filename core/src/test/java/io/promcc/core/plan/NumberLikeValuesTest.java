package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.yaml.ClusterList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A text value written as a number Prometheus' YAML reads and the JSON schema does not
 * ({@code 0x10}, {@code 1e3}, {@code 010}), or tagged as one, is the text as written: a cluster
 * label's value, a cluster ID, a relabel rule's text fields (a source label is a label
 * name, which no number is: refused naming it as written).
 */
class NumberLikeValuesTest {
  @Test
  void aClusterLabelValueIsItsTextAsWritten() {
    GuestCluster cluster = ClusterList.parse("""
        - id: 0x10
          provider: aws
          apiServer: https://master.a
          labels: {a: 0x10, b: 1e3, c: 010, d: 1_000, e: +8, f: .inf, g: !!float 1,
            h: !!int 0x10, i: .5, j: -0}
        """, "clusters.yml").get(0);
    assertEquals("0x10", cluster.id().value());
    assertEquals(Map.of("a", "0x10", "b", "1e3", "c", "010", "d", "1_000", "e", "+8", "f", ".inf",
        "g", "1", "h", "0x10", "i", ".5", "j", "-0"), cluster.labels());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x10", "1e3", "010", "1_000", ".nan", "!!float 1", "!!int 0x10"})
  void aRelabelRulesTextFieldsAreTheTextAsWritten(String scalar) {
    String text = scalar.startsWith("!!") ? scalar.substring(scalar.indexOf(' ') + 1) : scalar;
    RelabelRule rule = ScrapeProfile.parse("jobs:\n- name: x\n  role: node\n  target: direct\n"
        + "  relabel_configs:\n  - source_labels: [a]\n    separator: " + scalar
        + "\n    regex: " + scalar + "\n    target_label: a\n    replacement: " + scalar + "\n",
        "p.yml").jobs().get(0).relabelConfigs().get(0);
    assertEquals(text, rule.separator());
    assertEquals(text, rule.regex());
    assertEquals(text, rule.replacement());
  }

  /**
   * A port is read as Prometheus' YAML (go-yaml v2) reads an integer field such as
   * {@code dns_sd_configs}' {@code port}: {@code 0x10} was refused while {@code !!int 0x10} was
   * 16, and {@code !!int 010} was 10 where Prometheus reads 8 (as a modulus here did).
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"0x10|16", "!!int 0x10|16", "010|8", "!!int 010|8",
      "0o10|8", "0b101|5", "1_000|1000", "+8|8", "08|8", "1e3|1000", "8.0|8", "9100.5|9100",
      "!!float 9100|9100", "!!int '0x10'|16", "9100|9100"})
  void aPortIsTheIntegerPrometheusReadsFromItsForm(String port, int read) {
    assertEquals(read, ScrapeProfile.parse("jobs:\n- name: x\n  role: node\n  target: node-proxy\n"
        + "  port: " + port + "\n", "p.yml").jobs().get(0).port());
  }

  /** What Prometheus refuses for an integer field is refused naming it as written. */
  @ParameterizedTest
  @ValueSource(strings = {"'9100'", "!!str 9100", "true", "yes", "0x", ".nan", ".inf"})
  void aPortPrometheusWouldNotReadAsAnIntegerIsRefusedAsWritten(String port) {
    String text = port.startsWith("!!") ? port.substring(port.indexOf(' ') + 1)
        : port.replace("'", "");
    ScrapeProfileTest.assertProblems("jobs:\n- name: x\n  role: node\n  target: node-proxy\n"
        + "  port: " + port + "\n",
        "field \"port\" of job template \"x\" must be an integer, found \"" + text + "\"");
  }

  /**
   * A port out of range once cut to its integer is named as written: {@code 0.5} was named
   * "port 0" and {@code 1e300} by its 301 digits.
   */
  @ParameterizedTest
  @ValueSource(strings = {"0.5", "-0.5", "65536.5", "1e300", "0x10000", "!!int 0200000"})
  void aPortOutOfRangeIsNamedAsWritten(String port) {
    String text = port.startsWith("!!") ? port.substring(port.indexOf(' ') + 1) : port;
    ScrapeProfileTest.assertProblems("jobs:\n- name: x\n  role: node\n  target: node-proxy\n"
        + "  port: " + port + "\n",
        "port " + text + " of job template \"x\" is out of range");
  }
}
