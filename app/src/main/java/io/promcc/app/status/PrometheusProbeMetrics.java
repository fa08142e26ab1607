package io.promcc.app.status;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The metrics of the probe of Prometheus between reconciles: {@code
 * promcc_prometheus_probes_total} counts the probes by result ({@code answered}, {@code
 * failed}); {@code promcc_prometheus_probe_failures_in_a_row} and {@code
 * promcc_prometheus_unavailable} are read from {@link LoopHealth} at each scrape, so they are
 * what readiness decides from (a successful reconcile that found Prometheus running the desired
 * config ends the failures as an answer does).
 *
 * <p>Thread-safe.
 */
public final class PrometheusProbeMetrics {
  private final CounterDataPoint answered;
  private final CounterDataPoint failed;

  /** Registers the metrics (the counts at 0) on {@code registry}; make one per registry. */
  public PrometheusProbeMetrics(PrometheusRegistry registry, LoopHealth health) {
    requireNonNull(registry, "registry == null");
    requireNonNull(health, "health == null");
    Counter probes = Counter.builder().name("promcc_prometheus_probes_total")
        .help("Asks whether Prometheus is ready made between reconciles, by result: answered "
            + "(ready), failed (refused, timed out, not ready, credentials refused).")
        .labelNames("result").register(registry);
    answered = probes.labelValues("answered");
    failed = probes.labelValues("failed");
    GaugeWithCallback.builder().name("promcc_prometheus_probe_failures_in_a_row")
        .help("Probes of Prometheus in a row that failed since its last answer (or a successful "
            + "reconcile that found it running the desired config), as /readyz counts them.")
        .callback(callback -> callback.call(health.prometheusFailuresInARow()))
        .register(registry);
    GaugeWithCallback.builder().name("promcc_prometheus_unavailable")
        .help("1 while --prometheus-probe-failures probes in a row failed (/readyz answers 503 "
            + "prometheus-unavailable once a reconcile has succeeded), else 0.")
        .callback(callback -> callback.call(health.prometheusUnavailable() ? 1 : 0))
        .register(registry);
  }

  /** Counts one probe that got an answer ({@code true}) or none. */
  public void probed(boolean gotAnswer) {
    (gotAnswer ? answered : failed).inc();
  }
}
