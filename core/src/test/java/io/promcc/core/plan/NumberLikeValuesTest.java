package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.yaml.ClusterList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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

  /** A port is a decimal integer: one in another form is refused naming it as written. */
  @ParameterizedTest
  @ValueSource(strings = {"010", "0x10", "1e3", "1_000", "+8", "8.0"})
  void aPortInAnotherFormThanDecimalIsRefusedAsWritten(String port) {
    ScrapeProfileTest.assertProblems("jobs:\n- name: x\n  role: node\n  target: node-proxy\n"
        + "  port: " + port + "\n",
        "field \"port\" of job template \"x\" must be an integer, found \"" + port + "\"");
  }
}
