package io.promcc.kube;

import io.promcc.core.port.Sleeper;
import java.time.Duration;

/**
 * The pause before the next list or watch after one failed: a list or a watch call refused or
 * not answered, a watch that broke (a read error) or brought an {@code ERROR} event other than
 * 410 Gone, a 410 Gone other than the first since the pause started over ({@link #expired}),
 * or a failure only the reflector saw (an event it cannot read). client-java's reflector
 * lists again a second after each, for as long as the API server keeps failing; client-go's
 * reflector backs off (0.8 s doubling to 30 s, starting over after two minutes without a
 * failure; from client-go 1.36, two minutes after it last started over, failing or not). Here
 * the same steps: {@link #FIRST}, then twice the last, at most {@link #MAX};
 * {@link #RESET} since the last failure starts over, and so does {@link #MAX} since the first
 * watch opened after it ({@link #watchOpened}): the watches have worked that long, one after
 * another (a watch the server ends is followed by the next, a 410 Gone by a list and a watch),
 * and the next single failure pauses {@link #FIRST} again. An event through a watch does not
 * start over, nor does a list that works: a watch that brings one change and breaks (a proxy
 * that drops it) would be listed again, in full, every {@link #FIRST} for as long as it flaps.
 * Since starting over takes {@link #MAX} of watches with no failure, failures after it are
 * listed again at most once per {@link #MAX} plus {@link #FIRST}, no oftener than the longest
 * pause allows; client-go's backoff needs two minutes between failures to start over (its
 * reflector's runs last as long as their watches), as frugal while a watch flaps but slower to
 * recover from a single break after watches that worked. A single failure within the first
 * {@link #MAX} of watches that work after an outage therefore waits the grown pause, on purpose:
 * an API server that has just come back is the likeliest to fail again, and starting over at
 * the first list or event that works would list one that flaps every {@link #FIRST}. No jitter, as
 * {@link ShortWatchBackoff}: one controller (two with leader election) per API server, and
 * tests see exact pauses. Times are a ticker's nanoseconds, as {@link System#nanoTime()}.
 *
 * <p>Thread-safe.
 */
final class FailureBackoff {
  static final Duration FIRST = Duration.ofMillis(800);
  static final Duration MAX = Duration.ofSeconds(30);
  static final Duration RESET = Duration.ofMinutes(2);

  private Duration pause = Duration.ZERO;
  /**
   * The ticker at the last failure, or free 410 ({@link #expired}); meaningful while
   * {@link #pause} is not zero or {@link #expiredFree}.
   */
  private long lastFailure;
  /** Whether a 410 Gone went by with no pause since the pause last started over. */
  private boolean expiredFree;
  /** Whether the pause after the last failure is still to be waited out. */
  private boolean pending;
  /** Whether a watch was opened since the last failure or free 410. */
  private boolean watched;
  /** The ticker at the request of the first watch since the last failure, if {@link #watched}. */
  private long watchedFrom;

  /** A call failed at {@code now}: the next waits {@link #left} of the pause this returns. */
  synchronized Duration failed(long now) {
    startOverIfDue(now);
    watched = false;
    pause = pause.isZero() ? FIRST : Sleeper.doubled(pause, MAX);
    lastFailure = now;
    pending = true;
    return pause;
  }

  /**
   * A watch was answered 410 Gone at {@code now}: the first since the pause started over is
   * free (zero, the list after it is made at once: the version watched from is merely too old),
   * any other is a failure's step ({@link #failed}), events between or not, as client-go's
   * reflector waits its backoff before each list: an API server that expires every watch, after
   * an event or not, is not listed again every second for good.
   */
  synchronized Duration expired(long now) {
    startOverIfDue(now);
    if (pause.isZero() && !expiredFree) {
      expiredFree = true;
      watched = false;
      lastFailure = now;
      return Duration.ZERO;
    }
    return failed(now);
  }

  /**
   * Starts over if the watches have worked {@link #MAX} since the last failure or free 410, or
   * {@link #RESET} has passed since it.
   */
  private void startOverIfDue(long now) {
    boolean watchesWorked = watched && now - watchedFrom >= MAX.toNanos();
    boolean quiet = (!pause.isZero() || expiredFree) && now - lastFailure >= RESET.toNanos();
    if (watchesWorked || quiet) {
      pause = Duration.ZERO;
      expiredFree = false;
    }
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

  /**
   * A watch requested at the ticker's {@code startedAt} is open: the first since the last
   * failure starts the {@link #MAX} after which the next failure pauses {@link #FIRST}.
   */
  synchronized void watchOpened(long startedAt) {
    if (!watched) {
      watched = true;
      watchedFrom = startedAt;
    }
  }
}
