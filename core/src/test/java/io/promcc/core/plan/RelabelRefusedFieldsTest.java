package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.yaml.YamlReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A relabel field written as a list or a mapping is refused once, as promtool 2.53.3 refuses it
 * ({@code cannot unmarshal !!seq into string}, before any check of the rule): not also as the
 * field missing (a {@code target_label}), nor with the checks of the default action in place of
 * an action refused so.
 */
class RelabelRefusedFieldsTest {
  private static List<String> problems(String rule) {
    List<String> problems = new ArrayList<>();
    RelabelRule.parse(YamlReader.readMapping(rule, "p.yml"), "relabel_configs[0]", problems);
    return problems;
  }

  @Test
  void aTargetLabelThatIsNoTextIsOneProblem() {
    assertEquals(List.of("field \"target_label\" of relabel_configs[0] must be a string, found a "
        + "sequence"), problems("{action: hashmod, source_labels: [a], target_label: [x], "
        + "modulus: 2}"));
    assertEquals(List.of("field \"target_label\" of relabel_configs[0] must be a string, found a "
        + "mapping"), problems("{source_labels: [a], target_label: {x: y}}"));
  }

  @Test
  void anActionThatIsNoTextIsOneProblem() {
    assertEquals(List.of("field \"action\" of relabel_configs[0] must be a string, found a "
        + "sequence"), problems("{action: [keep], source_labels: [a]}"));
  }
}
