package io.promcc.core.port;

import java.time.Duration;

/**
 * Waits. Injected wherever the controller waits (backoff, polling), so tests can move a clock
 * instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {
  /** {@link Thread#sleep}. */
  Sleeper SYSTEM =
      duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

  /**
   * Waits {@code duration}, not negative.
   *
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  void sleep(Duration duration) throws InterruptedException;

  /**
   * Sleeps; an interrupt keeps the thread's flag and fails with {@link
   * PrometheusUnavailableException} "interrupted while {@code activity}".
   */
  default void pause(Duration duration, String activity) {
    try {
      sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrometheusUnavailableException("interrupted while " + activity, e);
    }
  }

  /** The next step of an exponential backoff: twice {@code current}, at most {@code max}. */
  static Duration doubled(Duration current, Duration max) {
    Duration twice = current.multipliedBy(2);
    return twice.compareTo(max) > 0 ? max : twice;
  }
}
