package io.promcc.kube;

import io.promcc.core.port.Sleeper;
import java.time.Duration;

/**
 * The pause before the next list or watch after one failed: a list or a watch call refused or
 * not answered, a watch that broke (a read error) or brought an {@code ERROR} event other than
 * 410 Gone, a 410 Gone that follows another with no event between, or a failure only the
 * reflector saw (an event it cannot read). client-java's reflector
 * lists again a second after each, for as long as the API server keeps failing; client-go's
 * reflector backs off (0.8 s doubling to 30 s, starting over after two minutes without a
 * failure). Here the same steps: {@link #FIRST}, then twice the
 * last, at most {@link #MAX}; an event through a watch, or {@link #RESET} since the last
 * failure, starts over. A list that works does not: the watch after it may break again at once.
 * No jitter, as {@link ShortWatchBackoff}: one controller (two with leader election) per API
 * server, and tests see exact pauses. Times are a ticker's nanoseconds, as
 * {@link System#nanoTime()}.
 *
 * <p>Thread-safe.
 */
final class FailureBackoff {
  static final Duration FIRST = Duration.ofMillis(800);
  static final Duration MAX = Duration.ofSeconds(30);
  static final Duration RESET = Duration.ofMinutes(2);

  private Duration pause = Duration.ZERO;
  /** The ticker at the last failure; meaningful while {@link #pause} is not zero. */
  private long lastFailure;
  /** Whether the pause after the last failure is still to be waited out. */
  private boolean pending;

  /** A call failed at {@code now}: the next waits {@link #left} of the pause this returns. */
  synchronized Duration failed(long now) {
    if (!pause.isZero() && now - lastFailure >= RESET.toNanos()) {
      pause = Duration.ZERO;
    }
    pause = pause.isZero() ? FIRST : Sleeper.doubled(pause, MAX);
    lastFailure = now;
    pending = true;
    return pause;
  }

  /**
   * What is left at {@code now} of the pause after the last failure; zero for none. Counts as
   * waited out: asked again, it is zero until the next failure.
   */
  synchronized Duration left(long now) {
    if (!pending) {
      return Duration.ZERO;
    }
    pending = false;
    long left = pause.toNanos() - (now - lastFailure);
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }

  /** An event came through a watch: the API server works, the next failure pauses FIRST. */
  synchronized void reset() {
    pause = Duration.ZERO;
    pending = false;
  }
}
