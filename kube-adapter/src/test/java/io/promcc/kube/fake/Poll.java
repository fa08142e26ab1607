package io.promcc.kube.fake;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, for tests of asynchronous code (informers, electors,
 * processes) without fixed sleeps. Parks 20 ms between checks.
 */
public final class Poll {
  private Poll() {}

  /**
   * Returns once {@code condition} is true.
   *
   * @throws AssertionError naming {@code what} if it is still false (or throws) at the deadline
   */
  public static void until(Duration timeout, String what, Callable<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (true) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
        last = null;
      } catch (Exception | AssertionError e) {
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        AssertionError failure = new AssertionError("timed out after " + timeout + " waiting for "
            + what + (last == null ? "" : " (last error: " + last + ")"));
        if (last != null) {
          failure.initCause(last);
        }
        throw failure;
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  /** Returns the first value of {@code supplier} that is not null and not an exception. */
  public static <T> T value(Duration timeout, String what, Supplier<T> supplier) {
    Object[] holder = new Object[1];
    until(timeout, what, () -> {
      holder[0] = supplier.get();
      return holder[0] != null;
    });
    @SuppressWarnings("unchecked")
    T result = (T) holder[0];
    return result;
  }
}
