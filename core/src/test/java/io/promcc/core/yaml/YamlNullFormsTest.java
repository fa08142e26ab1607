package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Prometheus' YAML (go-yaml v2, YAML 1.1) reads a plain {@code ~}, {@code Null} and
 * {@code NULL} as null, as it reads {@code null}: so do promcc's own files.
 */
class YamlNullFormsTest {
  @Test
  void thePlainNullFormsOfYamlOneOneAreNull() {
    Map<String, Object> read = YamlReader.readMapping(
        "a: ~\nb: Null\nc: NULL\nd: null\ne: '~'\nf: \"Null\"\ng: !!str NULL\n", "p.yml");
    assertNull(read.get("a"));
    assertNull(read.get("b"));
    assertNull(read.get("c"));
    assertNull(read.get("d"));
    assertEquals(List.of("~", "Null", "NULL"), List.of(read.get("e"), read.get("f"),
        read.get("g")));
  }

  @Test
  void aBooleanOrIntegerFieldWrittenAsNullIsUnset() {
    List<String> problems = new ArrayList<>();
    Fields fields = new Fields(YamlReader.readMapping(
        "honor_labels: ~\nport: Null\nreplacement: NULL\n", "p.yml"), "job \"x\"", problems);
    assertNull(fields.bool("honor_labels"));
    assertNull(fields.integer("port"));
    assertNull(fields.string("replacement", null));
    assertEquals(List.of(), problems);
  }

  @Test
  void aClusterIdOrLabelWrittenAsNullIsAProblemNamingTheField() {
    ValidationException e = assertThrows(ValidationException.class, () -> ClusterList.parse("""
        - id: ~
          provider: aws
          apiServer: https://a.example
        - id: b
          provider: aws
          apiServer: https://b.example
          labels:
            env: Null
        """, "clusters.yml"));
    assertEquals(List.of("field \"id\" of clusters[0] must not be empty",
        "label \"env\" of clusters[1] must have a text value, found null"
            + " at line 8, column 10"), e.problems());
  }
}
