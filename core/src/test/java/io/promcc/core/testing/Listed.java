package io.promcc.core.testing;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCases;
import net.jqwik.api.ExhaustiveGenerator;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;

/**
 * {@link Arbitraries#of(java.util.Collection)} for long lists that users shrink: each value as
 * likely, the first and the last as edge cases (the first alone where jqwik asks for one), the
 * list in order when generated exhaustively; but a value shrinks as its index does, as an
 * integer (the first value, then halfway there), in a handful of candidates.
 * {@code Arbitraries.of} shrinks a value to every value listed before it, one candidate each,
 * and tries them all again at every later step of a shrink: a YAML text holding the 23rd of its
 * pieces tried the 22 before it at every step of shrinking another piece. No value may be
 * {@code null}. Stateless; thread-safe.
 */
final class Listed<T> implements Arbitrary<T> {
  private final Arbitrary<T> drawn;

  private Listed(List<T> values) {
    int last = values.size() - 1;
    // the edge cases of Arbitraries.of(values): the first and the last
    this.drawn = Arbitraries.integers().between(0, last)
        .withDistribution(RandomDistribution.uniform())
        .edgeCases(edgeCases -> edgeCases.filter(index -> index == 0 || index == last))
        .map(values::get);
  }

  /** One of {@code values}; see the class comment. */
  static <T> Arbitrary<T> of(List<T> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    return new Listed<>(List.copyOf(values));
  }

  @Override
  public RandomGenerator<T> generator(int genSize) {
    return drawn.generator(genSize);
  }

  @Override
  public Optional<ExhaustiveGenerator<T>> exhaustive(long maxNumberOfSamples) {
    return drawn.exhaustive(maxNumberOfSamples);
  }

  /**
   * The first and the last value, as many as asked for: a filter of an integer's edge cases, as
   * {@code drawn}'s are, gives them all however few are asked for.
   */
  @Override
  public EdgeCases<T> edgeCases(int maxEdgeCases) {
    List<Supplier<Shrinkable<T>>> all = drawn.edgeCases(maxEdgeCases).suppliers();
    return EdgeCases.fromSuppliers(all.subList(0, Math.max(0, Math.min(maxEdgeCases,
        all.size()))));
  }
}
