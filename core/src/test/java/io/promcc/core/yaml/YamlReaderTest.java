package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.ValidationException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What users write is read as they wrote it. */
class YamlReaderTest {
  @Test
  void aClusterLabelThatLooksLikeANumberKeepsItsText() {
    List<GuestCluster> clusters = ClusterList.parse("""
        - id: a
          provider: aws
          apiServer: https://a.example
          labels:
            k8s_version: 1.20
            scale: 1e3
            rack: 010
            mask: 0x1F
            plus: +1
            yes_no: True
            count: 12
            flag: true
            offset: -0
        """, "clusters.yml");

    assertEquals(new TreeMap<>(Map.of("k8s_version", "1.20", "scale", "1e3", "rack", "010",
        "mask", "0x1F", "plus", "+1", "yes_no", "True", "count", "12", "flag", "true",
        "offset", "-0")), clusters.get(0).labels());
  }

  @Test
  void numbersBooleansAndNullsStillReadAsSuch() {
    assertEquals(Map.of("port", 9100, "honor", true, "none", "x"),
        Map.of("port", YamlReader.readMapping("port: 9100\n", "t").get("port"),
            "honor", YamlReader.readMapping("honor: true\n", "t").get("honor"),
            "none", YamlReader.readMapping("none: null\n", "t").get("none") == null ? "x" : "y"));
  }

  /**
   * Go's YAML, which Prometheus reads with, refuses every escape of a UTF-16 surrogate, a pair
   * too ("found invalid Unicode character escape code", promtool 2.53.3); snakeyaml joins a pair
   * into its character, so a config promcc took would fail at Prometheus.
   */
  @Test
  void anEscapedSurrogatePairIsRefusedWhereItIsWritten() {
    ValidationException e = assertThrows(ValidationException.class, () -> YamlReader.readMapping(
        "global:\n  external_labels:\n    a: \"x \\ud83d\\ude00\"\n", "base.yml"));
    assertEquals(List.of("invalid yaml at line 3, column 11: the escape \\ud83d is a UTF-16 "
        + "surrogate, which Prometheus' YAML refuses; write the character itself or \\U0001f600"),
        e.problems());
    ValidationException longForm = assertThrows(ValidationException.class,
        () -> YamlReader.read("[ok, \"\\U0000D83D\\uDE00\"]", "clusters.yml"));
    assertEquals(List.of("invalid yaml at line 1, column 7: the escape \\U0000D83D is a "
        + "UTF-16 surrogate, which Prometheus' YAML refuses; write the character itself or "
        + "\\U0001f600"), longForm.problems());
    ValidationException lone = assertThrows(ValidationException.class,
        () -> YamlReader.readMapping("\"k\\udc00\": 1\n", "base.yml"));
    assertEquals(List.of("invalid yaml at line 1, column 3: the escape \\udc00 is a UTF-16 "
        + "surrogate, which Prometheus' YAML refuses; write the character itself"),
        lone.problems());
  }

  @Test
  void whatOnlyLooksLikeASurrogateEscapeIsText() {
    assertEquals(Map.of("a", "\\ud83d", "b", "x\\ud83d", "c", "\ud83d\ude00", "d", "\\\\ud83d",
            "e", "\ud83d\ude00"),
        YamlReader.readMapping("a: '\\ud83d'\nb: x\\ud83d\nc: \"\\U0001F600\"\n"
            + "d: \"\\\\\\\\ud83d\"\ne: \"\ud83d\ude00\" # \\ud83d\n", "t"));
  }
}
