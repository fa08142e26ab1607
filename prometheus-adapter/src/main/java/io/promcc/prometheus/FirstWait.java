package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The log lines of the first wait for a Prometheus that is not answered at once, in the life
 * of one {@link HttpPrometheusControl}: its start, and its end once Prometheus answers; later
 * waits say nothing. Thread-safe.
 */
final class FirstWait {
  private final URI prometheus;
  private final Clock clock;
  private final System.Logger log;
  /** Whether Prometheus has answered ready (or a runtime info) once; guarded by this. */
  private boolean answered;
  /** When the first wait not answered at once began; null before it; guarded by this. */
  private Instant waitingSince;

  FirstWait(URI prometheus, Clock clock, System.Logger log) {
    this.prometheus = requireNonNull(prometheus, "prometheus == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.log = requireNonNull(log, "log == null");
  }

  /** Logs the start of the first wait not answered at once; later ones say nothing. */
  void started(Instant started, Duration timeout, String problem) {
    synchronized (this) {
      if (answered || waitingSince != null) {
        return;
      }
      waitingSince = started;
    }
    log.log(Level.INFO, "waiting up to " + timeout + " for prometheus at "
        + Quoting.quote(prometheus.toString()) + " to become ready: " + problem);
  }

  /** Prometheus answered: the end of the first wait is logged, if there was one. */
  void answered() {
    Instant since;
    synchronized (this) {
      if (answered) {
        return;
      }
      answered = true;
      since = waitingSince;
    }
    if (since != null) {
      log.log(Level.INFO, "prometheus at " + Quoting.quote(prometheus.toString())
          + " is ready, " + Duration.between(since, clock.instant()) + " after the first wait "
          + "for it began");
    }
  }
}
