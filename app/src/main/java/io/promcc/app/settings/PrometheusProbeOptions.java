package io.promcc.app.settings;

import io.promcc.core.plan.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The options of the probe of Prometheus between reconciles, which readiness follows: how long
 * to pause between probes ({@code off}: none is made) and how many failures in a row make
 * Prometheus unavailable. Read only with {@code --prometheus-url} ({@link UnreadOptions}).
 */
final class PrometheusProbeOptions {
  private PrometheusProbeOptions() {}

  static final String PERIOD = "prometheus-probe-period";
  static final String FAILURES = "prometheus-probe-failures";
  static final String OFF = "off";

  static final List<Setting> TABLE = List.of(
      Setting.of(PERIOD, "DURATION", "With --prometheus-url: the pause between two asks whether "
          + "Prometheus is ready (GET /-/ready), which /readyz follows between reconciles; at "
          + "least 1s, or off to ask nothing.", "10s", "5s"),
      Setting.of(FAILURES, "N", "With --prometheus-url: how many asks in a row must fail before "
          + "/readyz answers 503 prometheus-unavailable; at least 1.", "6",
          Integer.toString(PrometheusProbe.DEFAULTS.failures())));

  /**
   * The probe, or empty with the period {@code off}, without a Prometheus URL or after adding a
   * problem.
   */
  static Optional<PrometheusProbe> from(SettingsReader r, boolean prometheusUrl) {
    Optional<Optional<Duration>> period = r.optional(PERIOD, PrometheusProbeOptions::period);
    Optional<Integer> failures = r.optional(FAILURES, PrometheusProbeOptions::failures);
    boolean off = period.isPresent() && period.get().isEmpty();
    if (off && r.given(FAILURES)) {
      r.bad(FAILURES, "is not read with --" + PERIOD + " off (nothing is asked)");
      return Optional.empty();
    }
    if (!prometheusUrl || off || period.isEmpty() || failures.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PrometheusProbe(period.get().get(), failures.get()));
  }

  /** A duration of at least 1s, or empty for {@code off}. */
  static Optional<Duration> period(String text) {
    if (text.toLowerCase(Locale.ROOT).equals(OFF)) {
      return Optional.empty();
    }
    Duration period = Durations.parse(text).orElseThrow(() -> new IllegalArgumentException(
        "must be a duration such as 5s, 30s or 1m, or off to ask nothing"));
    if (period.compareTo(PrometheusProbe.SHORTEST_PERIOD) < 0) {
      throw new IllegalArgumentException("must be at least 1s (or off to ask nothing)");
    }
    return Optional.of(period);
  }

  /** A whole number of at least 1. */
  static int failures(String text) {
    int failures;
    try {
      failures = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a whole number of at least 1");
    }
    if (failures < 1) {
      throw new IllegalArgumentException("must be a whole number of at least 1");
    }
    return failures;
  }
}
