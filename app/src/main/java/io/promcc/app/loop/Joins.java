package io.promcc.app.loop;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits for a thread's end that an interrupt of the waiting thread does not cut short. */
public final class Joins {
  private Joins() {}

  /**
   * Waits for {@code thread} to end, {@code bound} at most, an interrupt of the waiting thread
   * ending no wait: a stop's waits are bounded. Returns whether it was interrupted (its status
   * cleared, for the caller to set again).
   */
  public static boolean throughInterrupts(Thread thread, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    boolean interrupted = false;
    while (true) {
      try {
        TimeUnit.NANOSECONDS.timedJoin(thread, deadline - System.nanoTime()); // none if <= 0
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }
}
