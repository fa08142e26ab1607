package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Binary data where a number or a boolean is wanted is refused naming it as written, its
 * base64, as Prometheus 2.53.3 names it ({@code cannot unmarshal !!binary `MQ==` into bool});
 * it was named by its Java object ({@code "[B@1b6d3586"}).
 */
class FieldsBinaryValueTest {
  @Test
  void binaryDataWhereANumberOrBooleanIsWantedIsNamedByItsBase64() {
    List<String> problems = new ArrayList<>();
    Fields fields = new Fields(YamlReader.readMapping(
        "honor_labels: !!binary MQ==\nport: !!binary OTEwMA==\n", "p.yml"), "job \"x\"",
        problems);

    assertNull(fields.bool("honor_labels"));
    assertNull(fields.integer("port"));
    assertEquals(List.of(
        "field \"honor_labels\" of job \"x\" must be true or false, found \"MQ==\"",
        "field \"port\" of job \"x\" must be an integer, found \"OTEwMA==\""), problems);
  }
}
