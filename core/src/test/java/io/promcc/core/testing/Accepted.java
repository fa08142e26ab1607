package io.promcc.core.testing;

import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;

/**
 * {@link Arbitrary#filter} for arbitraries that users shrink: the values drawn are the same, seed
 * by seed (a refused value is drawn again, up to 10,000 times in a row, as a filter does), but a
 * shrink candidate that the predicate refuses is skipped rather than searched below. jqwik's
 * shrinking of a filtered value also tries every shrink of every shrink at its last step, which
 * cost a failing property over guest cluster lists thousands of candidates (tens of thousands,
 * until jqwik's ten second bound, for a label name starting with {@code _}).
 */
final class Accepted {
  private Accepted() {}

  /** The values of {@code arbitrary} that {@code accepted} accepts; see the class comment. */
  static <T> Arbitrary<T> only(Arbitrary<T> arbitrary, Predicate<? super T> accepted) {
    return arbitrary.map(value -> {
      if (!accepted.test(value)) {
        throw new Refused();
      }
      return value;
    }).ignoreException(Refused.class);
  }

  /** A value the predicate refused; jqwik draws again, or skips the shrink candidate. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused() {
      super(null, null, false, false);
    }
  }
}
