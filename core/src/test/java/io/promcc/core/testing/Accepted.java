package io.promcc.core.testing;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.TooManyFilterMissesException;

/**
 * {@link Arbitrary#filter} for arbitraries that users shrink: the values drawn are the same, seed
 * by seed (a refused value is drawn again, up to 10,000 times in a row, as a filter does), but a
 * shrink candidate that the predicate refuses is skipped rather than searched below. jqwik's
 * shrinking of a filtered value also tries every shrink of every shrink at its last step, which
 * cost a failing property over guest cluster lists thousands of candidates (tens of thousands,
 * until jqwik's ten second bound, for a label name starting with {@code _}). Where the predicate
 * refuses more than 10,000 values in a row, the failure says so and shows the last of them.
 */
final class Accepted {
  /** As jqwik's filter and ignoreException: they give up after more than 10,000 misses. */
  private static final int MOST_REFUSED = 10_001;

  private Accepted() {}

  /** The values of {@code arbitrary} that {@code accepted} accepts; see the class comment. */
  static <T> Arbitrary<T> only(Arbitrary<T> arbitrary, Predicate<? super T> accepted) {
    AtomicInteger refusedInARow = new AtomicInteger();
    return arbitrary.map(value -> {
      if (accepted.test(value)) {
        refusedInARow.set(0);
        return value;
      }
      if (refusedInARow.incrementAndGet() >= MOST_REFUSED) {
        refusedInARow.set(0);
        // not a Refused: jqwik passes it on
        throw new TooManyFilterMissesException("Accepted.only refused more than "
            + (MOST_REFUSED - 1) + " values in a row, the last: " + value);
      }
      throw new Refused();
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
