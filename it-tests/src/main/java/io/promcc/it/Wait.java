package io.promcc.it;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Bounded waits: a condition polled at an interval until a deadline, never a fixed sleep. A
 * condition that throws counts as not yet true (a server that is still starting refuses
 * connections); the last error is kept for the message. Thread-safe (no state).
 */
public final class Wait {
  /** How often conditions are checked unless told otherwise. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);

  private Wait() {}

  /**
   * Returns once {@code condition} is true, checking every {@link #DEFAULT_INTERVAL}.
   *
   * @throws TimedOutException naming {@code what} if it is still false at the deadline
   */
  public static void until(Duration timeout, String what, Callable<Boolean> condition) {
    until(timeout, DEFAULT_INTERVAL, what, condition, () -> "");
  }

  /**
   * Returns once {@code condition} is true.
   *
   * @param interval pause between checks
   * @param diagnostics what to add to the message of a timeout (e.g. a log tail); asked only then
   * @throws TimedOutException naming {@code what}, the last error and the diagnostics if the
   *     condition is still false at the deadline
   */
  public static void until(Duration timeout, Duration interval, String what,
      Callable<Boolean> condition, Supplier<String> diagnostics) {
    requireNonNull(timeout, "timeout == null");
    requireNonNull(interval, "interval == null");
    requireNonNull(what, "what == null");
    requireNonNull(condition, "condition == null");
    requireNonNull(diagnostics, "diagnostics == null");
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
        last = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TimedOutException("interrupted while waiting for " + what, e);
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        String extra = diagnostics.get();
        throw new TimedOutException("timed out after " + timeout.toSeconds() + " s waiting for "
            + what + (last == null ? "" : " (last error: " + last + ")")
            + (extra.isEmpty() ? "" : "\n" + extra), last);
      }
      LockSupport.parkNanos(
          Math.min(interval.toNanos(), Math.max(1, deadline - System.nanoTime())));
      if (Thread.currentThread().isInterrupted()) {
        throw new TimedOutException("interrupted while waiting for " + what, last);
      }
    }
  }

  /** A bounded wait that ran out, or was interrupted. */
  public static final class TimedOutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TimedOutException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
