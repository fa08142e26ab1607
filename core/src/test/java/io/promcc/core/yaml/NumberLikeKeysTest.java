package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.ScrapeProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A mapping key written as a number only Prometheus' YAML reads ({@code 0x10}, {@code 1e3},
 * {@code 010}) is a key as written, as a plain text key: to Prometheus a key is a field's
 * name or a label's, which it takes as written.
 */
class NumberLikeKeysTest {
  @ParameterizedTest
  @ValueSource(strings = {"0x10", "1e3", "010", "1_000", ".inf"})
  void aTopLevelKeyIsTextAndAnUnknownFieldOfAProfile(String key) {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ScrapeProfile.parse(key + ": x\njobs: []\n", "p.yml"));
    assertEquals(List.of("field \"" + key + "\" not found in profile"), e.problems());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x10", "1e3", "010"})
  void aTopLevelKeyOfABaseConfigIsReadAsText(String key) {
    BaseConfig base = BaseConfig.parse(key + ": x\n", "prometheus.yml");
    assertEquals(Map.of(key, "x"), base.values());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x10", "1e3", "010"})
  void aKeyWrittenQuotedAndPlainIsADuplicate(String key) {
    ValidationException e = assertThrows(ValidationException.class,
        () -> YamlReader.read("{\"" + key + "\": a, " + key + ": b}\n", "doc"));
    assertEquals(List.of("invalid yaml at line 1, column " + (key.length() + 9)
        + ": found duplicate key " + key + " (while constructing a mapping at line 1, column 1)"),
        e.problems());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x10", "1e3", "010"})
  void aValueIsStillTheNumberPrometheusReads(String value) {
    Object read = YamlReader.readMapping("k: " + value + "\n", "doc").get("k");
    assertEquals(value, read.toString());
    assertEquals(GoYamlNumber.class, read.getClass());
  }
  /**
   * A cluster's label named twice, once as text and once as a key YAML reads as a boolean
   * ({@code true}, {@code !!bool y}), is refused as a duplicate is: the second value silently
   * replaced the first.
   */
  @ParameterizedTest
  @ValueSource(strings = {"{true: a, \"true\": b}", "{y: a, !!bool y: b}",
      "{\"False\": a, !!bool False: b}"})
  void aLabelNamedTwiceAsTextIsRefused(String labels) {
    String name = labels.substring(1, labels.indexOf(':')).replace("\"", "");
    ValidationException e = assertThrows(ValidationException.class, () -> ClusterList.parse(
        "- {id: a, provider: p, apiServer: https://m.a, labels: " + labels + "}\n", "c.yml"));
    assertEquals(List.of("clusters[0] repeats label \"" + name + "\" at line 1, column "
        + (labels.indexOf(',') + 58)), e.problems());
  }
}
