package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCases;
import net.jqwik.api.Example;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;

/**
 * {@link ListedChars} strings are drawn as jqwik's {@code withChars} strings are, but for the
 * way they shrink.
 */
class ListedCharsTest {
  private static final String CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

  /**
   * A property mixes edge cases into what it draws: a string's own (the empty one, one first or
   * last character), never its characters' one by one, so that the first and the last character
   * are no likelier inside a string than the others. Drawn with fixed seeds, at a property's
   * small and large sizes; the shares of {@code withChars} strings are the measure.
   */
  @Example
  void theFirstAndLastCharactersAreAsLikelyAsInStringsOfJqwik() {
    for (int genSize : new int[] {10, 1000}) {
      Arbitrary<String> jqwiks = Arbitraries.strings().withChars(CHARS).ofMaxLength(20);
      Arbitrary<String> listed = ListedChars.strings(CHARS, 0, 20);
      for (char c : new char[] {'a', '_', 'm'}) {
        double expected = share(jqwiks, genSize, c);
        double drawn = share(listed, genSize, c);
        String seen = String.format("genSize %d: '%c' is %.2f%% of the characters, where it is"
            + " %.2f%% of withChars strings'", genSize, c, 100 * drawn, 100 * expected);
        assertTrue(drawn < 1.3 * expected && drawn > expected / 1.3, seen);
      }
    }
  }

  /**
   * The edge cases are those of {@code withChars} strings, in their order, however many jqwik
   * asks for: where it asks for few, it takes the first ones.
   */
  @Example
  void edgeCasesAreThoseOfStringsOfJqwikInTheirOrder() {
    String chars = "abc0123-";
    int[][] lengths = {{0, 61}, {0, 1}, {1, 5}, {3, 3}};
    for (int[] length : lengths) {
      Arbitrary<String> jqwiks = Arbitraries.strings().withChars(chars)
          .ofMinLength(length[0]).ofMaxLength(length[1]);
      Arbitrary<String> listed = ListedChars.strings(chars, length[0], length[1]);
      for (int max : new int[] {1, 2, 3, 5, 100}) {
        assertEquals(values(jqwiks.edgeCases(max)), values(listed.edgeCases(max)),
            "strings of " + length[0] + " to " + length[1] + ", at most " + max + " edge cases");
      }
    }
  }

  private static List<String> values(EdgeCases<String> edgeCases) {
    List<String> values = new ArrayList<>();
    for (Supplier<Shrinkable<String>> supplier : edgeCases.suppliers()) {
      values.add(supplier.get().value());
    }
    return values;
  }

  /** The share of {@code c} among the characters of 4,000 strings drawn as a property does. */
  private static double share(Arbitrary<String> strings, int genSize, char c) {
    RandomGenerator<String> generator = strings.generator(genSize, true);
    Random random = new Random(7);
    long all = 0;
    long matching = 0;
    for (int i = 0; i < 4_000; i++) {
      String value = generator.next(random).value();
      all += value.length();
      matching += value.chars().filter(x -> x == c).count();
    }
    return (double) matching / all;
  }
}
