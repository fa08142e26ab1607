package io.promcc.core.testing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCases;
import net.jqwik.api.ExhaustiveGenerator;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;

/**
 * Strings of a fixed length that shrink to shorter ones. {@code ofLength(n)} strings shrink only
 * character by character and never get shorter: a failing property over guest clusters was shown
 * a 63-character cluster ID where {@code a-a} failed too, after thousands of candidates. These
 * draw what {@code n} characters of {@link ListedChars} draw, seed by seed, edge cases and
 * exhaustive generation included; an edge case (one character repeated) shrinks shorter too.
 */
final class FullLengthStrings implements Arbitrary<String> {
  private final Arbitrary<String> drawn;
  private final Arbitrary<String> ofLength;
  private final List<String> edgeCases = new ArrayList<>();
  private final int length;

  private FullLengthStrings(String chars, int length) {
    this.length = length;
    this.ofLength = ListedChars.lists(chars).ofSize(length).map(ListedChars::join);
    for (Shrinkable<String> edgeCase : ofLength.edgeCases()) {
      edgeCases.add(edgeCase.value());
    }
    // none of its own edge cases (the shorter ones), ofLength's instead; this class's
    // edgeCases() gives them shrinkable, for which the configuration has no means
    this.drawn = longest(chars).edgeCases(config -> config.filter(value -> false)
        .add(edgeCases.toArray(String[]::new)));
  }

  /** Strings of {@code length} characters from {@code chars}; see the class comment. */
  static Arbitrary<String> of(String chars, int length) {
    return new FullLengthStrings(chars, length);
  }

  @Override
  public RandomGenerator<String> generator(int genSize) {
    return drawn.generator(genSize);
  }

  @Override
  public Optional<ExhaustiveGenerator<String>> exhaustive(long maxNumberOfSamples) {
    // ofLength's: the drawn strings' would include the shorter ones
    return ofLength.exhaustive(maxNumberOfSamples);
  }

  @Override
  public EdgeCases<String> edgeCases(int maxEdgeCases) {
    List<Supplier<Shrinkable<String>>> suppliers = new ArrayList<>();
    for (String edgeCase : edgeCases.subList(0, Math.min(maxEdgeCases, edgeCases.size()))) {
      suppliers.add(() -> shrinkable(edgeCase));
    }
    return EdgeCases.fromSuppliers(suppliers);
  }

  /** {@code edgeCase}, one character repeated, as a string of that character that shrinks. */
  private Shrinkable<String> shrinkable(String edgeCase) {
    Shrinkable<String> shrinkable = longest(edgeCase.substring(0, 1)).generator(1)
        .next(new Random(0));
    if (!shrinkable.value().equals(edgeCase)) {
      throw new IllegalStateException("not one character repeated " + length + " times: "
          + edgeCase);
    }
    return shrinkable;
  }

  private Arbitrary<String> longest(String chars) {
    return ListedChars.lists(chars).ofMinSize(0).ofMaxSize(length)
        .withSizeDistribution(new Longest()).map(ListedChars::join);
  }

  /** Always the longest length; shrinking stays jqwik's. */
  private static final class Longest implements RandomDistribution {
    @Override
    public RandomNumericGenerator createGenerator(int genSize, BigInteger min, BigInteger max,
        BigInteger center) {
      return random -> {
        // jqwik draws a fixed length as a number between it and itself: draw as it does, so
        // that the characters drawn next are the same
        random.nextInt(1);
        return max;
      };
    }
  }
}
