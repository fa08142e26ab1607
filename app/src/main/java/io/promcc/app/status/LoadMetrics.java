package io.promcc.app.status;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ScrapeDiscovery;
import io.promcc.core.reconcile.VerifiedReload;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.EnumMap;
import java.util.Map;

/**
 * The part of {@link ControllerMetrics} that tells of Prometheus' loads: promcc's reloads by
 * result, its reloads of the last verified config alone, rollbacks, the last successful reload,
 * and the scrape discoveries Prometheus could not start. Recorded under {@link
 * ControllerMetrics}' lock; read by Prometheus' scrapes at any time.
 */
final class LoadMetrics {
  private final Map<ReloadResult, CounterDataPoint> reloads = new EnumMap<>(ReloadResult.class);
  private final Map<ReloadResult, CounterDataPoint> verifiedReloads =
      new EnumMap<>(ReloadResult.class);
  private final Counter rollbacks;
  private final Gauge lastSuccessfulReload;
  // null until read, and while no count is known for the load Prometheus reports: no series
  // rather than a guess; a count read after the same load stands while later reads fail
  private volatile Integer failedDiscoveries;
  // null until checked; then whether the last check could not read the count
  private volatile Boolean discoveryUnknown;

  /** Registers the metrics into {@code registry}. */
  LoadMetrics(PrometheusRegistry registry) {
    Counter reloadTotal = Counter.builder().name("promcc_reloads_total")
        .help("Reloads of Prometheus, by result: success (loaded and verified), rejected "
            + "(Prometheus refused the config or did not come back), unavailable "
            + "(Prometheus did not answer).")
        .labelNames("result").register(registry);
    for (ReloadResult result : ReloadResult.values()) {
      reloads.put(result, reloadTotal.labelValues(result.label()));
    }

    Counter verifiedReloadTotal = Counter.builder().name("promcc_verified_reloads_total")
        .help("Reloads of the last verified config alone that promcc made, by result as in "
            + "promcc_reloads_total: a rollback's, and those while a config waits because "
            + "Prometheus refuses the verified config too (a broken rule file).")
        .labelNames("result").register(registry);
    for (ReloadResult result : ReloadResult.values()) {
      verifiedReloads.put(result, verifiedReloadTotal.labelValues(result.label()));
    }

    rollbacks = Counter.builder().name("promcc_rollbacks_total")
        .help("Rejected configs replaced by the last verified one and reloaded.")
        .register(registry);
    lastSuccessfulReload = Gauge.builder()
        .name("promcc_last_successful_reload_timestamp_seconds").unit(Unit.SECONDS)
        .help("When this process last reloaded Prometheus successfully (Unix time); 0 before "
            + "the first. A controller that finds Prometheus in sync never reloads.")
        .register(registry);

    GaugeWithCallback.builder().name("promcc_prometheus_sd_failed_configs")
        .help("Service discovery configurations of the scrape configs that Prometheus could "
            + "not start at its last load (its prometheus_sd_failed_configs{name=\"scrape\"}), "
            + "as read after the last reconcile that found it running the desired config: "
            + "each *_sd_configs entry counts (one job may have several); their jobs discover "
            + "no targets through them, though the config loaded; its log names the jobs. "
            + "A count read after a load stands while later reads fail and Prometheus reports "
            + "that load (promcc_prometheus_sd_failed_configs_unknown 1); no series until one "
            + "is read for the load, nor while none can be (a Prometheus older than 2.13).")
        .callback(callback -> {
          Integer failed = failedDiscoveries;
          if (failed != null) {
            callback.call(failed);
          }
        })
        .register(registry);
    GaugeWithCallback.builder().name("promcc_prometheus_sd_failed_configs_unknown")
        .help("1 if the last reconcile that found Prometheus running the desired config could "
            + "not read its prometheus_sd_failed_configs{name=\"scrape\"} (a failed read, or "
            + "no gauge: the log says why), else 0; promcc_prometheus_sd_failed_configs is "
            + "then the count read after the same load, if any. No series until checked.")
        .callback(callback -> {
          Boolean unknown = discoveryUnknown;
          if (unknown != null) {
            callback.call(unknown ? 1 : 0);
          }
        })
        .register(registry);
  }

  /**
   * Records one reconcile's reload if any, its reloads of the verified config, a rollback, and
   * what was read of Prometheus' scrape discovery.
   *
   * @param now when the reconcile returned (Unix time, seconds)
   */
  void reconciled(ReconcileResult result, double now) {
    ReloadResult.of(result).ifPresent(reload -> {
      reloads.get(reload).inc();
      if (reload == ReloadResult.SUCCESS) {
        lastSuccessfulReload.set(now);
      }
    });
    for (VerifiedReload reload : result.verifiedReloads()) {
      verifiedReloads.get(ReloadResult.of(reload)).inc();
    }
    if (result.rolledBack()) {
      rollbacks.inc();
    }
    ScrapeDiscovery discovery = result.scrapeDiscovery();
    if (discovery.state() != ScrapeDiscovery.State.NOT_CHECKED) {
      // checked: the count known for the load Prometheus reports (one read after it stands
      // while a read fails); not checked, Prometheus still runs what was read last
      failedDiscoveries = discovery.count().isPresent() ? discovery.count().getAsInt() : null;
      discoveryUnknown = discovery.state() == ScrapeDiscovery.State.UNKNOWN;
    }
  }
}
