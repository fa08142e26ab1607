package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.yaml.YamlReader;
import java.util.ArrayList;
import java.util.Arrays;
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
      RelabelRule rule = parse("{source_labels: [a], separator: " + none + ", target_label: b, "
          + "replacement: " + none + "}", "relabel_configs[0]", problems);
      assertEquals(inOrder("source_labels", List.of("a"), "separator", "", "target_label", "b",
          "replacement", ""), rule.toYaml(), none);
      assertEquals(List.of(), problems);
    }
  }

  @Test
  void aRegexWrittenNullIsTheEmptyRegexAsToPrometheus() {
    // prometheus 2.53.3 sets no label x for a target with a regex ~ (it matches only ""), and
    // refuses a keepequal with one as having a regex
    for (String none : List.of("~", "null", "NULL")) {
      List<String> problems = new ArrayList<>();
      RelabelRule rule = parse("{source_labels: [a], regex: " + none + ", target_label: x, "
          + "replacement: hit}", "relabel_configs[0]", problems);
      assertEquals(inOrder("source_labels", List.of("a"), "regex", "", "target_label", "x",
          "replacement", "hit"), rule.toYaml(), none);
      assertEquals(List.of(), problems);
      parse("{source_labels: [a], regex: " + none + ", target_label: x, action: keepequal}",
          "relabel_configs[1]", problems);
      assertEquals(List.of("keepequal action requires only 'source_labels' and `target_label`, "
          + "and no other fields in relabel_configs[1]"), problems, none);
    }
  }

  @Test
  void anActionWrittenNullIsRefusedAsEmptyInPrometheusWords() {
    // go-yaml v2 leaves a field unset for ~, null and !!null, without its own decoder
    for (String none : List.of("~", "null", "!!null Null")) {
      List<String> problems = new ArrayList<>();
      parse("{action: " + none + ", target_label: x}", "relabel_configs[0]", problems);
      assertEquals(List.of("relabel action cannot be empty in relabel_configs[0]"), problems,
          none);
    }
  }

  /**
   * go-yaml v2 hands a plain {@code Null} or {@code NULL} to the action's own decoder, as the
   * empty text, where it leaves a field unset for {@code ~} and {@code null}: prometheus 2.53.3
   * refuses {@code action: Null} as {@code unknown relabel action ""}, as it refuses
   * {@code action: ''}, and {@code action: ~} as {@code relabel action cannot be empty}.
   */
  @Test
  void anActionWrittenNullAsAWordIsTheEmptyActionAsToPrometheus() {
    for (String none : List.of("Null", "NULL")) {
      List<String> problems = new ArrayList<>();
      parse("{action: " + none + ", target_label: x}", "relabel_configs[0]", problems);
      assertEquals(List.of("unknown relabel action \"\" in relabel_configs[0]"), problems,
          none);
    }
  }

  /**
   * A source label written {@code Null} or {@code NULL} reaches the label name's own decoder as
   * the empty text, which prometheus 2.53.3 refuses ({@code "" is not a valid label name}), as
   * it refuses {@code ''}; it was named as no string.
   */
  @Test
  void aSourceLabelWrittenNullAsAWordIsTheEmptyNameAsToPrometheus() {
    for (String none : List.of("Null", "NULL")) {
      List<String> problems = new ArrayList<>();
      parse("{source_labels: [a, " + none + "], target_label: x}", "relabel_configs[0]",
          problems);
      assertEquals(List.of("invalid source label \"\" in relabel_configs[0]"), problems, none);
    }
  }

  /**
   * go-yaml v2 sets a source label written {@code ~}, {@code null} or {@code !!null Null} to the
   * label name {@code ""} without the name's decoder, so unchecked: prometheus 2.53.3 takes
   * {@code source_labels: [~, __address__, null]} and sets {@code foo} to
   * {@code ;127.0.0.1:1;} for the target {@code 127.0.0.1:1}. It is written back null, since
   * Prometheus refuses the name written {@code ""} (its own /api/v1/status/config writes that).
   */
  @Test
  void aSourceLabelWrittenNullIsTheEmptyNameUncheckedAndWrittenBackNull() {
    for (String none : List.of("~", "null", "!!null Null")) {
      List<String> problems = new ArrayList<>();
      RelabelRule rule = parse("{source_labels: [" + none + ", __address__], target_label: foo}",
          "relabel_configs[0]", problems);
      assertEquals(List.of(), problems, none);
      assertEquals(List.of("", "__address__"), rule.sourceLabels(), none);
      assertEquals(inOrder("source_labels", Arrays.asList(null, "__address__"), "target_label",
          "foo"), rule.toYaml(), none);
    }
  }

  /** A source label written {@code ''} is refused, as prometheus 2.53.3 refuses it. */
  @Test
  void aSourceLabelWrittenAsEmptyTextIsStillRefused() {
    List<String> problems = new ArrayList<>();
    parse("{source_labels: ['', a], target_label: x}", "relabel_configs[0]", problems);
    assertEquals(List.of("invalid source label \"\" in relabel_configs[0]"), problems);
  }

  /** The rule {@code mapping} (flow YAML of a p.yml) says, at {@code at}. */
  private static RelabelRule parse(String mapping, String at, List<String> problems) {
    return RelabelRule.parse(YamlReader.readMapping(mapping, "p.yml"), at, problems);
  }

  /** The map of {@code keysAndValues} (key, value, key, value...), in their order. */
  private static Map<String, Object> inOrder(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
