package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.yaml.YamlReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Prometheus' YAML (go-yaml v2) reads binary data ({@code !!binary aGk=}) into a text field as
 * the text it encodes: promtool 2.53.3 takes a relabel rule with its {@code separator},
 * {@code target_label}, {@code replacement} or a source label written so, where a profile
 * refused each as no string.
 */
class RelabelBinaryFieldsTest {
  @Test
  void aTextFieldWrittenAsBinaryDataIsTheTextItEncodes() {
    List<String> problems = new ArrayList<>();
    RelabelRule rule = RelabelRule.parse(YamlReader.readMapping("{source_labels: [!!binary YQ==],"
        + " separator: !!binary LA==, target_label: !!binary Yg==, replacement: !!binary aGk=}",
        "p.yml"), "relabel_configs[0]", problems);

    assertEquals(List.of(), problems);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("source_labels", List.of("a"));
    expected.put("separator", ",");
    expected.put("target_label", "b");
    expected.put("replacement", "hi");
    assertEquals(expected, rule.toYaml());
  }

  /** Go keeps such bytes as they are, a label value Prometheus then refuses ("\xff"). */
  @Test
  void binaryDataThatIsNoUtf8TextIsRefusedNamingTheField() {
    List<String> problems = new ArrayList<>();
    RelabelRule.parse(YamlReader.readMapping("{source_labels: [a], target_label: b, "
        + "replacement: !!binary /w==}", "p.yml"), "relabel_configs[0]", problems);

    assertEquals(List.of("field \"replacement\" of relabel_configs[0] must be a string, found "
        + "binary data (!!binary) that is no UTF-8 text"), problems);
  }
}
