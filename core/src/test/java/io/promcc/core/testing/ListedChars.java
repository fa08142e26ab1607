package io.promcc.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCases;
import net.jqwik.api.ExhaustiveGenerator;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;
import net.jqwik.api.arbitraries.ListArbitrary;

/**
 * Characters drawn from a list, and strings of them, that shrink in a few steps. jqwik's
 * {@code withChars} shrinks a character to every character listed before it, one candidate each,
 * and tries them all again at every later step of a shrink: a cluster ID's hyphen, 37th of the
 * characters, cost 36 candidates a step (2,768 for a failing list of guest clusters). Here a
 * character is its position in the list, drawn uniformly, which shrinks as an integer does
 * (the first character, then halfway there): a handful of candidates. The edge cases are the
 * first and the last character, as {@code withChars}'. Stateless; thread-safe.
 */
final class ListedChars {
  private ListedChars() {}

  /** One of {@code chars}, each as likely; shrinks towards the first. */
  static Arbitrary<Character> of(String chars) {
    return Listed.of(chars.chars().mapToObj(c -> (char) c).toList());
  }

  /** Lists of {@code chars} to be joined by {@link #join}; their size is the caller's. */
  static ListArbitrary<Character> lists(String chars) {
    return of(chars).list();
  }

  /**
   * Strings of {@code minLength} to {@code maxLength} of {@code chars}, drawn as {@code withChars}
   * strings are; see {@link Strings}.
   */
  static Arbitrary<String> strings(String chars, int minLength, int maxLength) {
    return new Strings(lists(chars).ofMinSize(minLength).ofMaxSize(maxLength)
        .map(ListedChars::join));
  }

  /**
   * Strings whose characters are drawn without edge cases mixed in, as jqwik's strings are: a
   * property mixes in a string's own (the empty one, one first or last character), but a list
   * mixes its elements' into every element, which made the first and the last character four
   * times as likely as each other one at a property's small sizes, twice at its large ones.
   */
  private static final class Strings implements Arbitrary<String> {
    private final Arbitrary<String> joined;

    Strings(Arbitrary<String> joined) {
      this.joined = joined;
    }

    // generatorWithEmbeddedEdgeCases is Arbitrary's: this generator, no element's edge cases
    @Override
    public RandomGenerator<String> generator(int genSize) {
      return joined.generator(genSize);
    }

    @Override
    public Optional<ExhaustiveGenerator<String>> exhaustive(long maxNumberOfSamples) {
      return joined.exhaustive(maxNumberOfSamples);
    }

    /**
     * A list's edge cases in the order of a string's: the strings of one character, then the
     * empty one, where a list has the empty one first; jqwik takes the first ones where it asks
     * for few (a part of a combination, a property's later parameter), and the combinations of
     * a cluster ID's parts it took then held fewer hyphens ({@code 9a} where {@code 9-a}).
     */
    @Override
    public EdgeCases<String> edgeCases(int maxEdgeCases) {
      List<Supplier<Shrinkable<String>>> edgeCases =
          new ArrayList<>(joined.edgeCases(maxEdgeCases).suppliers());
      if (!edgeCases.isEmpty() && edgeCases.get(0).get().value().isEmpty()) {
        edgeCases.add(edgeCases.remove(0));
      }
      return EdgeCases.fromSuppliers(edgeCases);
    }
  }

  /** The characters in order, as a string. */
  static String join(List<Character> chars) {
    StringBuilder text = new StringBuilder(chars.size());
    chars.forEach(text::append);
    return text.toString();
  }
}
