package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.ReconcileResults.failed;
import static io.promcc.core.reconcile.ReconcileResults.failedAfterObserving;
import static io.promcc.core.reconcile.ReconcileResults.result;
import static io.promcc.core.reconcile.ReconcileResults.unexpected;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.Maps;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.PromccException;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.Observation;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ShardAssigner;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.FileValidator;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.port.InvalidFilesException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.Sleeper;
import io.promcc.core.port.SourceNotReadyException;
import io.promcc.core.port.UnownedFilesException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The controller's one entry point: {@link #reconcile()} observes the sources, plans the desired
 * files, validates and writes them, reloads Prometheus and verifies the load, rolling back on
 * rejection, reads whether Prometheus started the service discovery of what it runs, and says
 * what it did in a {@link ReconcileResult}. Level-based: a call re-reads
 * everything, and a second call with nothing changed writes and reloads nothing.
 *
 * <p>It never acts on a partial view: while the cluster source is not synced or failing, nothing
 * changes. A cluster whose certificate source fails keeps its jobs and last certificate files,
 * and so does one the cluster source knows to be present but cannot read (it keeps its jobs as
 * they are on disk); only a cluster gone from the cluster source, or from this shard (another
 * shard's now, see {@link Builder#shard}), or rejected for a problem of its own, loses them.
 * The memory for this is what the store holds (its files and its last verification), so it holds
 * across a controller restart.
 *
 * <p>Build one with {@link #builder()} from its ports; the sources' lifecycle (start, await
 * synced, close) is the caller's. Not thread-safe: call {@code reconcile} from one thread at a
 * time. It does not throw for a failure outside the controller (a source, Prometheus, the disk),
 * nor for a runtime exception no port declares (a source breaking its contract, a bug): the
 * result's outcome and message say what went wrong.
 */
public final class Reconciler {
  private final GuestClusterSource clusters;
  private final Supplier<Planner> planner;
  private final ControllerSettings settings;
  private final ConfigStore store;
  private final DiscoveryCheck discoveryCheck;
  private final Optional<ShardAssigner> shards;
  private final int shard;
  private final Observer observer;
  private final Delivery delivery;
  private final Clock clock;
  private final HeldBackClusters heldBack;

  private Reconciler(Builder b) {
    this.clusters = requireNonNull(b.clusters, "cluster source == null");
    this.planner = requireNonNull(b.planner, "planner == null");
    this.settings = requireNonNull(b.settings, "settings == null");
    this.store = requireNonNull(b.store, "store == null");
    this.discoveryCheck = new DiscoveryCheck(b.prometheus);
    this.shards = b.shardCount > 1 ? Optional.of(new ShardAssigner(b.shardCount))
        : Optional.empty();
    this.shard = b.shardIndex;
    this.clock = requireNonNull(b.clock, "clock == null");
    this.observer = new Observer(requireNonNull(b.certificates, "certificate source == null"),
        settings);
    this.delivery = new Delivery(store, discoveryCheck.watched(), b.validator, b.readyTimeout,
        b.verifyTimeout, clock, b.sleeper, b.background != null ? b.background : baselineThread());
    this.heldBack = new HeldBackClusters(settings);
  }

  /**
   * A builder; the two sources, the store and the planner are required, everything else has a
   * default (see each setter).
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The longest a reconcile's delivery waits for Prometheus when every wait takes all its time:
   * a bound for a liveness check, which must not restart the controller in the middle of a
   * rollback. The baseline may wait for ready twice (a Prometheus that is starting, then one that
   * refuses connections with a config on disk it never verified); then the reload and, if
   * Prometheus refuses or goes away, the rollback's reload of the verified config may each: take
   * the reload request's timeout without reaching Prometheus (a signal waits for Prometheus'
   * clock before it is sent) and wait for ready, send it once more and wait the reload request's
   * timeout for an answer, wait for ready again, and watch the load up to the verify timeout,
   * plus one more wait for ready for a Prometheus that came back after that deadline. That is
   * {@code 2 * ready + 2 * (3 * ready + 2 * reloadRequest + verify)}. Local checks (promtool has
   * its own timeout) and the single requests' own timeouts (runtime info, about ten calls outside
   * the verification's deadline) are not in it.
   *
   * @param readyTimeout {@link Builder#readyTimeout}
   * @param verifyTimeout {@link Builder#verifyTimeout}
   * @param reloadRequestTimeout how long the {@link io.promcc.core.port.PrometheusControl}
   *     waits for the answer to one reload request
   */
  public static Duration longestDelivery(Duration readyTimeout, Duration verifyTimeout,
      Duration reloadRequestTimeout) {
    Duration oneReload = readyTimeout.multipliedBy(3).plus(reloadRequestTimeout.multipliedBy(2))
        .plus(verifyTimeout);
    return readyTimeout.multipliedBy(2).plus(oneReload.multipliedBy(2));
  }

  /**
   * Observe, plan, validate, write, reload, verify; see the class description. Blocks while it
   * waits for Prometheus: at most about {@link #longestDelivery} of the builder's timeouts (with
   * the defaults, most of an hour for a Prometheus that never answers), plus the ports' own
   * calls. Not for a thread that must stay responsive (an event loop, an informer's callback).
   *
   * @return what was done, never null; failures are in its outcome, not thrown
   */
  public ReconcileResult reconcile() {
    PhaseTimer timer = new PhaseTimer(clock);
    discoveryCheck.begin();
    Observer.Observed observed;
    SortedMap<String, DesiredFile> onDisk;
    try {
      ClusterSnapshot snapshot = timer.call(Phase.OBSERVE, clusters::snapshot);
      onDisk = timer.call(Phase.OBSERVE, store::readOwned);
      observed = timer.call(Phase.OBSERVE,
          () -> observer.observe(myShard(snapshot), onDisk, clock.instant()));
    } catch (SourceNotReadyException e) {
      return failed(Outcome.SOURCE_NOT_READY, e.getMessage() + "; nothing was changed", timer);
    } catch (PromccException e) {
      return failed(Outcome.FAILED, e.getMessage(), timer);
    } catch (RuntimeException e) {
      return failed(Outcome.FAILED, unexpected(e), timer);
    }
    Observation observation = observed.observation();
    DesiredState desired = null;
    try {
      Planner current = planner.get(); // one planner for every attempt of this reconcile
      SortedMap<String, DesiredFile> owned = onDisk;
      for (int attempt = 1; ; attempt++) {
        Observation input = observation;
        desired = timer.call(Phase.PLAN, () -> current.plan(input, settings));
        try {
          Delivered delivered = delivery.deliver(desired, owned, timer);
          ScrapeDiscovery discovery = discoveryCheck.after(delivered, timer);
          return result(delivered, discovery, desired, observation, observed, timer);
        } catch (UnownedFilesException e) {
          // a file someone else placed blocks only the clusters whose file it is
          Map<ClusterId, Rejection> blocked = heldBack.blockedClusters(e);
          if (blocked.isEmpty() || attempt == 3) {
            throw e;
          }
          observation = observation.without(blocked);
          // the attempt may have written certificates before the file stopped its config: the
          // next one starts from the files on disk now (a load the store refused to record
          // moved to them, and is not taken for one of files Prometheus never verified)
          owned = timer.call(Phase.OBSERVE, store::readOwned);
        } catch (InvalidFilesException e) {
          // an invalid certificate holds back only its cluster, which keeps its last files
          Map<ClusterId, Rejection> invalid = heldBack.invalidCertificates(e);
          if (invalid.isEmpty() || attempt == 3) {
            throw e;
          }
          observation = observer.withInvalidCertificates(observation, invalid, owned,
              clock.instant());
        }
      }
    } catch (RuntimeException e) {
      String message = e instanceof PromccException ? e.getMessage() : unexpected(e);
      PartlyWritten part = e instanceof PartlyWritten p ? p : null; // what it left on disk
      return failedAfterObserving(message, desired, observation, observed, timer,
          part == null ? List.of() : part.written, part == null ? List.of() : part.deleted,
          e instanceof ValidationException); // the planner's or the validator's refusal
    }
  }

  private ClusterSnapshot myShard(ClusterSnapshot snapshot) {
    return shards.map(assigner -> new ClusterSnapshot(
        assigner.clustersOf(shard, snapshot.clusters()), snapshot.rejections(),
        Maps.filterKeys(snapshot.unreadable(), id -> assigner.shardOf(id) == shard)))
        .orElse(snapshot);
  }

  /**
   * Observes and plans as {@link #reconcile()} does, and compares with the files on disk, but
   * writes nothing, asks Prometheus nothing and records nothing: what a reconcile would write
   * (under the pin of the desired config, only renewed certificates) and, under such a pin,
   * what it does with the pinned config. The certificate source is observed, so a source that
   * issues certificates (Vault) may issue one.
   *
   * @throws SourceNotReadyException if the cluster source is not synced or failing
   * @throws ValidationException if the base config or profile is invalid
   */
  public Preview preview() {
    ClusterSnapshot snapshot = clusters.snapshot();
    SortedMap<String, DesiredFile> onDisk = store.readOwned();
    Observation observation = observer.observe(myShard(snapshot), onDisk, clock.instant())
        .observation();
    DesiredState desired = planner.get().plan(observation, settings);
    return delivery.preview(desired, onDisk, ClusterStates.of(desired, observation));
  }

  /** One daemon thread for the background baseline call, ended after 30 idle seconds. */
  private static Executor baselineThread() {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), task -> {
          Thread thread = new Thread(task, "promcc-prometheus-baseline");
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Builds a {@link Reconciler}. Not thread-safe. */
  public static final class Builder {
    private GuestClusterSource clusters;
    private CertificateSource certificates;
    private Supplier<Planner> planner;
    private ControllerSettings settings = ControllerSettings.DEFAULTS;
    private ConfigStore store;
    private Optional<PrometheusControl> prometheus = Optional.empty();
    private FileValidator validator = FileValidator.NONE;
    private Duration readyTimeout = Duration.ofMinutes(5);
    private Duration verifyTimeout = Duration.ofMinutes(5);
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Executor background;
    private int shardIndex;
    private int shardCount = 1;

    private Builder() {}

    /** Where guest clusters come from. Required. */
    public Builder clusterSource(GuestClusterSource value) {
      clusters = requireNonNull(value, "clusterSource == null");
      return this;
    }

    /** Where each cluster's client certificate comes from. Required. */
    public Builder certificateSource(CertificateSource value) {
      certificates = requireNonNull(value, "certificateSource == null");
      return this;
    }

    /** The planner (profile and base config). Required. */
    public Builder planner(Planner value) {
      requireNonNull(value, "planner == null");
      planner = () -> value;
      return this;
    }

    /**
     * The planner to use at each reconcile, for a base config or profile that changes while the
     * controller runs. Called once per reconcile.
     */
    public Builder planner(Supplier<Planner> value) {
      planner = requireNonNull(value, "planner == null");
      return this;
    }

    /** Job prefix, labels, paths and output mode (default {@link ControllerSettings#DEFAULTS}). */
    public Builder settings(ControllerSettings value) {
      settings = requireNonNull(value, "settings == null");
      return this;
    }

    /** The folder Prometheus reads. Required. */
    public Builder store(ConfigStore value) {
      store = requireNonNull(value, "store == null");
      return this;
    }

    /** The Prometheus to reload and verify; without one, files are only written. */
    public Builder prometheus(PrometheusControl value) {
      prometheus = Optional.of(requireNonNull(value, "prometheus == null"));
      return this;
    }

    /** The Prometheus to reload and verify, or empty to only write files (the default). */
    public Builder prometheus(Optional<PrometheusControl> value) {
      prometheus = requireNonNull(value, "prometheus == null");
      return this;
    }

    /** Checks of changed files before they are written (default none). */
    public Builder validator(FileValidator value) {
      validator = requireNonNull(value, "validator == null");
      return this;
    }

    /**
     * How long to wait for Prometheus to become ready when nothing was verified yet, or after it
     * went away during a reload (default 5 minutes).
     */
    public Builder readyTimeout(Duration value) {
      readyTimeout = requirePositive(value, "readyTimeout");
      return this;
    }

    /** How long to wait for runtime info to confirm a reload (default 5 minutes). */
    public Builder verifyTimeout(Duration value) {
      verifyTimeout = requirePositive(value, "verifyTimeout");
      return this;
    }

    /** Time source for timing, expiry and deadlines (default the system clock, UTC). */
    public Builder clock(Clock value) {
      clock = requireNonNull(value, "clock == null");
      return this;
    }

    /** How to wait between polls (default {@link Sleeper#SYSTEM}). */
    public Builder sleeper(Sleeper value) {
      sleeper = requireNonNull(value, "sleeper == null");
      return this;
    }

    /**
     * Where the background baseline call runs (default one daemon thread). A direct executor
     * ({@code Runnable::run}) makes a reconcile single-threaded, for tests.
     */
    public Builder backgroundExecutor(Executor value) {
      background = requireNonNull(value, "executor == null");
      return this;
    }

    /**
     * Keeps only the clusters of shard {@code index} of {@code count} (rendezvous hashing, see
     * {@link ShardAssigner}); default all clusters. A cluster of another shard is not this one's:
     * after a change of the count, one that moved away loses its jobs and files here as one gone
     * from the source does, whatever its certificate source says.
     */
    public Builder shard(int index, int count) {
      if (count < 1 || index < 0 || index >= count) {
        throw new IllegalArgumentException("shard must be K/N with 0 <= K < N, found " + index
            + "/" + count);
      }
      shardIndex = index;
      shardCount = count;
      return this;
    }

    /**
     * A reconciler of the ports set so far.
     *
     * @throws NullPointerException naming, by their setters, every required port not set:
     *     {@code "a reconciler needs certificateSource and store: set each on
     *     Reconciler.builder()"}
     */
    public Reconciler build() {
      List<String> missing = new ArrayList<>();
      addIf(missing, clusters == null, "clusterSource");
      addIf(missing, certificates == null, "certificateSource");
      addIf(missing, planner == null, "planner");
      addIf(missing, store == null, "store");
      if (!missing.isEmpty()) {
        int last = missing.size() - 1;
        String names = last == 0 ? missing.get(0)
            : String.join(", ", missing.subList(0, last)) + " and " + missing.get(last);
        throw new NullPointerException("a reconciler needs " + names + ": set "
            + (last == 0 ? "it" : "each") + " on Reconciler.builder()");
      }
      return new Reconciler(this);
    }

    private static void addIf(List<String> names, boolean missing, String name) {
      if (missing) {
        names.add(name);
      }
    }

    private static Duration requirePositive(Duration value, String what) {
      requireNonNull(value, what + " == null");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, found " + value);
      }
      return value;
    }
  }
}
