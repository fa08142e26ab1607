package io.promcc.app.loop;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter: after the n-th failure in a row, a delay drawn evenly
 * from the upper half of {@code min(max, first * 2^(n-1))}, so controllers that failed together
 * do not retry together. Not thread-safe (the random generator).
 */
final class Backoff {
  private final Duration first;
  private final Duration max;
  private final RandomGenerator random;

  Backoff(Duration first, Duration max, RandomGenerator random) {
    this.first = requireNonNull(first, "first == null");
    this.max = requireNonNull(max, "max == null");
    this.random = requireNonNull(random, "random == null");
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("need 0 < first <= max, found " + first + ", " + max);
    }
  }

  /** The delay after {@code failures} failures in a row (at least 1). */
  Duration after(int failures) {
    long cap = max.toMillis();
    long base = first.toMillis();
    for (int i = 1; i < failures && base < cap; i++) {
      base *= 2;
    }
    base = Math.min(base, cap);
    long half = base / 2;
    return Duration.ofMillis(half + random.nextLong(base - half + 1));
  }
}
