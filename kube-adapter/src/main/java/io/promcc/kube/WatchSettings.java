package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Time limits for the informers' list and watch calls. Both are finite on purpose: an informer
 * whose connection dies silently (no RST, e.g. a network partition) would otherwise wait on it
 * forever and never re-list (client-java issue #2330); a read timeout turns that into an error,
 * the source reports it, and the informer lists and watches again.
 *
 * @param requestTimeout read timeout of a list call
 * @param watchTimeout longest a single watch lasts (sent as {@code timeoutSeconds}); the read
 *     timeout of the watch is this plus {@link #WATCH_READ_GRACE}
 */
public record WatchSettings(Duration requestTimeout, Duration watchTimeout) {
  /** Extra read time after a watch's own timeout, before the connection is considered dead. */
  public static final Duration WATCH_READ_GRACE = Duration.ofSeconds(30);

  /**
   * @throws IllegalArgumentException if a duration is not positive or the watch timeout is not
   *     whole seconds
   */
  public WatchSettings {
    requireNonNull(requestTimeout, "requestTimeout == null");
    requireNonNull(watchTimeout, "watchTimeout == null");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("request timeout must be positive: " + requestTimeout);
    }
    if (watchTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException("watch timeout must be at least 1s: " + watchTimeout);
    }
  }

  /** 60 s per list, watches of at most 5 minutes (client-java's own informer default). */
  public static WatchSettings defaults() {
    return new WatchSettings(Duration.ofSeconds(60), Duration.ofMinutes(5));
  }
}
