package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCases;
import net.jqwik.api.Example;
import net.jqwik.api.ExhaustiveGenerator;
import net.jqwik.api.Shrinkable;

/** {@link Listed} keeps what {@link Arbitraries#of} promises but the way a value shrinks. */
class ListedTest {
  private static final List<String> VALUES = List.of("a", "b", "c", "d", "e");

  /**
   * The edge cases are {@code Arbitraries.of}'s for every number jqwik asks for: the first, and
   * the last only where more than one is asked for, as the second parameter of a property or a
   * part of a combination is asked for as few as one.
   */
  @Example
  void edgeCasesAreThoseOfArbitrariesOfForEveryNumberAskedFor() {
    for (int max : new int[] {0, 1, 2, 3, 10, Integer.MAX_VALUE}) {
      assertEquals(values(Arbitraries.of(VALUES).edgeCases(max)),
          values(Listed.of(VALUES).edgeCases(max)), "at most " + max + " edge cases");
    }
    assertEquals(List.of("a"), values(Listed.of(List.of("a")).edgeCases(10)));
  }

  /** Exhaustive generation lists the values in order, as {@code Arbitraries.of}'s does. */
  @Example
  void exhaustiveGenerationListsTheValuesInOrder() {
    ExhaustiveGenerator<String> all = Listed.of(VALUES).exhaustive(100).orElseThrow();
    assertEquals(VALUES.size(), all.maxCount());
    List<String> listed = new ArrayList<>();
    all.forEach(listed::add);
    assertEquals(VALUES, listed);
  }

  private static <T> List<T> values(EdgeCases<T> edgeCases) {
    List<T> values = new ArrayList<>();
    for (Supplier<Shrinkable<T>> supplier : edgeCases.suppliers()) {
      values.add(supplier.get().value());
    }
    return values;
  }
}
