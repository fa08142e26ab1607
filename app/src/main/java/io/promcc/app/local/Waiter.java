package io.promcc.app.local;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits on {@code monitor}, which the caller holds, until it is notified or {@code atMost}
 * passed, as {@link Object#wait(long)}; it may return sooner. A seam for tests of a source's
 * {@code awaitSynced}, whose waiter passes the time on their ticker instead of waiting it.
 */
@FunctionalInterface
interface Waiter {
  /** {@link Object#wait(long, int)}, on the system's time. */
  Waiter SYSTEM = (monitor, atMost) -> TimeUnit.NANOSECONDS.timedWait(monitor,
      atMost.toNanos());

  void await(Object monitor, Duration atMost) throws InterruptedException;
}
