package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A value its tag cannot decode is refused in the words of Prometheus 2.53.3's YAML (go-yaml
 * v2), which promtool says for each here, naming where; it was refused with a Java exception's
 * text ({@code java.lang.NumberFormatException: For input string: "x"}), or taken as null.
 */
class YamlTagRefusalsTest {
  private static List<String> problems(String value) {
    return assertThrows(ValidationException.class,
        () -> YamlReader.readMapping("a: " + value + "\n", "p.yml"), value).problems();
  }

  @Test
  void aFloatTagOnNoNumberIsRefusedNamingWhatPrometheusReadsItAs() {
    assertEquals(List.of("invalid yaml at line 1, column 4: cannot decode !!str `x` as a !!float"),
        problems("!!float x"));
    assertEquals(List.of("invalid yaml at line 1, column 4: cannot decode !!bool `yes` as a "
        + "!!float"), problems("!!float yes"));
    assertEquals(List.of("invalid yaml at line 1, column 4: cannot decode !!null `` as a "
        + "!!float"), problems("!!float ''"));
  }

  /**
   * Java reads these as numbers ({@code Double.parseDouble}), Prometheus' YAML as no float:
   * promtool 2.53.3 refuses {@code !!float Infinity} (cannot decode !!str `Infinity` as a
   * !!float), which was taken.
   */
  @Test
  void aFloatTagOnTextOnlyJavaReadsAsANumberIsRefused() {
    for (String javaOnly : List.of("Infinity", "-Infinity", "NaN", "1d", "1f", "0x1p3")) {
      assertEquals(List.of("invalid yaml at line 1, column 4: cannot decode !!str `" + javaOnly
          + "` as a !!float"), problems("!!float " + javaOnly), javaOnly);
    }
  }

  /**
   * A collection's tag on a single value is refused naming its line, as a single value's tag on
   * a collection is, where it ended in a ClassCastException's text.
   */
  @Test
  void aCollectionTagOnASingleValueIsRefusedNamingItsLine() {
    assertEquals(List.of("invalid yaml at line 1, column 4: the tag !!seq is for a sequence, "
        + "found a single value"), problems("!!seq x"));
    assertEquals(List.of("invalid yaml at line 1, column 4: the tag !!map is for a mapping, "
        + "found a single value"), problems("!!map x"));
    assertEquals(List.of("invalid yaml at line 1, column 4: the tag !!set is for a mapping, "
        + "found a single value"), problems("!!set x"));
  }

  @Test
  void aNullTagOnNoNullIsRefusedAndTakenOnEachNullForm() {
    assertEquals(List.of("invalid yaml at line 1, column 4: cannot decode !!str `x` as a !!null"),
        problems("!!null x"));
    assertEquals(List.of("invalid yaml at line 1, column 4: cannot decode !!int `8` as a !!null"),
        problems("!!null 8"));
    for (String none : List.of("''", "~", "null", "Null", "NULL")) {
      assertNull(YamlReader.readMapping("a: !!null " + none + "\n", "p.yml").get("a"), none);
    }
  }

  /** Go's standard base64, which wants its padding and skips only line breaks. */
  @Test
  void binaryDataThatIsNoBase64IsRefusedInPrometheusWords() {
    for (String bad : List.of("\"$$$\"", "aGk", "\"aG k=\"", "\"aGk=aGk=\"")) {
      assertEquals(List.of("invalid yaml at line 1, column 4: !!binary value contains invalid "
          + "base64 data"), problems("!!binary " + bad), bad);
    }
    assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), (byte[]) YamlReader.readMapping(
        "a: !!binary \"aG\\nk=\"\n", "p.yml").get("a"));
  }
}
