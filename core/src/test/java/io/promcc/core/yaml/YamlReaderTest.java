package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.GuestCluster;
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
}
