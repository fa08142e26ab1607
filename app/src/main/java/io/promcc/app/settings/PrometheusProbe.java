package io.promcc.app.settings;

import static java.util.Objects.requireNonNull;

import io.promcc.app.status.LoopHealth;
import java.time.Duration;

/**
 * How promcc asks Prometheus whether it is ready between reconciles, for its own readiness.
 *
 * @param period the pause after each probe before the next: probes never overlap, so one that
 *     takes its whole request timeout is followed by the same pause
 * @param failures how many probes in a row must fail before Prometheus counts as unavailable
 */
public record PrometheusProbe(Duration period, int failures) {
  /** The shortest period: a Prometheus that refuses at once is asked once a second at most. */
  public static final Duration SHORTEST_PERIOD = Duration.ofSeconds(1);

  /** Every 5 s; unavailable after 3 failures in a row (made after the bound it is checked by). */
  public static final PrometheusProbe DEFAULTS = new PrometheusProbe(Duration.ofSeconds(5),
      LoopHealth.Bounds.DEFAULT_PROMETHEUS_FAILURES);

  /** @throws IllegalArgumentException for a period under 1 s, or failures under 1 */
  public PrometheusProbe {
    requireNonNull(period, "period == null");
    if (period.compareTo(SHORTEST_PERIOD) < 0) {
      throw new IllegalArgumentException("period must be at least 1s, found \"" + period + "\"");
    }
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1, found " + failures);
    }
  }
}
