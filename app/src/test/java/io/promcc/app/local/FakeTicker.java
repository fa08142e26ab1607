package io.promcc.app.local;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Nanoseconds as {@link System#nanoTime()} gives them, moved by hand: the monotonic time of the
 * waits, apart from any wall clock. Thread-safe.
 */
final class FakeTicker implements LongSupplier {
  private final AtomicLong nanos = new AtomicLong(123_456_789L); // not zero: any origin will do

  /** Moves it forward by {@code by} (or back, for a ticker that misbehaves). */
  void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  @Override
  public long getAsLong() {
    return nanos.get();
  }
}
