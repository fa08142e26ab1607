package io.promcc.app.status;

import static java.util.Objects.requireNonNull;

import io.promcc.core.reconcile.ReconcileResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The health rules of the reconcile loop, decided from what the loop reports and an injected
 * clock. The loop calls the event methods; {@link StatusServer} asks {@link #liveness()} and
 * {@link #readiness()}.
 *
 * <p><b>Liveness</b> fails when
 * <ul>
 *   <li>the loop ended while not {@linkplain #stopping() stopping} ({@link #loopEnded}),
 *   <li>a reconcile has been running for longer than {@link Bounds#reconcileTimeout()}, or
 *   <li>outside a reconcile, no {@link #heartbeat()} came for longer than
 *       {@link Bounds#heartbeatTimeout()} (counted from construction until the first one).
 * </ul>
 *
 * <p><b>Readiness</b> fails when liveness fails, while stopping, until the sources are synced,
 * until a first reconcile has succeeded, and when reconciles have been failing (any outcome that
 * is not a {@linkplain ReconcileResult#success() success}, a pinned rejected config included)
 * for longer than {@link Bounds#readinessGrace()} since the first failure after the last
 * success. A failure within the grace period is a retry in progress: still ready. Once a
 * reconcile has succeeded, it also fails while Prometheus does not answer the probes made of it
 * between reconciles ({@link #prometheusUnanswered}; {@link PrometheusAnswers} has the rule),
 * without waiting for a reconcile to find out. A probe made while a reconcile's reload is in
 * flight ({@link #reloadAsked()} until the reconcile ends) does not count: the load holds
 * Prometheus' answers for as long as it takes, and the reconcile tells how it ended.
 *
 * <p>A bound is exceeded only when strictly more time than the bound has passed. Thread-safe;
 * every method is quick and never blocks on the loop.
 */
public final class LoopHealth implements Health {
  /**
   * The limits of the rules.
   *
   * @param heartbeatTimeout how long the loop may go without a heartbeat outside a reconcile;
   *     the loop should beat at least twice as often (e.g. each time its wait for triggers times
   *     out, and while it waits for the sources to sync)
   * @param reconcileTimeout how long one reconcile may run; more than the longest reload the
   *     Prometheus can take plus the reconciler's ready and verify timeouts, since a failing
   *     liveness probe restarts the container in the middle of it
   * @param readinessGrace how long reconciles may keep failing before the controller is no
   *     longer ready
   * @param prometheusFailures how many probes of Prometheus in a row must fail before it counts
   *     as unavailable
   */
  public record Bounds(Duration heartbeatTimeout, Duration reconcileTimeout,
      Duration readinessGrace, int prometheusFailures) {
    /** Probes of Prometheus in a row that must fail unless told otherwise. */
    public static final int DEFAULT_PROMETHEUS_FAILURES = 3;

    /**
     * One minute without a heartbeat, 30 minutes per reconcile, 5 minutes of failures, 3
     * probes of Prometheus.
     */
    public static final Bounds DEFAULTS =
        new Bounds(Duration.ofMinutes(1), Duration.ofMinutes(30), Duration.ofMinutes(5));

    /** @throws IllegalArgumentException if a bound is not positive, naming it */
    public Bounds {
      positive("heartbeat timeout", heartbeatTimeout);
      positive("reconcile timeout", reconcileTimeout);
      positive("readiness grace", readinessGrace);
      if (prometheusFailures < 1) {
        throw new IllegalArgumentException(
            "prometheus failures must be positive, found \"" + prometheusFailures + "\"");
      }
    }

    /** The bounds, with {@link #DEFAULT_PROMETHEUS_FAILURES}. */
    public Bounds(Duration heartbeatTimeout, Duration reconcileTimeout,
        Duration readinessGrace) {
      this(heartbeatTimeout, reconcileTimeout, readinessGrace, DEFAULT_PROMETHEUS_FAILURES);
    }

    private static void positive(String name, Duration value) {
      requireNonNull(value, name + " == null");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(
            name + " must be positive, found \"" + value + "\"");
      }
    }
  }

  private final Clock clock;
  private final Bounds bounds;
  private final Instant createdAt;

  // all guarded by this
  private Instant lastHeartbeat;
  private Instant reconcileStartedAt; // null outside a reconcile
  private boolean synced;
  private String pendingSources = "";
  private boolean stopping;
  private String endedBecause; // null while the loop runs
  private Finished last; // null until a reconcile finished
  private Instant lastSuccessAt; // null until a reconcile succeeded
  private Instant failingSince; // null unless the last finished reconcile failed
  private boolean reloadInFlight; // a reconcile asked a reload and has not ended
  private long reloadEdges; // reloads asked and ended so far: a probe's mark
  private final PrometheusAnswers prometheus;

  /** How the last reconcile ended. */
  private record Finished(String what, Instant at) {}

  /**
   * @param clock the time of every event and decision; the liveness heartbeat bound counts from
   *     construction until the first heartbeat
   */
  public LoopHealth(Clock clock, Bounds bounds) {
    this.clock = requireNonNull(clock, "clock == null");
    this.bounds = requireNonNull(bounds, "bounds == null");
    this.prometheus = new PrometheusAnswers(bounds.prometheusFailures());
    this.createdAt = clock.instant();
    this.lastHeartbeat = createdAt;
  }

  /** The loop is alive: it waits for triggers, or for the sources to sync. */
  public synchronized void heartbeat() {
    lastHeartbeat = clock.instant();
  }

  /**
   * The sources not synced yet, and why if they know (a refused list), for {@code /readyz}; the
   * controller tells it while it waits for them.
   */
  public synchronized void sourcesPending(String which) {
    pendingSources = requireNonNull(which, "which == null");
  }

  /** The sources finished their first sync; from now on their trouble shows in reconciles. */
  public synchronized void sourcesSynced() {
    synced = true;
    lastHeartbeat = clock.instant();
  }

  /** A reconcile starts; it counts as a heartbeat. */
  public synchronized void reconcileStarted() {
    Instant now = clock.instant();
    reconcileStartedAt = now;
    lastHeartbeat = now;
  }

  /**
   * The running reconcile asks Prometheus to reload: until it ends, that reconcile asks
   * Prometheus itself and tells how the load went, so the probes between reconciles do not
   * count (the probe's {@code /-/ready} is not held up by a load; runtime info and {@code
   * /metrics}, which the reconcile asks, are).
   */
  public synchronized void reloadAsked() {
    reloadInFlight = true;
    reloadEdges++;
  }

  /**
   * A reconcile returned {@code result}; it counts as a heartbeat. A scrape discovery Prometheus
   * could not start is named in the detail of readiness, which it does not fail: the config is
   * loaded, and nothing promcc does mends it.
   */
  public void reconcileFinished(ReconcileResult result) {
    requireNonNull(result, "result == null");
    String discovery = result.scrapeDiscovery().summary();
    // a success that could not ask Prometheus (certificates written, runtime info not
    // answered) is no answer of it
    finished(result.success(), result.success() && result.configInSync(),
        result.outcome().label()
        + (result.message().isEmpty() ? "" : " (" + result.message() + ")")
        + (discovery.isEmpty() ? "" : "; " + discovery));
  }

  /**
   * A reconcile ended with an exception instead of a result; a failure like any other.
   *
   * @param detail what went wrong, one line, never a secret
   */
  public void reconcileFailed(String detail) {
    requireNonNull(detail, "detail == null");
    finished(false, false, "error (" + detail + ")");
  }

  private synchronized void finished(boolean success, boolean prometheusAnswered, String what) {
    Instant now = clock.instant();
    reconcileStartedAt = null;
    reloadEnds();
    lastHeartbeat = now;
    last = new Finished(what, now);
    if (success) {
      lastSuccessAt = now;
      failingSince = null;
    } else if (failingSince == null) {
      failingSince = now;
    }
    if (prometheusAnswered) {
      // with a Prometheus, a success in sync checked what it runs: as good as a probe's answer
      prometheus.answered(now);
    }
  }

  private void reloadEnds() {
    if (reloadInFlight) {
      reloadInFlight = false;
      reloadEdges++;
    }
  }

  /**
   * A probe of Prometheus between reconciles may start: empty while a reload is in flight
   * (the reconcile that asked it tells how it went), else the mark to give {@link
   * #prometheusUnanswered(long, String)}.
   */
  public synchronized OptionalLong prometheusProbeStarts() {
    return reloadInFlight ? OptionalLong.empty() : OptionalLong.of(reloadEdges);
  }

  /** A probe of Prometheus between reconciles got an answer. */
  public synchronized void prometheusAnswered() {
    prometheus.answered(clock.instant());
  }

  /**
   * A probe of Prometheus that started and ended just now got no answer; it does not count
   * while a reload is in flight.
   *
   * @param why what failed, one line, never a secret
   */
  public synchronized void prometheusUnanswered(String why) {
    prometheusUnanswered(reloadEdges, why);
  }

  /**
   * A probe of Prometheus got no answer; it counts only if no reload was in flight while it
   * was made.
   *
   * @param mark what {@link #prometheusProbeStarts()} gave as the probe started
   * @param why what failed, one line, never a secret
   * @return whether it counted: false for one a reload overlapped, which is no verdict
   */
  public synchronized boolean prometheusUnanswered(long mark, String why) {
    requireNonNull(why, "why == null");
    if (mark == reloadEdges && !reloadInFlight) {
      prometheus.unanswered(clock.instant(), why);
      return true;
    }
    return false;
  }

  /**
   * How many probes of Prometheus in a row got no answer since its last answer (a successful
   * reconcile that found it running the desired config is one), as readiness counts them.
   */
  public synchronized int prometheusFailuresInARow() {
    return prometheus.failuresInARow();
  }

  /**
   * Whether Prometheus counts as unavailable: {@link Bounds#prometheusFailures()} probes in a row
   * got no answer. Readiness fails for it once a reconcile has succeeded.
   */
  public synchronized boolean prometheusUnavailable() {
    return prometheus.unavailable(clock.instant()).isPresent();
  }

  /** Shutdown began: not ready any more; the loop may end without failing liveness. */
  public synchronized void stopping() {
    stopping = true;
  }

  /**
   * The loop ended (its thread returns or dies). Unless {@link #stopping()} was called first,
   * liveness fails from now on, so that the container is restarted.
   *
   * @param reason why, one line, never a secret
   */
  public synchronized void loopEnded(String reason) {
    requireNonNull(reason, "reason == null");
    endedBecause = reason;
    reconcileStartedAt = null;
    reloadEnds();
  }

  @Override
  public synchronized HealthReport liveness() {
    return liveness(clock.instant());
  }

  private HealthReport liveness(Instant now) {
    if (endedBecause != null) {
      return stopping ? HealthReport.ok("shutting down; the reconcile loop has ended")
          : HealthReport.failing("the reconcile loop has ended: " + endedBecause);
    }
    if (reconcileStartedAt != null) {
      Duration running = Duration.between(reconcileStartedAt, now);
      if (running.compareTo(bounds.reconcileTimeout()) > 0) {
        return HealthReport.failing("a reconcile has been running for " + Text.duration(running)
            + ", longer than the bound of " + Text.duration(bounds.reconcileTimeout())
            + ": the reconcile loop is stuck");
      }
      return HealthReport.ok("a reconcile has been running for " + Text.duration(running));
    }
    Duration silent = Duration.between(lastHeartbeat, now);
    if (silent.compareTo(bounds.heartbeatTimeout()) > 0) {
      return HealthReport.failing("no heartbeat from the reconcile loop for "
          + Text.duration(silent) + ", longer than the bound of "
          + Text.duration(bounds.heartbeatTimeout()) + ": the loop is stuck or has stopped");
    }
    return HealthReport.ok("the reconcile loop is idle, last heartbeat " + Text.duration(silent)
        + " ago");
  }

  @Override
  public synchronized HealthReport readiness() {
    Instant now = clock.instant();
    HealthReport live = liveness(now);
    if (!live.ok()) {
      return HealthReport.failing("not live: " + live.detail());
    }
    if (stopping) {
      return HealthReport.failing("shutting down");
    }
    if (!synced) {
      return HealthReport.failing("waiting for the sources to sync, for "
          + Text.duration(Duration.between(createdAt, now))
          + (pendingSources.isEmpty() ? "" : ": " + pendingSources));
    }
    if (lastSuccessAt == null) {
      if (last == null) {
        return HealthReport.failing(reconcileStartedAt != null
            ? "the first reconcile is running" : "waiting for the first reconcile");
      }
      return HealthReport.failing("no reconcile has succeeded yet; the last one ended "
          + Text.duration(Duration.between(last.at(), now)) + " ago: " + last.what());
    }
    Optional<String> unavailable = prometheus.unavailable(now);
    if (unavailable.isPresent()) {
      return HealthReport.failing(unavailable.get());
    }
    if (failingSince == null) {
      return HealthReport.ok("the last reconcile ended "
          + Text.duration(Duration.between(last.at(), now)) + " ago: " + last.what());
    }
    Duration failing = Duration.between(failingSince, now);
    String history = " (last success " + Text.duration(Duration.between(lastSuccessAt, now))
        + " ago); the last one: " + last.what();
    if (failing.compareTo(bounds.readinessGrace()) > 0) {
      return HealthReport.failing("reconciles have been failing for " + Text.duration(failing)
          + ", longer than the grace of " + Text.duration(bounds.readinessGrace()) + history);
    }
    return HealthReport.ok("retrying: reconciles have been failing for "
        + Text.duration(failing) + ", within the grace of "
        + Text.duration(bounds.readinessGrace()) + history);
  }
}
