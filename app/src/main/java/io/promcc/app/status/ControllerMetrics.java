package io.promcc.app.status;

import static java.util.Objects.requireNonNull;

import io.promcc.app.events.EventFailureCount;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.Phase;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.prometheus.TargetHealth;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * The controller's metrics, derived from each reconcile's {@link ReconcileResult}, on a registry
 * of their own (with the JVM's metrics), which {@link StatusServer} exposes. docs/metrics.md
 * describes every metric with an example alert.
 *
 * <p>Every label value that can occur is known up front except rejection reasons, source names
 * and cluster IDs, so the series of outcomes, phases, states and reload results exist (at 0) from
 * the start and {@code rate()} and {@code increase()} see their first change.
 *
 * <p>The cluster view ({@code promcc_guest_clusters}, {@code promcc_rejections},
 * {@code promcc_certificate_not_after_seconds}) is taken only from results that carry one
 * ({@link ReconcileResult#completeView()}): a reconcile that ended
 * {@link Outcome#SOURCE_NOT_READY}, or {@link Outcome#FAILED} before its delivery (a failed
 * observation or plan, a write that failed), did not see all clusters (its lists are empty or
 * partial), so these metrics keep the last complete view rather than report that every cluster
 * went away. A failed delivery that planned every cluster (the store refused to record a load)
 * carries one.
 *
 * <p>Thread-safe. {@link #reconciled} allocates nothing per cluster: counts are sizes, the
 * rejection reasons are counted into a reused map, and certificate ends are read from the
 * result's own immutable map when Prometheus scrapes.
 */
public final class ControllerMetrics {
  /**
   * Upper bounds of {@code promcc_reconcile_duration_seconds}: 1 ms (a plan of a few clusters)
   * to 30 min (the reload of a very large Prometheus; 1,000 clusters take 10 to 20 s).
   */
  static final double[] DURATION_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
      0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800};

  /** The label values of {@code promcc_guest_clusters}. */
  static final String ACTIVE = "active";
  static final String DEGRADED = "degraded";
  static final String WAITING = "waiting";
  static final String REJECTED = "rejected";

  private final PrometheusRegistry registry = new PrometheusRegistry();

  private final Map<Outcome, CounterDataPoint> reconciles = new EnumMap<>(Outcome.class);
  private final Map<Phase, DistributionDataPoint> durations = new EnumMap<>(Phase.class);
  private final LoadMetrics loads;
  private final GaugeDataPoint active;
  private final GaugeDataPoint degraded;
  private final GaugeDataPoint waiting;
  private final GaugeDataPoint rejected;
  private final Gauge rejections;
  private final Counter filesWritten;
  private final Counter filesDeleted;
  private final Gauge configInSync;
  private final Gauge lastReconcile;
  private final Gauge lastSuccessfulReconcile;
  private final Counter sourceErrors;
  private final Map<EventFailureCount.Kind, CounterDataPoint> eventsFailed =
      new EnumMap<>(EventFailureCount.Kind.class);

  // guarded by this: one series per rejection reason ever seen, and the count of each reason in
  // the reconcile being recorded (reused, so recording allocates only for a new reason)
  private final Map<String, GaugeDataPoint> reasonSeries = new HashMap<>();
  private final Map<String, int[]> reasonCounts = new HashMap<>();

  private volatile SortedMap<ClusterId, Instant> certificateNotAfter = Collections.emptySortedMap();
  private volatile List<ClusterId> clustersWithJobs = List.of();
  // null until Prometheus' targets were read once: no series rather than made-up zeros
  private volatile SortedMap<String, TargetHealth> targets;

  /**
   * Creates the metrics on a new registry, with the JVM's metrics and
   * {@code promcc_build_info{version}}.
   *
   * @param version the controller's version, as {@code promcc version} prints it
   */
  public ControllerMetrics(String version) {
    requireNonNull(version, "version == null");
    JvmMetrics.builder().register(registry);

    Info build = Info.builder().name("promcc_build_info")
        .help("The controller's version; always 1.").labelNames("version").register(registry);
    build.setLabelValues(version);

    Counter reconcileTotal = Counter.builder().name("promcc_reconcile_total")
        .help("Reconciles, by outcome: unchanged, written, reloaded (the successes), rejected, "
            + "source-not-ready, prometheus-unavailable, failed.")
        .labelNames("outcome").register(registry);
    for (Outcome outcome : Outcome.values()) {
      reconciles.put(outcome, reconcileTotal.labelValues(outcome.label()));
    }

    Histogram duration = Histogram.builder().name("promcc_reconcile_duration_seconds")
        .unit(Unit.SECONDS)
        .help("Time spent in each phase of a reconcile: observe, plan, diff (desired files "
            + "against those on disk), validate, write, reload (asking Prometheus to reload and "
            + "waiting for it), verify.")
        .labelNames("phase").classicOnly().classicUpperBounds(DURATION_BUCKETS)
        .withoutExemplars().register(registry);
    for (Phase phase : Phase.values()) {
      durations.put(phase, duration.labelValues(phase.label()));
    }

    loads = new LoadMetrics(registry);

    Gauge clusters = Gauge.builder().name("promcc_guest_clusters")
        .help("Guest clusters seen by the last complete reconcile, by state: active (jobs and a "
            + "current certificate), degraded (jobs, but the certificate source fails for it: "
            + "it keeps its last certificate; or its Service cannot be read: it keeps its jobs "
            + "and certificate files as on disk), waiting (no certificate yet, no jobs), rejected "
            + "(left out for a problem of its own; also Services that describe no valid "
            + "cluster).")
        .labelNames("state").register(registry);
    active = clusters.labelValues(ACTIVE);
    degraded = clusters.labelValues(DEGRADED);
    waiting = clusters.labelValues(WAITING);
    rejected = clusters.labelValues(REJECTED);

    rejections = Gauge.builder().name("promcc_rejections")
        .help("Clusters and objects currently rejected, waiting or degraded, by reason; a "
            + "reason that went away stays at 0.")
        .labelNames("reason").register(registry);



    filesWritten = Counter.builder().name("promcc_files_written_total")
        .help("Files written (config and certificates), those a rollback puts back "
            + "included; stays flat while nothing changes.")
        .register(registry);
    filesDeleted = Counter.builder().name("promcc_files_deleted_total")
        .help("Owned files deleted (those of clusters that are gone, and a rejected "
            + "config's files that a rollback removes).")
        .register(registry);

    configInSync = Gauge.builder().name("promcc_config_in_sync")
        .help("1 if the last reconcile found Prometheus running the desired config (without a "
            + "Prometheus URL: the desired files are on disk), else 0; 0 until the first "
            + "reconcile.")
        .register(registry);
    lastReconcile = Gauge.builder().name("promcc_last_reconcile_timestamp_seconds")
        .unit(Unit.SECONDS)
        .help("When the last reconcile finished, whatever its outcome (Unix time); 0 before "
            + "the first.")
        .register(registry);
    lastSuccessfulReconcile = Gauge.builder()
        .name("promcc_last_successful_reconcile_timestamp_seconds").unit(Unit.SECONDS)
        .help("When the last successful reconcile (unchanged, written or reloaded) finished "
            + "(Unix time); 0 before the first.")
        .register(registry);

    GaugeWithCallback.builder().name("promcc_certificate_not_after_seconds").unit(Unit.SECONDS)
        .help("End of validity of the client certificate of each guest cluster with jobs, "
            + "active or degraded (Unix time), where promcc_guest_clusters counts the degraded "
            + "apart from the active; the series of a cluster that is gone is removed.")
        .labelNames("cluster")
        .callback(callback -> certificateNotAfter.forEach(
            (cluster, notAfter) -> callback.call(seconds(notAfter), cluster.value())))
        .register(registry);

    GaugeWithCallback.builder().name("promcc_guest_cluster_targets")
        .help("Prometheus' own active targets of each guest cluster with jobs, by health (up, "
            + "down, unknown: not scraped yet), read from its targets API. A cluster whose "
            + "discovery fails (e.g. its API server refuses the client certificate) has no up "
            + "target.")
        .labelNames("cluster", "health")
        .callback(callback -> {
          SortedMap<String, TargetHealth> seen = targets;
          if (seen == null) {
            return;
          }
          for (ClusterId cluster : clustersWithJobs) {
            TargetHealth health = seen.getOrDefault(cluster.value(), TargetHealth.NONE);
            callback.call(health.up(), cluster.value(), "up");
            callback.call(health.down(), cluster.value(), "down");
            callback.call(health.unknown(), cluster.value(), "unknown");
          }
        })
        .register(registry);


    sourceErrors = Counter.builder().name("promcc_source_errors_total")
        .help("Failures a source absorbed while keeping its last good content (e.g. a clusters "
            + "file edit that does not parse), by source.")
        .labelNames("source").register(registry);

    Counter eventsFailedTotal = Counter.builder().name("promcc_events_failed_total")
        .help("Attempts at a Kubernetes Event on a Service that the API server did not take, "
            + "by kind: refused (for good: 403, e.g. RBAC without create events, 404, 400, "
            + "422; tried again after minutes), failed (for now: 5xx, 429, 408, 401, no "
            + "answer; tried again after a backoff).")
        .labelNames("kind").register(registry);
    for (EventFailureCount.Kind kind : EventFailureCount.Kind.values()) {
      eventsFailed.put(kind, eventsFailedTotal.labelValues(kind.label()));
    }
  }

  /** The registry holding these metrics and the JVM's; expose it, don't register into it. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Records one reconcile: its outcome and phase durations, the reload it made if any (see
   * {@link ReloadResult#of}), its reloads of the last verified config alone, a rollback, the
   * files written and deleted, whether the config is in sync, the timestamps, what Prometheus
   * said of its scrape discovery if it was read, and (if the result carries a complete cluster
   * view) the clusters by state, the rejection reasons and the certificates' ends.
   *
   * @param finishedAt when the reconcile returned, by the controller's clock
   */
  public synchronized void reconciled(ReconcileResult result, Instant finishedAt) {
    requireNonNull(result, "result == null");
    requireNonNull(finishedAt, "finishedAt == null");
    double now = seconds(finishedAt);
    reconciles.get(result.outcome()).inc();
    for (Map.Entry<Phase, Duration> phase : result.durations().entrySet()) {
      durations.get(phase.getKey()).observe(seconds(phase.getValue()));
    }
    loads.reconciled(result, now);
    filesWritten.inc(result.written().size());
    filesDeleted.inc(result.deleted().size());
    configInSync.set(result.configInSync() ? 1 : 0);
    lastReconcile.set(now);
    if (result.success()) {
      lastSuccessfulReconcile.set(now);
    }
    if (carriesClusterView(result)) {
      recordClusters(result);
    }
  }

  /**
   * Counts a failure that a source absorbed (it keeps its last good content).
   *
   * @param source short name, the label value, e.g. {@code clusters-file}
   */
  public void sourceError(String source) {
    requireNonNull(source, "source == null");
    sourceErrors.labelValues(source).inc();
  }

  /**
   * Makes {@code promcc_source_errors_total{source}} exist at 0 before the first error, so that
   * {@code increase()} sees the first one. Idempotent.
   */
  public void declareSource(String source) {
    requireNonNull(source, "source == null");
    sourceErrors.initLabelValues(source);
  }

  /** Counts one attempt at a Kubernetes Event that the API server did not take. */
  public void eventFailed(EventFailureCount.Kind kind) {
    requireNonNull(kind, "kind == null");
    eventsFailed.get(kind).inc();
  }

  /**
   * Records Prometheus' active targets per guest cluster (by the cluster ID label), as last read
   * from its targets API; reported for the clusters with jobs in the last complete view.
   */
  public void targetsRead(SortedMap<String, TargetHealth> byCluster) {
    targets = requireNonNull(byCluster, "byCluster == null");
  }

  /**
   * Exposes {@code promcc_local_ca_not_after_seconds}, read from {@code notAfter} at each scrape
   * (no series while it is empty): the local CA is not renewed, so its end must be seen before
   * it comes. Call once, with the local CA as the certificate source.
   */
  public void localCaNotAfter(Supplier<Optional<Instant>> notAfter) {
    requireNonNull(notAfter, "notAfter == null");
    GaugeWithCallback.builder().name("promcc_local_ca_not_after_seconds").unit(Unit.SECONDS)
        .help("End of validity of the local CA's certificate (Unix time), with --certificates "
            + "local-ca. It is not renewed: replace it before it ends (docs/operations.md).")
        .callback(callback -> notAfter.get().ifPresent(end -> callback.call(seconds(end))))
        .register(registry);
  }

  /**
   * False for results that stopped before the clusters were all seen and planned; true for a
   * failed one that got that far (the store refused to record a load).
   */
  static boolean carriesClusterView(ReconcileResult result) {
    return result.completeView();
  }

  private void recordClusters(ReconcileResult result) {
    int degradedCount = result.degraded().size();
    active.set(result.active().size() - degradedCount);
    degraded.set(degradedCount);
    waiting.set(result.waiting().size());
    rejected.set(result.rejected().size());

    for (int[] count : reasonCounts.values()) {
      count[0] = 0;
    }
    count(result.waiting());
    count(result.rejected());
    count(result.degraded().values());
    for (Map.Entry<String, int[]> reason : reasonCounts.entrySet()) {
      reasonSeries.computeIfAbsent(reason.getKey(), rejections::labelValues)
          .set(reason.getValue()[0]);
    }
    certificateNotAfter = result.certificateNotAfter();
    clustersWithJobs = result.active();
  }

  private void count(Collection<Rejection> rejectionList) {
    for (Rejection rejection : rejectionList) {
      reasonCounts.computeIfAbsent(rejection.reason(), reason -> new int[1])[0]++;
    }
  }

  private static double seconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1e9;
  }

  private static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNano() / 1e9;
  }
}
