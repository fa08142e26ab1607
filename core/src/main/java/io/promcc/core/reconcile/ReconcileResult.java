package io.promcc.core.reconcile;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.StringJoiner;

/**
 * What one {@link Reconciler#reconcile()} did and saw; the controller's metrics, logs and health
 * are read from it.
 *
 * @param outcome what happened, see {@link Outcome}
 * @param message why, in one line for humans (Prometheus' or the source's own words); empty when
 *     there is nothing to say
 * @param stateHash hash of the desired state, if one was planned
 * @param configHash hash of the desired configuration files alone, if one was planned
 * @param written paths written, in write order; the paths a restore of the last verified files
 *     rewrote or put back (a rollback's) follow, in path order
 * @param deleted owned paths deleted, in order; then those a restore of the last verified files
 *     removed (a rejected config's files the verified set lacks), in path order
 * @param active clusters whose jobs are in the desired config, sorted
 * @param degraded active clusters that keep their last certificate files because their
 *     certificate source failed for them, with the source's problem ({@code expired} once past
 *     their end), and those that keep their jobs and certificate files as they are on disk
 *     because the cluster source cannot read them ({@code cluster-unreadable})
 * @param waiting clusters without any certificate yet, with the source's reason; they get jobs
 *     once they have one
 * @param rejected clusters and objects left out for a problem of their own (invalid ID, duplicate,
 *     bad API server, a file of theirs held by someone else), with reasons
 * @param certificateNotAfter the end of validity of each active cluster's certificate
 * @param configInSync true if Prometheus is known to run the desired configuration (without a
 *     Prometheus to ask: the desired files are on disk)
 * @param rolledBack true if a rejected config was replaced by the last verified one
 * @param desiredReloadAsked true if this reconcile asked Prometheus to load the desired config
 *     (answered or not, or a request that could not be sent); a reload of the last verified
 *     config alone, finishing a rollback under the pin, is not one
 * @param runAgainAt when the next reconcile is due although nothing else changes (a certificate's
 *     renewal or a retry)
 * @param durations time spent in each phase that ran
 * @param completeView true if {@code active}, {@code degraded}, {@code waiting}, {@code rejected}
 *     and {@code certificateNotAfter} are the whole view of this reconcile: it observed every
 *     cluster and planned a desired state from them, whatever its delivery did, a
 *     {@link Outcome#FAILED} delivery included (the store refused to record a load); false when it
 *     stopped before (the source not ready, a failed observation or plan, a failure of the
 *     delivery that ended it without a result): its lists are then empty or partial, and a
 *     reader keeps the last complete view rather than read every cluster as gone
 * @param verifiedReloads the reloads of the last verified config alone that this reconcile
 *     made, in order, each with how it ended (see {@link VerifiedReload}): a rollback's, and
 *     those while a config waits for a cause outside promcc's files; a reload of the desired
 *     config is not one ({@code desiredReloadAsked})
 * @param scrapeDiscovery whether Prometheus started the service discovery of the scrape configs
 *     it runs, read when {@code configInSync} with a Prometheus to ask, else {@link
 *     ScrapeDiscovery#NOT_CHECKED}: a discovery it could not start leaves the config loaded and
 *     in sync, and the outcome a success, and is named here only
 * @param desiredRefused true if a check of the desired state refused it before anything was
 *     written ({@link Outcome#FAILED}): the planner's of the planned config, or the validator's
 *     (such as {@code promtool check config}); an edit of the base config or profile may fix it,
 *     where a retry of the same inputs would be refused again
 */
