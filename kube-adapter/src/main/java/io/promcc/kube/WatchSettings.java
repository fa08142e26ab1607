package io.promcc.kube;

import io.promcc.core.model.Problems;
import java.time.Duration;

/**
 * Time limits for the informers' list and watch calls. All are finite on purpose: an informer
 * whose connection dies silently (no RST, e.g. a network partition) would otherwise wait on it
 * forever and never re-list (client-java issue #2330); a read timeout turns that into an error,
 * the source reports it, and the informer lists and watches again.
 *
 * @param requestTimeout longest a list call takes, all of its body read
 * @param watchTimeout longest a single watch lasts (sent as {@code timeoutSeconds})
 * @param watchReadGrace extra time after {@code watchTimeout} before a watch connection is
 *     considered dead (silent, or never ending)
 */
public record WatchSettings(Duration requestTimeout, Duration watchTimeout,
    Duration watchReadGrace) {

  /**
   * @throws io.promcc.core.model.ValidationException listing every problem: a duration missing
   *     or not positive, or a watch timeout below one second or, with the grace, past 2^31-1 ms
   */
  public WatchSettings {
    Problems problems = new Problems("watch settings");
    SettingsChecks.positive(problems, "watch.requestTimeout", requestTimeout);
    if (SettingsChecks.present(problems, "watch.watchTimeout", watchTimeout)
        && watchTimeout.toSeconds() < 1) {
      problems.add("watch.watchTimeout", SettingsChecks.text(watchTimeout), "must be at least 1s");
    } else if (watchTimeout != null && watchReadGrace != null && !watchReadGrace.isNegative()
        && watchTimeout.plus(watchReadGrace).compareTo(SettingsChecks.MAX_OKHTTP_TIMEOUT) > 0) {
      // the watch's read and call timeout; OkHttp refuses one longer at every watch
      problems.add("watch.watchTimeout", SettingsChecks.text(watchTimeout), "must be at most "
          + SettingsChecks.MAX_OKHTTP_TIMEOUT.toMillis() + "ms with the grace ("
          + SettingsChecks.text(watchReadGrace) + "; OkHttp's longest read timeout)");
    }
    SettingsChecks.positive(problems, "watch.watchReadGrace", watchReadGrace);
    problems.throwIfAny();
  }

  /** 60 s per list, watches of at most 5 minutes (client-java's own default), 30 s grace. */
  public static WatchSettings defaults() {
    return new WatchSettings(Duration.ofSeconds(60), Duration.ofMinutes(5),
        Duration.ofSeconds(30));
  }
}
