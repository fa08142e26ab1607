package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.testing.ModelArbitraries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class YamlWriterTest {
  @ParameterizedTest
  @ValueSource(strings = {"abc", "kube-system", "/metrics", "/api/v1/nodes", "a_b.c-d",
      "api.example.com:6443", "__address__", "X", "_", "yesterday", "nulls", "a:b"})
  void writesUnambiguousStringsPlain(String value) {
    assertEquals(value, scalar(value));
    assertEquals(value, roundTrip(value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "no", "on", "off", "y", "n", "Yes", "NO", "true", "False",
      "null", "Null", "~", "123", "0x1F", "0o17", "1e3", "-1", "+1", ".5", ".inf", "-.inf", ".nan",
      "nan", "2001-12-14", "12:30", "a: b", "a:", "-x", "- x", "*x", "&x", "!x", "%x", "@x", "`x",
      "|", ">", "\"", "'", "", " ", " a", "a ", "#x", "a #b", "{a}", "[a]", "a,b", "?x", "---",
      "...", "$1", "${1}", "a\\b", "\u00e9", "\ud83d\udd25", "\u05e9\u05dc\u05d5\u05dd"})
  void quotesEverythingElseAndReadsBackTheSameString(String value) {
    assertEquals('"', scalar(value).charAt(0), () -> "not quoted: " + scalar(value));
    assertEquals(value, roundTrip(value));
  }

  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    assertEquals("\"\\\"\"", scalar("\""));
    assertEquals("\"'\"", scalar("'"));
    assertEquals("\"\"", scalar(""));
    assertEquals("\"a\\\\b\"", scalar("a\\b"));
    assertEquals("\"a\\nb\\r\\tc\"", scalar("a\nb\r\tc"));
    assertEquals("\"\\u0000\\u001b\\u007f\\u0085\"", scalar("\u0000\u001b\u007f\u0085"));
  }

  @Test
  void escapesLineSeparatorsByteOrderMarksAndLoneSurrogates() {
    assertEquals("\"\\u2028\\u2029\\ufeff\"", scalar("\u2028\u2029\ufeff"));
    assertEquals("\"x\\ud800y\\udc00\"", scalar("x\ud800y\udc00"));
  }

  @Test
  void keepsPrintableUnicodeAsIs() {
    assertEquals("\"\ud83d\udd25 \u05e9\u05dc\u05d5\u05dd\"", scalar("\ud83d\udd25 \u05e9\u05dc\u05d5\u05dd"));
  }

  @Test
  void writesMapsInBlockStyleAndShortPlainListsInFlowStyle() {
    Map<String, Object> tls = new LinkedHashMap<>();
    tls.put("ca_file", "certs/a-ca.pem");
    tls.put("insecure_skip_verify", false);
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("job_name", "j");
    job.put("tls_config", tls);
    job.put("static_configs", List.of(Map.of("targets", List.of("a:1", "b:2"))));
    job.put("quoted_items", List.of("yes", "b"));
    job.put("modulus", 8);
    job.put("empty_list", List.of());
    job.put("empty_map", Map.of());
    job.put("nothing", null);
    job.put("nested", List.of(List.of("x")));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("scrape_configs", List.of(job));

    String text = YamlWriter.write(root);

    assertEquals("""
        scrape_configs:
        - job_name: j
          tls_config:
            ca_file: certs/a-ca.pem
            insecure_skip_verify: false
          static_configs:
          - targets: [a:1, b:2]
          quoted_items:
          - "yes"
          - b
          modulus: 8
          empty_list: []
          empty_map: {}
          nothing: null
          nested:
          -\s
            - x
        """, text);
    assertEquals(root, load(text));
  }

  @Test
  void writesAnEmptyDocumentAsAnEmptyMapping() {
    assertEquals("{}\n", YamlWriter.write(Map.of()));
    assertEquals(Map.of(), load(YamlWriter.write(Map.of())));
  }

  @Test
  void rejectsKeysThatAreNotIdentifiers() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> YamlWriter.write(Map.of("a: b", "x")));
    assertEquals("map key is not an identifier: a: b", e.getMessage());
  }

  @Test
  void rejectsValuesOfOtherTypes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> YamlWriter.write(Map.of("a", new Object())));
    assertEquals("cannot write java.lang.Object as YAML", e.getMessage());
  }

  @Provide
  Arbitrary<String> hostile() {
    return ModelArbitraries.hostileStrings();
  }

  @Property(tries = 300)
  void everyStringReadsBackAsTheSameString(@ForAll("hostile") String value) {
    assertEquals(value, roundTrip(value));
    List<Object> list = new ArrayList<>();
    list.add(value);
    list.add(Map.of("k", value));
    Map<String, Object> root = Map.of("key", list, "flow", List.of(value, "b"));
    assertEquals(root, load(YamlWriter.write(root)));
  }

  private static String scalar(String value) {
    StringBuilder out = new StringBuilder();
    YamlWriter.appendScalar(out, value);
    return out.toString();
  }

  private static Object roundTrip(String value) {
    return ((Map<?, ?>) load("k: " + scalar(value) + "\n")).get("k");
  }

  private static Object load(String text) {
    return new Load(LoadSettings.builder().build()).loadFromString(text);
  }
}
