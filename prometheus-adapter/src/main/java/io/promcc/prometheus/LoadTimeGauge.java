package io.promcc.prometheus;

import io.promcc.core.model.Quoting;
import io.promcc.core.port.PrometheusApiException;
import java.time.Instant;
import java.util.Optional;

/**
 * Prometheus' gauge {@code prometheus_config_last_reload_success_timestamp_seconds} in its text
 * exposition format: when it last loaded a config successfully. Both 2.53.3 and 3.5.3 set it
 * with {@code SetToCurrentTime()} (cmd/prometheus/main.go, reloadConfig), a float of seconds
 * with the fraction (e.g. {@code 1.7966392598387294e+09}), where runtime info's {@code
 * lastConfigTime} cuts the same value to whole seconds (web/web.go, runtimeInfo). Reads one line;
 * keeps no state.
 */
final class LoadTimeGauge {
  static final String NAME = "prometheus_config_last_reload_success_timestamp_seconds";

  private LoadTimeGauge() {}

  /** Whether {@code line} is the gauge's sample (it has no labels). */
  static boolean isSample(String line) {
    return line.startsWith(NAME + " ") || line.startsWith(NAME + "\t");
  }

  /**
   * The time {@code line} gives ({@link #isSample}), or empty for an empty line (the answer has
   * no such sample).
   *
   * @throws PrometheusApiException if the value is no time
   */
  static Optional<Instant> instant(String endpoint, String line) {
    if (line.isEmpty()) {
      return Optional.empty();
    }
    String[] valueAndTime = line.substring(NAME.length()).strip().split("[ \t]+");
    double seconds;
    try {
      seconds = Double.parseDouble(valueAndTime[0]);
    } catch (NumberFormatException e) {
      seconds = Double.NaN;
    }
    if (!(seconds >= 0 && seconds < Instant.MAX.getEpochSecond())) {
      throw new PrometheusApiException(endpoint, 200, "the answer to " + endpoint + " has a "
          + "sample of " + NAME + " that is no time: "
          + Quoting.quote(PrometheusHttp.excerpt(line)));
    }
    long whole = (long) Math.floor(seconds);
    long nanos = Math.round((seconds - whole) * 1e9);
    return Optional.of(Instant.ofEpochSecond(whole, Math.min(nanos, 999_999_999L)));
  }
}
