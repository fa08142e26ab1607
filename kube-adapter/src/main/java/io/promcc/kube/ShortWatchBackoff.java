package io.promcc.kube;

import io.promcc.core.port.Sleeper;
import java.time.Duration;

/**
 * The pause before a watch that follows watches ending at once. client-go's reflector reads a
 * watch that ends within a second with no event as a "very short watch" and lists and watches
 * again only after its backoff manager's pause (0.8 s doubling to 30 s); client-java's reflector
 * opens the next watch at once, so an API server whose watch cache is reinitialising, or a proxy
 * that closes every watch connection, would be asked again in a hot loop while the informer sees
 * no change. Here a watch that ends cleanly within {@link #SHORT} with no event makes the next
 * pause {@link #FIRST}, then twice the last, at most {@link #MAX}; an event, or a watch that
 * lasts {@link #SHORT}, starts over. No jitter: one controller (two with leader election) per
 * API server, and tests see exact pauses.
 *
 * <p>Thread-safe.
 */
final class ShortWatchBackoff {
  static final Duration SHORT = Duration.ofSeconds(1);
  static final Duration FIRST = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofSeconds(30);

  private int streak;
  private Duration pause = Duration.ZERO;

  /**
   * A watch ended cleanly (the server or a proxy closed it, no error) after {@code lasted}.
   *
   * @param delivered whether any event (a bookmark too) came through it
   * @return the pause before the next watch; zero for none
   */
  synchronized Duration ended(Duration lasted, boolean delivered) {
    if (delivered || lasted.compareTo(SHORT) >= 0) {
      reset();
      return Duration.ZERO;
    }
    streak++;
    pause = pause.isZero() ? FIRST : Sleeper.doubled(pause, MAX);
    return pause;
  }

  /** An event came through a watch: starts over. */
  synchronized void reset() {
    streak = 0;
    pause = Duration.ZERO;
  }

  /**
   * Whether the watches keep ending at once: the pause has grown to {@link #MAX}, after about
   * half a minute of no watch that lasted (1 + 2 + 4 + 8 + 16 s).
   */
  synchronized boolean failing() {
    return pause.equals(MAX);
  }

  /** How many watches in a row ended at once with no event. */
  synchronized int streak() {
    return streak;
  }
}
