package io.promcc.core.testing;

import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCases;
import net.jqwik.api.ExhaustiveGenerator;
import net.jqwik.api.RandomGenerator;

/**
 * The values of one arbitrary with the edge cases of another that draws the same values in
 * another order of its parts. jqwik shrinks a combination's parts in their order and gives the
 * edge cases of its last parts only where many are asked for: a guest cluster's ID is its last
 * part, so that its remaining shrinks are not tried again at every step of the others', and its
 * first part for the edge cases, so that they hold IDs of every kind. Stateless; thread-safe.
 */
final class WithEdgeCasesOf<T> implements Arbitrary<T> {
  private final Arbitrary<T> drawn;
  private final Arbitrary<T> edgeCases;

  private WithEdgeCasesOf(Arbitrary<T> drawn, Arbitrary<T> edgeCases) {
    this.drawn = drawn;
    this.edgeCases = edgeCases;
  }

  /** {@code drawn}'s values, shrinking and exhaustive generation, {@code edgeCases}' edge cases. */
  static <T> Arbitrary<T> of(Arbitrary<T> drawn, Arbitrary<T> edgeCases) {
    return new WithEdgeCasesOf<>(drawn, edgeCases);
  }

  @Override
  public RandomGenerator<T> generator(int genSize) {
    return drawn.generator(genSize);
  }

  @Override
  public RandomGenerator<T> generatorWithEmbeddedEdgeCases(int genSize) {
    return drawn.generatorWithEmbeddedEdgeCases(genSize);
  }

  @Override
  public Optional<ExhaustiveGenerator<T>> exhaustive(long maxNumberOfSamples) {
    return drawn.exhaustive(maxNumberOfSamples);
  }

  @Override
  public EdgeCases<T> edgeCases(int maxEdgeCases) {
    return edgeCases.edgeCases(maxEdgeCases);
  }
}
