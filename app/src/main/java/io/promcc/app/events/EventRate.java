package io.promcc.app.events;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * At most {@code perWindow} Events in each window of time, on an injected clock. Not
 * thread-safe: the publisher's one worker thread uses it.
 */
final class EventRate {
  private final Clock clock;
  private final int perWindow;
  private final Duration window;
  private Instant windowStart;
  private int inWindow;

  /** @param window the rate's window: at most {@code perWindow} Events in each */
  EventRate(Clock clock, int perWindow, Duration window) {
    this.clock = requireNonNull(clock, "clock == null");
    this.perWindow = perWindow;
    this.window = requireNonNull(window, "window == null");
  }

  /** Empty if one more Event may go now (and counts it), else how long until one may. */
  Optional<Duration> take() {
    Instant now = clock.instant();
    Instant windowEnd = windowStart == null ? now : windowStart.plus(window);
    if (!now.isBefore(windowEnd)) {
      windowStart = now;
      inWindow = 0;
    }
    if (inWindow >= perWindow) {
      return Optional.of(Duration.between(now, windowStart.plus(window)));
    }
    inWindow++;
    return Optional.empty();
  }
}
