package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long each call to Prometheus but the reload may take, its connect and TLS handshake
 * included: {@link #DEFAULT}, 10 s, in promcc (the adapter's defaults, as Go's client); longer
 * only where a test runs promcc as a process of its own on a busy machine, whose cold JVM may
 * spend more than that on its first TLS handshake. Not an option: a warm promcc gets its answer
 * from a healthy Prometheus in milliseconds.
 *
 * @param value the bound, positive
 */
public record PrometheusCallBound(Duration value) {
  /** Prometheus' calls bounded as the adapter's defaults bound them. */
  public static final PrometheusCallBound DEFAULT = new PrometheusCallBound(Duration.ofSeconds(10));

  /** @throws IllegalArgumentException if {@code value} is not positive */
  public PrometheusCallBound {
    requireNonNull(value, "value == null");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("value must be positive, found \"" + value + "\"");
    }
  }
}
