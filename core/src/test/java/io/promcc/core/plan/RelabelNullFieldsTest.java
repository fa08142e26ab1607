package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.yaml.YamlReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Prometheus' YAML sets a string field written null ({@code ~}, {@code null}) to the empty
 * string, over its default: {@code replacement: ~} is no {@code $1}, {@code separator: ~} no
 * {@code ;} (prometheus 2.53.3's /api/v1/status/config leaves both out, as empty).
 */
class RelabelNullFieldsTest {
  @Test
  void aReplacementOrSeparatorWrittenNullIsEmptyAsToPrometheus() {
    for (String none : List.of("~", "null", "Null")) {
      List<String> problems = new ArrayList<>();
      RelabelRule rule = RelabelRule.parse(YamlReader.readMapping("{source_labels: [a], "
          + "separator: " + none + ", target_label: b, replacement: " + none + "}", "p.yml"),
          "relabel_configs[0]", problems);
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("source_labels", List.of("a"));
      expected.put("separator", "");
      expected.put("target_label", "b");
      expected.put("replacement", "");
      assertEquals(expected, rule.toYaml(), none);
      assertEquals(List.of(), problems);
    }
  }

  @Test
  void aRegexWrittenNullIsTheEmptyRegexAsToPrometheus() {
    // prometheus 2.53.3 sets no label x for a target with a regex ~ (it matches only ""), and
    // refuses a keepequal with one as having a regex
    for (String none : List.of("~", "null", "NULL")) {
      List<String> problems = new ArrayList<>();
      RelabelRule rule = RelabelRule.parse(YamlReader.readMapping("{source_labels: [a], "
          + "regex: " + none + ", target_label: x, replacement: hit}", "p.yml"),
          "relabel_configs[0]", problems);
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("source_labels", List.of("a"));
      expected.put("regex", "");
      expected.put("target_label", "x");
      expected.put("replacement", "hit");
      assertEquals(expected, rule.toYaml(), none);
      assertEquals(List.of(), problems);
      RelabelRule.parse(YamlReader.readMapping("{source_labels: [a], regex: " + none
          + ", target_label: x, action: keepequal}", "p.yml"), "relabel_configs[1]", problems);
      assertEquals(List.of("keepequal action requires only 'source_labels' and `target_label`, "
          + "and no other fields in relabel_configs[1]"), problems, none);
    }
  }

  @Test
  void anActionWrittenNullIsRefusedAsEmptyInPrometheusWords() {
    for (String none : List.of("~", "null", "Null")) {
      List<String> problems = new ArrayList<>();
      RelabelRule.parse(YamlReader.readMapping("{action: " + none + ", target_label: x}",
          "p.yml"), "relabel_configs[0]", problems);
      assertEquals(List.of("relabel action cannot be empty in relabel_configs[0]"), problems,
          none);
    }
  }
}
