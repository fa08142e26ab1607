package io.promcc.it.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Order statistics of measured durations, by the nearest-rank method (the p-th percentile of n
 * values is the ceil(p/100 * n)-th smallest; with 50 values p99 is the largest).
 *
 * @param count how many values
 */
record Stats(int count, Duration min, Duration median, Duration p90, Duration p99,
    Duration max) {

  static Stats of(List<Duration> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values to summarise");
    }
    List<Duration> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return new Stats(sorted.size(), sorted.get(0), rank(sorted, 50), rank(sorted, 90),
        rank(sorted, 99), sorted.get(sorted.size() - 1));
  }

  private static Duration rank(List<Duration> sorted, int percentile) {
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
    return sorted.get(Math.max(rank, 1) - 1);
  }

  /** {@code n=50 min 0.81 s, median 1.02 s, p90 ..., p99 ..., max ...}. */
  @Override
  public String toString() {
    return "n=" + count + " min " + seconds(min) + ", median " + seconds(median) + ", p90 "
        + seconds(p90) + ", p99 " + seconds(p99) + ", max " + seconds(max);
  }

  static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.3f s", duration.toNanos() / 1e9);
  }
}
