package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Time limits for the informers' list and watch calls. All are finite on purpose: an informer
 * whose connection dies silently (no RST, e.g. a network partition) would otherwise wait on it
 * forever and never re-list (client-java issue #2330); a read timeout turns that into an error,
 * the source reports it, and the informer lists and watches again.
 *
 * @param requestTimeout read timeout of a list call
 * @param watchTimeout longest a single watch lasts (sent as {@code timeoutSeconds})
 * @param watchReadGrace extra read time after {@code watchTimeout} before a silent watch
 *     connection is considered dead
 */
public record WatchSettings(Duration requestTimeout, Duration watchTimeout,
    Duration watchReadGrace) {

  /**
   * @throws IllegalArgumentException if a duration is not positive or the watch timeout is below
   *     one second
   */
  public WatchSettings {
    requireNonNull(requestTimeout, "requestTimeout == null");
    requireNonNull(watchTimeout, "watchTimeout == null");
    requireNonNull(watchReadGrace, "watchReadGrace == null");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("request timeout must be positive: " + requestTimeout);
    }
    if (watchTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException("watch timeout must be at least 1s: " + watchTimeout);
    }
    if (watchReadGrace.isNegative() || watchReadGrace.isZero()) {
      throw new IllegalArgumentException("watch read grace must be positive: " + watchReadGrace);
    }
  }

  /** 60 s per list, watches of at most 5 minutes (client-java's own default), 30 s grace. */
  public static WatchSettings defaults() {
    return new WatchSettings(Duration.ofSeconds(60), Duration.ofMinutes(5),
        Duration.ofSeconds(30));
  }
}
