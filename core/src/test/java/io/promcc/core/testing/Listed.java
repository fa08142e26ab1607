package io.promcc.core.testing;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomDistribution;

/**
 * {@link Arbitraries#of(java.util.Collection)} for long lists that users shrink: each value as
 * likely, the first and the last as edge cases, the list in order when generated exhaustively;
 * but a value shrinks as its index does, as an integer (the first value, then halfway there), in
 * a handful of candidates. {@code Arbitraries.of} shrinks a value to every value listed before
 * it, one candidate each, and tries them all again at every later step of a shrink: a YAML text
 * holding the 23rd of its pieces tried the 22 before it at every step of shrinking another
 * piece. Stateless; thread-safe.
 */
final class Listed {
  private Listed() {}

  /** One of {@code values}; see the class comment. */
  static <T> Arbitrary<T> of(List<T> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<T> copy = List.copyOf(values);
    int last = copy.size() - 1;
    return Arbitraries.integers().between(0, last).withDistribution(RandomDistribution.uniform())
        .edgeCases(edgeCases -> edgeCases.filter(index -> index == 0 || index == last))
        .map(copy::get);
  }
}
