package io.promcc.app.events;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.promcc.core.model.ClusterId;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.kube.ApiServerFailures;
import io.promcc.kube.LeaderElection;
import io.promcc.kube.LeadershipListener;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.OkHttpClient;

/**
 * Publishes a Kubernetes Event (core/v1, type Warning) on each Service whose guest cluster is
 * rejected (an invalid ID, a duplicate, a refused API server) or waits for a certificate, with
 * the reason and message, so the owner of the Service sees why its cluster is not monitored.
 *
 * <ul>
 *   <li><b>Once for all replicas</b>: only the holder of the Lease publishes, and leadership is
 *       checked again right before each Event. The Event's name is derived from the Service,
 *       the reason and the message, so a replica that takes over and publishes the same Event
 *       again gets "already exists" and counts it as done: each rejection gets exactly one
 *       Event (until the API server expires it).
 *   <li><b>Deduplicated and rate-limited</b>: an Event already published is not published
 *       again while its rejection lasts (one that goes away and comes back is published again;
 *       an Event still there answers "already exists"); at most {@code perMinute} Events a
 *       minute, the rest as the rate allows (the latest result is published again when the
 *       minute has passed).
 *   <li><b>Refusals held back</b>: an Event the API server refuses (403 without {@code create
 *       events}, a namespace being deleted) waits minutes before it is tried again, one it fails
 *       (5xx, no answer) a backoff, without taking the others' budget ({@link EventFailures});
 *       each such attempt is counted ({@link EventFailureCount}).
 *   <li><b>Off the loop</b>: {@link #offer} hands the latest result to one background thread and
 *       returns at once; a result not yet published is replaced by a newer one.
 *   <li><b>Closed for good</b>: {@link #close} cancels a call under way and waits for the thread
 *       (bounded); a call the close ended is not the API server's failure: neither logged as a
 *       warning nor counted, and no Event follows it.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class ServiceEvents implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ServiceEvents.class.getName());
  private static final int REMEMBERED = 10_000;

  /** Bound of one Event call: the shared client's reads are unbounded (watches need that). */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private final ApiClient client;
  private final OkHttpClient http;
  private final CoreV1Api api;
  private final Optional<LeaderElection> election;
  private final EventPlanner planner;
  private final String instance;
  private final Clock clock;
  private final EventRate rate;
  private final AtomicReference<ReconcileResult> pending = new AtomicReference<>();
  private final AtomicReference<ReconcileResult> latest = new AtomicReference<>();
  /** The latest result that saw the sources (see {@link #planned}). */
  private final AtomicReference<ReconcileResult> latestComplete = new AtomicReference<>();
  private final ScheduledExecutorService worker;
  /** When the earliest publication of the latest result scheduled runs, if one is. */
  private final AtomicReference<Instant> drainAt = new AtomicReference<>();
  /** The Events the API server did not take, held back for a while. */
  private final EventFailures failures;
  private final Set<String> published = new LinkedHashSet<>(); // guarded by itself
  /** The Events the last result that saw the sources asks for; guarded by published. */
  private Set<String> currentKeys;
  /** The Event call under way, which {@link #close} cancels. */
  private final AtomicReference<Call> underWay = new AtomicReference<>();
  private volatile boolean closed;

  /**
   * Events whose involved object names no uid: {@code kubectl describe}, which lists a Service's
   * Events by its uid, does not show them. For tests and embedders without a Service cache.
   *
   * @param serviceOfCluster the Service ({@code namespace/name}) that defines a cluster
   * @param instance this replica's name, recorded as the Event's reporting instance
   * @param perMinute most Events published a minute
   */
  public ServiceEvents(ApiClient client, Optional<LeaderElection> election,
      Function<ClusterId, Optional<String>> serviceOfCluster, String instance, Clock clock,
      int perMinute) {
    this(client, election, serviceOfCluster, service -> Optional.empty(), instance, clock,
        perMinute, Duration.ofMinutes(1), EventFailureCount.NONE);
  }

  /**
   * @param serviceOfCluster the Service ({@code namespace/name}) that defines a cluster
   * @param uidOfService the uid of a Service ({@code namespace/name}), recorded in the Event's
   *     involved object: {@code kubectl describe service} lists only the Events naming it
   * @param instance this replica's name, recorded as the Event's reporting instance
   * @param perMinute most Events published a minute
   * @param failureCount told of each attempt at an Event the API server did not take
   */
  public ServiceEvents(ApiClient client, Optional<LeaderElection> election,
      Function<ClusterId, Optional<String>> serviceOfCluster,
      Function<String, Optional<String>> uidOfService, String instance, Clock clock,
      int perMinute, EventFailureCount failureCount) {
    this(client, election, serviceOfCluster, uidOfService, instance, clock, perMinute,
        Duration.ofMinutes(1), failureCount);
  }

  /** @param window the rate's window: at most {@code perWindow} Events in each */
  ServiceEvents(ApiClient client, Optional<LeaderElection> election,
      Function<ClusterId, Optional<String>> serviceOfCluster, String instance, Clock clock,
      int perWindow, Duration window) {
    this(client, election, serviceOfCluster, service -> Optional.empty(), instance, clock,
        perWindow, window, EventFailureCount.NONE);
  }

  /**
   * @param window the rate's window: at most {@code perWindow} Events in each
   * @param failureCount told of each attempt at an Event the API server did not take
   */
  ServiceEvents(ApiClient client, Optional<LeaderElection> election,
      Function<ClusterId, Optional<String>> serviceOfCluster,
      Function<String, Optional<String>> uidOfService, String instance, Clock clock,
      int perWindow, Duration window, EventFailureCount failureCount) {
    this.failures = new EventFailures(failureCount);
    this.client = requireNonNull(client, "client == null");
    this.http = client.getHttpClient().newBuilder()
        .callTimeout(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).build();
    this.api = new CoreV1Api(client);
    this.election = requireNonNull(election, "election == null");
    this.planner = new EventPlanner(serviceOfCluster, uidOfService);
    this.instance = requireNonNull(instance, "instance == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.rate = new EventRate(clock, perWindow, window);
    // one thread: a result waiting is replaced by a newer one (pending), so the queue holds at
    // most one publication and one drain
    this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "promcc-service-events");
      thread.setDaemon(true);
      return thread;
    });
    // a replica that takes over publishes what the last reconcile found, without waiting for
    // the next one
    election.ifPresent(e -> e.addListener(new LeadershipListener() {
      @Override
      public void startedLeading() {
        republishLatest();
      }
    }));
  }

  /** Publishes what {@code result} rejects, in the background. Never blocks. */
  public void offer(ReconcileResult result) {
    requireNonNull(result, "result == null");
    forgetGone(result);
    if (sawTheSources(result)) {
      latestComplete.set(result);
    }
    latest.set(result);
    if (pending.getAndSet(result) == null) {
      submit(() -> publish(pending.getAndSet(null)), Duration.ZERO);
    }
  }

  /** Runs {@code task} on the worker after {@code delay}, logging what it throws. */
  private void submit(Runnable task, Duration delay) {
    try {
      worker.schedule(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "publishing events failed", e);
        }
      }, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      // closed: nothing is published any more
    }
  }

  /**
   * Publishes the latest result again after {@code delay} (when the rate's window has passed, or
   * an Event the API server did not take may be tried again): what was held back follows
   * without waiting for another reconcile. A publication scheduled earlier makes this one moot.
   */
  private void drainLater(Duration delay) {
    Instant at = clock.instant().plus(delay);
    for (Instant scheduled = drainAt.get(); scheduled == null || at.isBefore(scheduled);
        scheduled = drainAt.get()) {
      if (drainAt.compareAndSet(scheduled, at)) {
        submit(() -> {
          drainAt.compareAndSet(at, null);
          republishLatest();
        }, delay);
        return;
      }
    }
  }

  /**
   * Publishes the latest result again (after a takeover, or when the rate allows more), off the
   * loop's thread. It only queues the result: the offer that made it the latest has done the
   * rest, and one that comes meanwhile replaces it ({@link #publish} skips a result no longer
   * the latest, which this may queue after the loop offered a newer one).
   */
  private void republishLatest() {
    ReconcileResult last = latest.get();
    if (last != null && pending.compareAndSet(null, last)) {
      submit(() -> publish(pending.getAndSet(null)), Duration.ZERO);
    }
  }

  /** The Events a result asks for, one per Service and reason. */
  List<PlannedEvent> plan(ReconcileResult result) {
    return planner.plan(result);
  }

  private void publish(ReconcileResult result) {
    if (result == null || result != latest.get()) {
      return; // a newer one is offered, and published after this
    }
    for (PlannedEvent event : planned(result)) {
      if (closed) {
        return;
      }
      if (result != latest.get()) {
        return; // superseded while its Events went out (a call takes up to 10 s): the rest wait
      }
      String key = event.key();
      synchronized (published) {
        if (published.contains(key)) {
          continue;
        }
      }
      if (failures.heldUntil(key, clock.instant()).isPresent()) {
        continue; // refused or failed a moment ago: tried again later, not with every offer
      }
      Optional<Duration> wait = rate.take();
      if (wait.isPresent()) {
        LOG.log(Level.DEBUG, "event rate limit reached; the rest follow in " + wait.get());
        drainLater(wait.get());
        return;
      }
      boolean ran = election.map(e -> e.runIfLeader(() -> create(event, key)))
          .orElseGet(() -> {
            create(event, key);
            return true;
          });
      if (!ran) {
        return; // not the leader: the leader publishes
      }
    }
    Instant now = clock.instant();
    failures.nextRetry(now).ifPresent(at -> drainLater(Duration.between(now, at)));
  }

  /**
   * The Events to publish for {@code result}, and, if it did not see the sources, some of the
   * latest result that did, which it replaced (in the queue, a publication under way, a drain, a
   * takeover): with the sources not ready, all of them (it saw nothing); after a failed
   * reconcile, those of the waiting clusters, which it does not name, while its own rejections
   * (those of its observation, if it got that far) are as recent as any.
   */
  private List<PlannedEvent> planned(ReconcileResult result) {
    List<PlannedEvent> events = plan(result);
    ReconcileResult complete = latestComplete.get();
    if (!sawTheSources(result) && complete != null) {
      Set<String> keys = new HashSet<>();
      events.forEach(event -> keys.add(event.key()));
      List<PlannedEvent> kept = result.outcome() == Outcome.SOURCE_NOT_READY ? plan(complete)
          : planner.planWaiting(complete);
      for (PlannedEvent event : kept) {
        if (keys.add(event.key())) {
          events.add(event);
        }
      }
    }
    return events;
  }

  private static boolean sawTheSources(ReconcileResult result) {
    return result.completeView();
  }

  /**
   * Forgets the Events of rejections {@code result} no longer has (the Service fixed): one that
   * comes back gets an Event again, since its first may have expired by then (the API server
   * keeps Events an hour). Here, not on the worker, which may skip a result a newer replaced.
   */
  private void forgetGone(ReconcileResult result) {
    Set<String> current = new HashSet<>();
    plan(result).forEach(event -> current.add(event.key()));
    synchronized (published) {
      if (!sawTheSources(result)) {
        // it may have seen part of the sources or none (a failed plan): no rejection went
        // away, and those it does name are published and remembered as any
        if (currentKeys != null) {
          currentKeys.addAll(current);
        }
        return;
      }
      published.retainAll(current);
      failures.retainAll(current);
      currentKeys = current;
    }
  }

  private void create(PlannedEvent event, String key) {
    CoreV1Event body = event.toEvent(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC),
        instance);
    try {
      Call call = http.newCall(api.createNamespacedEvent(event.namespace(), body)
          .buildCall(null).request());
      underWay.set(call);
      if (closed) {
        call.cancel(); // the close came before the call was there to cancel
      }
      try {
        client.execute(call);
      } finally {
        underWay.set(null);
      }
      remember(key);
      failures.published(key);
      LOG.log(Level.INFO, "event " + event.reason() + " on service " + event.namespace() + "/"
          + event.name());
    } catch (ApiException e) {
      if (closed) {
        // the close ended it (an interrupt, a cancel): said at debug level, not counted
        LOG.log(Level.DEBUG, "event " + event.reason() + " on service " + event.namespace() + "/"
            + event.name() + " not published: closed while its call was under way");
        return;
      }
      if (e.getCode() == 409) {
        remember(key); // another replica (or an earlier run) published it already
        failures.published(key);
      } else {
        // no answer (0): what failed against which server, never the JVM's exception names
        String detail = e.getCode() == 0 ? ApiServerFailures.describe(e, client)
            : EventFailures.detail(e);
        failures.failed(key, e.getCode(), event.reason() + " on service " + event.namespace()
            + "/" + event.name(), detail, clock.instant());
      }
    }
  }

  private void remember(String key) {
    synchronized (published) {
      if (currentKeys != null && !currentKeys.contains(key)) {
        return; // gone since it was sent (forgotten meanwhile): published again if it comes back
      }
      published.add(key);
      if (published.size() > REMEMBERED) {
        published.remove(published.iterator().next());
      }
    }
  }

  /**
   * Stops publishing: cancels the call under way and waits for the worker, at most a call's
   * bound, so that nothing is published, logged or counted after this returns.
   */
  @Override
  public void close() {
    closed = true;
    worker.shutdownNow();
    Call call = underWay.get();
    if (call != null) {
      call.cancel();
    }
    try {
      if (!worker.awaitTermination(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.log(Level.DEBUG, "the event publisher did not end within " + CALL_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
