package io.promcc.core.testing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Shrinkable;

/**
 * Strings of a fixed length that shrink to shorter ones. {@code ofLength(n)} strings shrink only
 * character by character and never get shorter: a failing property over guest clusters was shown
 * a 63-character cluster ID where {@code a-a} failed too, after thousands of candidates. These
 * draw what {@code ofLength(n)} draws, seed by seed, edge cases included.
 */
final class FullLengthStrings {
  private FullLengthStrings() {}

  /** Strings of {@code length} characters from {@code chars}; see the class comment. */
  static Arbitrary<String> of(String chars, int length) {
    List<String> edgeCases = new ArrayList<>();
    for (Shrinkable<String> edgeCase :
        Arbitraries.strings().withChars(chars).ofLength(length).edgeCases()) {
      edgeCases.add(edgeCase.value());
    }
    return Arbitraries.strings().withChars(chars).ofMinLength(0).ofMaxLength(length)
        .withLengthDistribution(new Longest())
        // none of its own edge cases (the shorter ones), ofLength's instead; jqwik 1.9.3 cannot
        // add edge cases after none()
        .edgeCases(config -> config.filter(value -> false)
            .add(edgeCases.toArray(String[]::new)));
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
