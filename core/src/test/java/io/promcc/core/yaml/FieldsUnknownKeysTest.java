package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A key below a document's top level that is null or binary data is named as Prometheus 2.53.3
 * reads it, as a top-level one is ({@link YamlReader#readMapping}): a null key is the field
 * {@code ""} ({@code field  not found in type relabel.plain}), binary data the text it encodes;
 * one encoding a known field is refused saying so. They were named {@code "null"} and by their
 * Java object ({@code "[B@543e710e"}).
 */
class FieldsUnknownKeysTest {
  @Test
  void aNullOrBinaryKeyIsNamedAsPrometheusReadsIt() {
    Map<String, Object> root = YamlReader.readMapping(
        "rule:\n  ~: a\n  !!binary aGVsbG8=: b\n  !!binary YWN0aW9u: drop\n  regex: x\n",
        "p.yml");
    List<String> problems = new ArrayList<>();

    new Fields((Map<?, ?>) root.get("rule"), "rule \"r\"", problems)
        .rejectUnknown(Set.of("action", "regex"));

    assertEquals(List.of("field \"\" not found in rule \"r\"",
        "field \"action\" is written as binary data (!!binary YWN0aW9u) in rule \"r\", which is"
            + " read as no field here: write it as text",
        "field \"hello\" not found in rule \"r\""), problems);
  }
}
