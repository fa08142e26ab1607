package io.promcc.core.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting in tests for what another thread or process does: a condition polled until a
 * deadline, never a sleep of a guessed length.
 */
public final class Polls {
  private Polls() {}

  /**
   * Returns once {@code done} holds, asking it every {@code interval}; throws an
   * {@link AssertionError} with {@code whyNot}'s text if it does not hold within {@code within}.
   * What {@code done} throws (a failed assertion that ends the wait early) goes through.
   */
  public static void until(Duration within, Duration interval, BooleanSupplier done,
      Supplier<String> whyNot) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!done.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(whyNot.get());
      }
      LockSupport.parkNanos(Math.min(interval.toNanos(), left));
    }
  }
}
