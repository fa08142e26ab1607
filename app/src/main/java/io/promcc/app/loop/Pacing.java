package io.promcc.app.loop;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How soon the loop reconciles after changes, and how often without them.
 *
 * @param settle how long a lone change, one that follows a quiet spell of at least
 *     {@code debounce} without changes, waits before its reconcile: time for the objects created
 *     with it (a certificate Secret next to its Service) to arrive too. A second change within
 *     the settle makes it a burst
 * @param debounce how long a burst waits after its latest change
 * @param maxDelay the longest a burst may delay its reconcile, counted from its first change
 * @param resync the longest the loop goes without a reconcile when nothing changes
 */
public record Pacing(Duration settle, Duration debounce, Duration maxDelay, Duration resync) {
  /** Checks {@code 0 <= settle <= debounce <= maxDelay} and {@code resync > 0}. */
  public Pacing {
    requireNonNull(settle, "settle == null");
    requireNonNull(debounce, "debounce == null");
    requireNonNull(maxDelay, "maxDelay == null");
    requireNonNull(resync, "resync == null");
    if (settle.isNegative() || settle.compareTo(debounce) > 0) {
      throw new IllegalArgumentException("settle " + settle + " must be between 0 and the "
          + "debounce " + debounce);
    }
    if (debounce.compareTo(maxDelay) > 0) {
      throw new IllegalArgumentException("debounce " + debounce + " must not be longer than "
          + "the max delay " + maxDelay);
    }
    if (resync.isNegative() || resync.isZero()) {
      throw new IllegalArgumentException("resync " + resync + " must be positive");
    }
  }
}
