package io.promcc.core.testing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCases;
import net.jqwik.api.ExhaustiveGenerator;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.RandomGenerator;

/**
 * Listed strings, each empty or one fragment repeated, that shrink to fewer repeats. Listed
 * whole ({@code Arbitraries.of}), a 10,000-character value shrank only to the values before it
 * in the list, so a failing property could be shown a 10,000-character example. These draw what
 * {@code Arbitraries.of(values)} draws, seed by seed, edge cases and exhaustive generation
 * included; a value is a number of repeats of its fragment, which shrinks towards one repeat
 * (and towards the fragments listed earlier, then the empty string).
 */
final class RepeatedFragments implements Arbitrary<String> {
  private final List<String> fragments = new ArrayList<>();
  private final List<Integer> starts = new ArrayList<>();
  private int end;
  private final Arbitrary<String> drawn;
  private final List<String> values;

  private RepeatedFragments(List<String> values) {
    this.values = List.copyOf(values);
    List<Integer> most = new ArrayList<>();
    for (String value : values) {
      if (value.isEmpty()) {
        continue;
      }
      String fragment = fragmentOf(value);
      int repeats = value.length() / fragment.length();
      int index = fragments.indexOf(fragment);
      if (index < 0) {
        fragments.add(fragment);
        most.add(repeats);
      } else {
        most.set(index, Math.max(most.get(index), repeats));
      }
    }
    for (int count : most) {
      starts.add(end);
      end += count;
    }
    long[] codes = values.stream().mapToLong(this::codeOf).toArray();
    // Arbitraries.of's edge cases: its first and last value
    long first = codes[0];
    long last = codes[codes.length - 1];
    this.drawn = Arbitraries.longs().between(0, end)
        .withDistribution(new Listed(codes))
        .edgeCases(config -> config.filter(code -> false).add(first, last))
        .map(this::valueOf);
  }

  /** {@code values} (each empty or a fragment repeated) as above. */
  static Arbitrary<String> of(List<String> values) {
    return new RepeatedFragments(values);
  }

  @Override
  public RandomGenerator<String> generator(int genSize) {
    return drawn.generator(genSize);
  }

  @Override
  public EdgeCases<String> edgeCases(int maxEdgeCases) {
    return drawn.edgeCases(maxEdgeCases);
  }

  @Override
  public Optional<ExhaustiveGenerator<String>> exhaustive(long maxNumberOfSamples) {
    // the listed values, as Arbitraries.of; the codes' would be every repeat count
    return Arbitraries.of(values).exhaustive(maxNumberOfSamples);
  }

  private long codeOf(String value) {
    if (value.isEmpty()) {
      return 0;
    }
    String fragment = fragmentOf(value);
    return starts.get(fragments.indexOf(fragment)) + value.length() / fragment.length();
  }

  private String valueOf(long code) {
    for (int i = fragments.size() - 1; i >= 0; i--) {
      if (code > starts.get(i)) {
        return fragments.get(i).repeat((int) (code - starts.get(i)));
      }
    }
    return "";
  }

  /** The shortest fragment that {@code value} repeats. */
  private static String fragmentOf(String value) {
    for (int length = 1; length <= value.length(); length++) {
      if (value.length() % length == 0
          && value.equals(value.substring(0, length).repeat(value.length() / length))) {
        return value.substring(0, length);
      }
    }
    return value;
  }

  /** One of the codes of the listed values, drawn as {@code Arbitraries.of} draws an index. */
  private static final class Listed implements RandomDistribution {
    private final long[] codes;

    Listed(long[] codes) {
      this.codes = codes;
    }

    @Override
    public RandomNumericGenerator createGenerator(int genSize, BigInteger min, BigInteger max,
        BigInteger center) {
      return random -> BigInteger.valueOf(codes[random.nextInt(codes.length)]);
    }
  }
}
