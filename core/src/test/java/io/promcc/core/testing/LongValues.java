package io.promcc.core.testing;

import io.promcc.core.model.Text;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/**
 * Label values of the longest accepted length that shrink: a fragment repeated up to
 * {@link Text#MAX_VALUE_LENGTH} characters in three draws of four, fewer times in the fourth. The
 * repeat count shrinks towards one fragment, so a property that fails for any long value is
 * shown a short one. Listed whole, such values shrank only to one another, each a thousand
 * characters long, and jqwik's shrinking spent its ten seconds on tens of thousands of other
 * candidates before it reached a short one.
 */
final class LongValues {
  private LongValues() {}

  /** {@code fragments}, each repeated as above; the fragment shrinks towards the first one. */
  static Arbitrary<String> of(List<String> fragments) {
    Arbitrary<Integer> length = Arbitraries.integers().between(1, Text.MAX_VALUE_LENGTH)
        .withDistribution(new MostlyTheMost());
    return Combinators.combine(Arbitraries.of(fragments), length)
        .as((fragment, most) -> fragment.repeat(Math.max(1, most / fragment.length())));
  }

  /** The maximum in three draws of four, else any value in range; shrinking stays jqwik's. */
  private static final class MostlyTheMost implements RandomDistribution {
    @Override
    public RandomNumericGenerator createGenerator(int genSize, BigInteger min, BigInteger max,
        BigInteger center) {
      BigInteger range = max.subtract(min).add(BigInteger.ONE);
      return random -> random.nextInt(4) < 3 ? max
          : min.add(new BigInteger(range.bitLength() + 8, random).mod(range));
    }
  }
}