public record ReconcileResult(
    Outcome outcome,
    String message,
    Optional<String> stateHash,
    Optional<String> configHash,
    List<String> written,
    List<String> deleted,
    List<ClusterId> active,
    SortedMap<ClusterId, Rejection> degraded,
    List<Rejection> waiting,
    List<Rejection> rejected,
    SortedMap<ClusterId, Instant> certificateNotAfter,
    boolean configInSync,
    boolean rolledBack,
    boolean desiredReloadAsked,
    Optional<Instant> runAgainAt,
    Map<Phase, Duration> durations,
    boolean completeView,
    List<VerifiedReload> verifiedReloads,
    ScrapeDiscovery scrapeDiscovery,
    boolean desiredRefused) {

  /** What a reconcile ended with. */
  public enum Outcome {
    /** Files and Prometheus already matched the desired state; nothing was written or reloaded. */
    UNCHANGED(true),
    /** Files were written without a reload (certificates only, or no Prometheus to reload). */
    WRITTEN(true),
    /** The config was written, Prometheus reloaded, and the load verified. */
    RELOADED(true),
    /**
     * Prometheus rejected the config (or did not come back after it); the last verified files
     * were restored if there were any ({@link #rolledBack()}), and the same config is not tried
     * again until the desired config changes (one refused with the last verified config too, a
     * cause outside promcc's files, until Prometheus loads that one again). Certificate
     * renewals still land.
     */
    REJECTED(false),
    /** The cluster source is not synced or failing: nothing was changed. */
    SOURCE_NOT_READY(false),
    /** Prometheus could not be reached or did not answer in time; retry later. */
    PROMETHEUS_UNAVAILABLE(false),
    /**
     * The desired state is invalid (base config, profile) or the files could not be written,
     * the store's record included: a load of the desired config whose record failed is this,
     * with {@link ReconcileResult#configInSync()} (and, if this reconcile reloaded it,
     * {@link ReconcileResult#desiredReloadAsked()}). {@link ReconcileResult#desiredRefused()}
     * tells an invalid desired state apart.
     */
    FAILED(false);

    private final boolean success;

    Outcome(boolean success) {
      this.success = success;
    }

    /** True for {@link #UNCHANGED}, {@link #WRITTEN} and {@link #RELOADED}. */
    public boolean success() {
      return success;
    }

    /** Lower-case label for metrics and logs, e.g. {@code source-not-ready}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * Copies the collections, sorting {@code active}, {@code waiting} and {@code rejected}.
   *
   * @throws NullPointerException if a part is null
   */
  public ReconcileResult {
    requireNonNull(outcome, "outcome == null");
    requireNonNull(message, "message == null");
    requireNonNull(stateHash, "stateHash == null");
    requireNonNull(configHash, "configHash == null");
    written = List.copyOf(written);
    deleted = List.copyOf(deleted);
    active = ImmutableList.sortedCopyOf(active);
    degraded = ImmutableSortedMap.copyOfSorted(degraded);
    waiting = ImmutableList.sortedCopyOf(waiting);
    rejected = ImmutableList.sortedCopyOf(rejected);
    certificateNotAfter = ImmutableSortedMap.copyOfSorted(certificateNotAfter);
    requireNonNull(runAgainAt, "runAgainAt == null");
    Map<Phase, Duration> copy = new EnumMap<>(Phase.class);
    copy.putAll(durations);
    durations = Collections.unmodifiableMap(copy);
    verifiedReloads = List.copyOf(verifiedReloads);
    requireNonNull(scrapeDiscovery, "scrapeDiscovery == null");
    if (desiredRefused && outcome != Outcome.FAILED) {
      throw new IllegalArgumentException("a refused desired state ends " + Outcome.FAILED.label()
          + ", not " + outcome.label());
    }
  }

  /** A result whose desired state no check refused (the constructor before it was told). */
  public ReconcileResult(Outcome outcome, String message, Optional<String> stateHash,
      Optional<String> configHash, List<String> written, List<String> deleted,
      List<ClusterId> active, SortedMap<ClusterId, Rejection> degraded, List<Rejection> waiting,
      List<Rejection> rejected, SortedMap<ClusterId, Instant> certificateNotAfter,
      boolean configInSync, boolean rolledBack, boolean desiredReloadAsked,
      Optional<Instant> runAgainAt, Map<Phase, Duration> durations, boolean completeView,
      List<VerifiedReload> verifiedReloads, ScrapeDiscovery scrapeDiscovery) {
    this(outcome, message, stateHash, configHash, written, deleted, active, degraded, waiting,
        rejected, certificateNotAfter, configInSync, rolledBack, desiredReloadAsked, runAgainAt,
        durations, completeView, verifiedReloads, scrapeDiscovery, false);
  }

  /**
   * A result without {@link #verifiedReloads()} (none) whose scrape discovery was not checked:
   * the constructor of the results before they were added.
   */
  public ReconcileResult(Outcome outcome, String message, Optional<String> stateHash,
      Optional<String> configHash, List<String> written, List<String> deleted,
      List<ClusterId> active, SortedMap<ClusterId, Rejection> degraded, List<Rejection> waiting,
      List<Rejection> rejected, SortedMap<ClusterId, Instant> certificateNotAfter,
      boolean configInSync, boolean rolledBack, boolean desiredReloadAsked,
      Optional<Instant> runAgainAt, Map<Phase, Duration> durations, boolean completeView) {
    this(outcome, message, stateHash, configHash, written, deleted, active, degraded, waiting,
        rejected, certificateNotAfter, configInSync, rolledBack, desiredReloadAsked, runAgainAt,
        durations, completeView, List.of(), ScrapeDiscovery.NOT_CHECKED);
  }

  /**
   * A result without {@link #completeView()}, which is taken from the outcome: false for
   * {@link Outcome#SOURCE_NOT_READY} and {@link Outcome#FAILED}, true for any other (the
   * constructor of the results before {@code completeView} was added); its scrape discovery
   * not checked.
   */
  public ReconcileResult(Outcome outcome, String message, Optional<String> stateHash,
      Optional<String> configHash, List<String> written, List<String> deleted,
      List<ClusterId> active, SortedMap<ClusterId, Rejection> degraded, List<Rejection> waiting,
      List<Rejection> rejected, SortedMap<ClusterId, Instant> certificateNotAfter,
      boolean configInSync, boolean rolledBack, boolean desiredReloadAsked,
      Optional<Instant> runAgainAt, Map<Phase, Duration> durations) {
    this(outcome, message, stateHash, configHash, written, deleted, active, degraded, waiting,
        rejected, certificateNotAfter, configInSync, rolledBack, desiredReloadAsked, runAgainAt,
        durations, outcome != null && outcome != Outcome.SOURCE_NOT_READY
            && outcome != Outcome.FAILED);
  }

  /** True if the outcome is a success. */
  public boolean success() {
    return outcome.success();
  }

  /** Total time of the phases that ran. */
  public Duration duration() {
    return durations.values().stream().reduce(Duration.ZERO, Duration::plus);
  }

  /**
   * The log line: the outcome, the files written and deleted, the clusters by state (only with
   * {@link #completeView()}: else its lists are empty or partial, while the gauges keep the last
   * whole view), the time of each phase.
   */
  @Override
  public String toString() {
    return outcome.label() + (message.isEmpty() ? "" : " (" + message + ")") + ": "
        + written.size() + " written, " + deleted.size() + " deleted, "
        + (completeView ? clusterCounts() : "clusters not counted (no whole view of them)")
        + ", in " + duration().toMillis() + " ms" + phases()
        + (scrapeDiscovery.summary().isEmpty() ? "" : "; " + scrapeDiscovery.summary());
  }

  private String clusterCounts() {
    // a degraded cluster has jobs, but counts as degraded only, as promcc_guest_clusters
    return (active.size() - degraded.size()) + " active, " + degraded.size() + " degraded, "
        + waiting.size() + " waiting, " + rejected.size() + " rejected";
  }

  /** Each phase that ran with its milliseconds, in order: where a slow reconcile's time went. */
  private String phases() {
    if (durations.isEmpty()) {
      return "";
    }
    StringJoiner out = new StringJoiner(", ", " (", ")");
    durations.forEach((phase, took) -> out.add(phase.label() + " " + took.toMillis()));
    return out.toString();
  }
}
