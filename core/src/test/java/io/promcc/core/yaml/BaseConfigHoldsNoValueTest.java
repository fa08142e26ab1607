package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.PromccException;
import io.promcc.core.model.ValidationException;
import io.promcc.core.testing.YamlTexts;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BaseConfig#holdsNoValue} tells a base config of no YAML value as
 * {@link BaseConfig#parse} and {@link BaseConfig#checkHasPrometheusField()} tell it (refused with
 * {@link BaseConfig#NO_VALUE}, and nothing else), without reading it past its first value: the
 * same verdict over generated texts, and over the shapes a file written in place takes.
 */
class BaseConfigHoldsNoValueTest {

  /** The full parse's verdict: refused as of no value; any other refusal is a value's. */
  private static boolean parseTellsNoValue(String text) {
    try {
      BaseConfig.parse(text, "b.yml").checkHasPrometheusField();
      return false;
    } catch (ValidationException e) {
      return e.problems().equals(List.of(BaseConfig.NO_VALUE));
    } catch (PromccException e) {
      return false;
    }
  }

  private static void assertSameVerdict(String text) {
    boolean parse = parseTellsNoValue(text);
    Statistics.label("no value").collect(parse);
    assertEquals(parse, BaseConfig.holdsNoValue(text), () -> "for " + visible(text));
  }

  /** {@code text} with its line ends, byte order marks and controls written out. */
  private static String visible(String text) {
    StringBuilder out = new StringBuilder("\"");
    text.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? Character.toString(c)
        : c == '\n' ? "\\n" : String.format("\\u%04x", c)));
    return out.append('"').toString();
  }

  @Provide
  Arbitrary<String> texts() {
    return YamlTexts.ofNoValueOrNot();
  }

  @Provide
  Arbitrary<String> pairsOfPieces() {
    return YamlTexts.pieces().list().ofSize(2).map(pieces -> String.join("", pieces));
  }

  @Property(tries = 500)
  void tellsWhatTheParseTellsOfGeneratedTexts(@ForAll("texts") String text) {
    assertSameVerdict(text);
    Statistics.label("no value").coverage(coverage -> {
      coverage.check(true).percentage(p -> p >= 10);
      coverage.check(false).percentage(p -> p >= 10);
    });
  }

  @Property(generation = GenerationMode.EXHAUSTIVE, tries = 10_000)
  void tellsWhatTheParseTellsOfEveryPairOfPieces(@ForAll("pairsOfPieces") String text) {
    assertSameVerdict(text);
  }

  /**
   * Texts of no value: blanks, comments, document markers, a byte order mark, directives before
   * a document, line ends of each kind, and what follows the first document, which Prometheus
   * does not read, even YAML that does not read.
   */
  @ParameterizedTest
  @ValueSource(strings = {"", "\n", "  \n\t\n", "# nothing yet\n", "# a: b\r\n# - x\r",
      "---\n", "--- # c\n...\n", "--- # c\n...\n...\n", "\uFEFF", "\uFEFF# c\n", "\uFEFF---\n",
      "%YAML 1.2\n---\n", "%YAML 1.1\n--- # c\n", "%TAG !e! tag:example.com,2000:\n---\n",
      "---\n---\nglobal: {}\n", "--- # none\n...\nglobal: {}\n", "# a\n---\n--- [\n",
      "---\n%YAML 1.2\n---\nglobal: {}\n"})
  void aTextOfNoValueIsToldSo(String text) {
    assertTrue(parseTellsNoValue(text), () -> "the parse refuses it as of no value: "
        + visible(text));
    assertTrue(BaseConfig.holdsNoValue(text), () -> visible(text));
  }

  /**
   * Texts of a value: a null written out ({@code ~}, {@code null}, a tag on nothing), empty
   * collections, a first document of a value after one of none before it, and YAML that does
   * not read, before a value or after one: the first value ends the quick test, and the full
   * parse refuses the rest. A character YAML refuses is refused as the reader's buffer takes
   * it in, before the events it follows: one soon after a first document of no value is refused
   * with that document. A document end marker with no document before it is refused too.
   */
  @ParameterizedTest
  @ValueSource(strings = {"~\n", "null\n", "NULL\n", "--- ~\n", "!!null\n", "&a\n", "{}\n",
      "[]\n", "''\n", "\uFEFF~\n", "# a\n---\nglobal: {}\n", "global: {}\n---\n",
      "global: {}\n: [\n", "global: {}\n\u0000\n", "global: {}\nglobal: {}\n", "# c\n[\n",
      "# c\n\u0000", "# c\n\uD800\n", "%YAML 1.2\n", "%YAML 2.0\n---\n", "\"\\ud83d\"\n",
      "- a\n", "x_vendor: 1\n", "---\n---\n\u0000", "...\n"})
  void aTextOfAValueOrThatDoesNotReadIsToldSo(String text) {
    assertFalse(parseTellsNoValue(text), () -> "the parse takes it, or refuses it for another "
        + "reason: " + visible(text));
    assertFalse(BaseConfig.holdsNoValue(text), () -> visible(text));
  }

  /**
   * A comment header longer than the 1,024 characters the YAML reader buffers at a time, as a
   * config's header is while the file is written, is of no value, read to its end; a value after
   * it is one, and a character YAML refuses past that buffer, after a first document of none,
   * is not read.
   */
  @Test
  void aCommentHeaderLongerThanTheReadersBufferIsReadToItsEnd() {
    String header = "# a line of the config's header, written before its fields\n".repeat(40);
    for (String text : List.of(header, "---\n" + header + "...\n",
        "---\n---\n" + header + "\u0000")) {
      assertTrue(parseTellsNoValue(text), () -> "the parse refuses it as of no value: "
          + visible(text));
      assertTrue(BaseConfig.holdsNoValue(text), () -> visible(text));
    }
    for (String text : List.of(header + "global: {}\n", header + "~\n")) {
      assertFalse(parseTellsNoValue(text), () -> visible(text));
      assertFalse(BaseConfig.holdsNoValue(text), () -> visible(text));
    }
  }
}
