package io.promcc.core.testing;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries of YAML texts as a file may hold them while it is written, for properties of
 * what a reader tells of a whole text: whether it holds a YAML value at all, as a quick test and
 * a full parse each tell it. Texts are joined from pieces of no value (blanks, comments,
 * document markers, byte order marks, directives, line ends of each kind, comments longer than a
 * YAML reader's buffer) and pieces of one, or that YAML refuses (a null written out, empty
 * collections, fields, a tag or an anchor on nothing, an unclosed collection, characters YAML
 * refuses, a lone surrogate, an incompatible {@code %YAML} version, an escape Prometheus' YAML
 * refuses). All methods are static, return
 * fresh arbitraries and are safe to call from any thread; they draw only from jqwik's random
 * source, so a property's {@code seed} draws the same texts again.
 */
public final class YamlTexts {
  /** Pieces that hold no YAML value: together, a text of none, if it reads. */
  private static final List<String> NO_VALUE = List.of("", "\n", "  \n", "\t\n", "\r\n", "\r",
      " ", "# a comment\n", "   # indented: comment\n", "#\n", "# a: b\n# - x\n", "---\n",
      "--- \n", "--- # c\n", "---", "...\n", "... # c\n", "\ufeff", "%YAML 1.2\n", "%YAML 1.1\n",
      "%TAG !e! tag:example.com,2000:\n", "%FOO bar\n", YamlTexts.longComment(),
      "# a line of a header\n".repeat(60));

  /** Pieces of a value, or that YAML (or Prometheus' YAML) refuses. */
  private static final List<String> VALUE = List.of("~\n", "null\n", "Null\n", "NULL\n", "{}\n",
      "[]\n", "''\n", "\"\"\n", "!!null\n", "!!str\n", "! \n", "&a\n", "*a\n", "--- ~\n",
      "--- {}\n", "--- !!null\n", "global:\n", "global: {scrape_interval: 30s}\n",
      "x_vendor: 1\n", "- a\n", "a: 1\na: 2\n", "scrape_configs: 5\n", "<<: {global: {}}\n",
      "? \n", ": \n", "|\n", ">\n", "[\n", "{\n", "\"\n", "'\n", "\"\\ud83d\"\n", "\0", "\u0085",
      "\u2028", "\ud800", "\t- x\n", "  - x\n", "-\n", "%YAML 2.0\n", "%YAML 1.2 1.3\n",
      "%YAML 1.2\n%YAML 1.2\n", "@\n", "`\n", "!!binary aGk=: 1\n");

  private YamlTexts() {}

  /**
   * A comment line longer than the 1,024 characters a YAML reader buffers at a time: with the
   * header of many lines in {@link #NO_VALUE}, a text of no value reads past the first buffer,
   * as a config's long comment header does while it is written.
   */
  private static String longComment() {
    return "# " + "-".repeat(1_100) + "\n";
  }

  /** Each piece of {@link #ofNoValueOrNot()}, one at a time; exhaustive generation lists all. */
  public static Arbitrary<String> pieces() {
    List<String> all = new ArrayList<>(NO_VALUE);
    all.addAll(VALUE);
    return Arbitraries.of(all);
  }

  /**
   * Texts of up to eight pieces, most of no YAML value: about one text in six holds none (a
   * directive with no {@code ---} after it, or a {@code ...} before any document, is refused),
   * the others hold a value or are refused, some where their first document ends, some past
   * it. A piece is sometimes a whole base config ({@link ModelArbitraries#baseConfigs}) or a
   * hostile string ({@link ModelArbitraries#hostileStrings}), some 10,000 characters long.
   */
  public static Arbitrary<String> ofNoValueOrNot() {
    Arbitrary<String> piece = Arbitraries.frequencyOf(
        Tuple.of(40, Listed.of(NO_VALUE)),
        Tuple.of(3, Listed.of(VALUE)),
        Tuple.of(1, ModelArbitraries.baseConfigs("promcc")),
        Tuple.of(1, ModelArbitraries.hostileStrings()));
    return piece.list().ofMaxSize(8).map(pieces -> String.join("", pieces));
  }
}
