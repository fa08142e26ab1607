package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.CallGenerator;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.port.SourceNotReadyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Guest clusters from labelled Services, kept current by client-java informers (one for all
 * namespaces, or one per configured namespace).
 *
 * <p>{@link #snapshot()} throws {@link SourceNotReadyException} until every informer has synced
 * and while any list or watch is failing, so an outage is never read as "no clusters". After an
 * outage the informer lists again (also after 410 Gone) and the snapshot is rebuilt from its
 * cache, so clusters are neither lost nor duplicated. Listeners run once all informers have
 * synced, whenever a Service's mapped outcome changes, and when a failing informer recovers.
 *
 * <p>Thread-safe. {@link #start()} and {@link #close()} are idempotent; a closed source cannot be
 * restarted.
 */
public final class ServiceClusterSource implements GuestClusterSource {
  private record Memo(String resourceVersion, ServiceMapping.Outcome outcome, String uid) {}

  /** A Service's mapping in use: its own, or its last valid one while it is invalid. */
  private record LastValid(String uid, ServiceMapping.Outcome.Mapped mapped) {}

  private final ServiceMapping mapping;
  private final List<TrackedInformer<V1Service, V1ServiceList>> scopes = new ArrayList<>();
  private final SourceInformers lifecycle = new SourceInformers("service cluster source");
  private final Map<String, Memo> memo = new HashMap<>();
  /**
   * By {@code namespace/name}, the Services that stand for a cluster in the last snapshot (the
   * established claimant of each ID) with the mapping they stand for.
   */
  private final Map<String, LastValid> lastValid = new HashMap<>();
  /**
   * The Service ({@code namespace/name}) that stands for each cluster in {@link #lastValid},
   * rebuilt with it: {@link #serviceOf} is asked once per waiting cluster per reconcile, and a
   * scan of every cluster made that quadratic. Immutable; replaced whole.
   */
  private volatile Map<ClusterId, String> serviceById = Map.of();

  /** Builds the informers; nothing is contacted until {@link #start()}. */
  public ServiceClusterSource(ApiClient client, DiscoverySettings settings,
      WatchSettings watchSettings) {
    requireNonNull(client, "client == null");
    requireNonNull(settings, "settings == null");
    requireNonNull(watchSettings, "watchSettings == null");
    this.mapping = new ServiceMapping(settings);
    CoreV1Api api = new CoreV1Api(client);
    String selector = settings.labelSelector().isBlank() ? null : settings.labelSelector();
    List<Optional<String>> namespaces = settings.namespaces().isEmpty()
        ? List.of(Optional.empty())
        : settings.namespaces().stream().map(Optional::of).toList();
    for (Optional<String> namespace : namespaces) {
      String description = "services" + (selector == null ? "" : " matching "
          + Quoting.quote(selector)) + namespace.map(ns -> " in namespace " + Quoting.quote(ns))
          .orElse(" in all namespaces");
      CallGenerator calls = params -> namespace.isPresent()
          ? api.listNamespacedService(namespace.get()).labelSelector(selector)
              .resourceVersion(params.resourceVersion).watch(params.watch)
              .allowWatchBookmarks(Boolean.TRUE.equals(params.watch) ? Boolean.TRUE : null)
              .timeoutSeconds(params.timeoutSeconds).buildCall(null)
          : api.listServiceForAllNamespaces().labelSelector(selector)
              .resourceVersion(params.resourceVersion).watch(params.watch)
              .allowWatchBookmarks(Boolean.TRUE.equals(params.watch) ? Boolean.TRUE : null)
              .timeoutSeconds(params.timeoutSeconds).buildCall(null);
      TrackedInformer<V1Service, V1ServiceList> informer = new TrackedInformer<>(client, calls,
          V1Service.class, V1ServiceList.class, description, watchSettings, lifecycle::changed);
      informer.addEventHandler(new Handler());
      scopes.add(informer);
      lifecycle.add(informer);
    }
  }

  /**
   * Starts listing and watching. Idempotent.
   *
   * @throws IllegalStateException if closed
   */
  @Override
  public void start() {
    lifecycle.start();
  }

  /**
   * Waits until every informer has completed its first list.
   *
   * @return true if synced; false if the timeout passed first or the source was closed
   * @throws IllegalStateException if the source was never started
   */
  @Override
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    return lifecycle.awaitSynced(timeout);
  }

  /** Whether every informer has completed its first list (and the source is open). */
  public boolean hasSynced() {
    return lifecycle.hasSynced();
  }

  /** The current list/watch failure, if any informer has one. */
  public Optional<String> failure() {
    return lifecycle.failure();
  }

  /** What it watches and how that goes, for the log line of a source that is late to sync. */
  @Override
  public String toString() {
    return "ServiceClusterSource{" + String.join("; ", scopes.stream()
        .map(TrackedInformer::description).toList()) + (hasSynced() ? ", synced" : ", not synced")
        + failure().map(failure -> ", failing: " + failure).orElse("") + "}";
  }

  @Override
  public ClusterSnapshot snapshot() {
    if (lifecycle.isClosed()) {
      throw new SourceNotReadyException("service cluster source is closed");
    }
    for (TrackedInformer<V1Service, V1ServiceList> scope : scopes) {
      if (!scope.hasSynced()) {
        // the api server's answer, if any (a 403 before the rbac manifest is applied)
        throw new SourceNotReadyException(scope.description() + " have not synced yet"
            + scope.failure().map(failure -> ": " + failure).orElse(""));
      }
      Optional<String> failure = scope.failure();
      if (failure.isPresent()) {
        throw new SourceNotReadyException(failure.get());
      }
    }
    List<ServiceMapping.Outcome> outcomes = new ArrayList<>();
    synchronized (memo) {
      Map<String, Memo> seen = new HashMap<>();
      boolean changed = false;
      for (TrackedInformer<V1Service, V1ServiceList> scope : scopes) {
        for (V1Service service : scope.cache().list()) {
          String key = key(service);
          String version = version(service);
          Memo cached = memo.get(key);
          if (cached == null || version == null || !version.equals(cached.resourceVersion())) {
            cached = new Memo(version, mapping.map(service), uid(service));
            changed = true;
          }
          seen.put(key, cached);
          ServiceMapping.Outcome outcome = cached.outcome();
          LastValid last = outcome instanceof ServiceMapping.Outcome.Rejected
              ? kept(key, cached) : null;
          if (last != null) {
            // a valid Service edited into an invalid one is bad input, no removal: its cluster
            // keeps the last valid mapping (and its claim on the ID) until it is fixed or gone
            outcomes.add(last.mapped());
            Rejection said = ((ServiceMapping.Outcome.Rejected) outcome).rejection();
            outcome = new ServiceMapping.Outcome.Rejected(outcome.subject(), new Rejection(
                said.subject(), said.reason(), said.message() + "; cluster "
                    + Quoting.quote(last.mapped().cluster().id().value()) + " keeps the mapping "
                    + "of the service's last valid version until it is fixed or deleted"));
          }
          outcomes.add(outcome);
        }
      }
      if (changed || seen.size() != memo.size()) { // else every Service stands as before
        Map<String, LastValid> valid = new HashMap<>();
        Map<ClusterId, ServiceMapping.Claim> invalid = new HashMap<>();
        seen.forEach((key, cached) -> {
          if (cached.outcome() instanceof ServiceMapping.Outcome.Mapped mapped) {
            valid.put(key, new LastValid(cached.uid(), mapped));
          } else if (kept(key, cached) != null) {
            valid.put(key, lastValid.get(key));
          }
          if (cached.outcome() instanceof ServiceMapping.Outcome.Rejected rejected
              && rejected.cluster().isPresent()) {
            invalid.merge(rejected.cluster().get(), rejected.claim().orElseThrow(),
                (a, b) -> a.compareTo(b) <= 0 ? a : b);
          }
        });
        memo.clear();
        memo.putAll(seen);
        lastValid.clear();
        lastValid.putAll(established(valid, invalid));
        serviceById = servicesById(lastValid);
      }
    }
    return ServiceMapping.snapshot(outcomes);
  }

  /**
   * The last valid mapping the Service at {@code key} keeps while it is invalid ({@code cached}
   * rejected): the one it stood for in the last snapshot, if it is the same object (same uid)
   * and does not claim another cluster now. An ID changed to another valid one is a definite
   * change, whatever else is wrong: the old cluster goes, as for a controller that starts now.
   */
  private LastValid kept(String key, Memo cached) {
    LastValid last = lastValid.get(key);
    return cached.outcome() instanceof ServiceMapping.Outcome.Rejected rejected && last != null
        && Objects.equals(last.uid(), cached.uid())
        && rejected.cluster().map(last.mapped().cluster().id()::equals).orElse(true)
        ? last : null;
  }

  /**
   * Of {@code valid}, the Services that stand for their cluster: the established claimant of
   * each ID, as {@link ServiceMapping#snapshot} picks it, unless an invalid Service claimed the
   * ID first ({@code invalid}: the first invalid claim of each ID), which then holds it. A later
   * claimant never stood for the cluster, so it has no mapping to keep when it turns invalid.
   */
  private static Map<String, LastValid> established(Map<String, LastValid> valid,
      Map<ClusterId, ServiceMapping.Claim> invalid) {
    Map<ClusterId, Map.Entry<String, LastValid>> first = new HashMap<>();
    for (Map.Entry<String, LastValid> e : valid.entrySet()) {
      first.merge(e.getValue().mapped().cluster().id(), e, (a, b) ->
          a.getValue().mapped().claim().compareTo(b.getValue().mapped().claim()) <= 0 ? a : b);
    }
    Map<String, LastValid> kept = new HashMap<>();
    first.forEach((id, e) -> {
      ServiceMapping.Claim held = invalid.get(id);
      if (held == null || e.getValue().mapped().claim().compareTo(held) <= 0) {
        kept.put(e.getKey(), e.getValue());
      }
    });
    return kept;
  }

  /** Of {@code standing}, the Service with the first claim on each cluster ID. */
  private static Map<ClusterId, String> servicesById(Map<String, LastValid> standing) {
    Map<ClusterId, Map.Entry<String, LastValid>> first = new HashMap<>();
    for (Map.Entry<String, LastValid> e : standing.entrySet()) {
      first.merge(e.getValue().mapped().cluster().id(), e, (a, b) ->
          a.getValue().mapped().claim().compareTo(b.getValue().mapped().claim()) <= 0 ? a : b);
    }
    Map<ClusterId, String> out = new HashMap<>();
    first.forEach((id, e) -> out.put(id, e.getKey()));
    return Map.copyOf(out);
  }

  /**
   * The Service ({@code namespace/name}) that defines guest cluster {@code id} in the last
   * snapshot, if one does: where an Event about that cluster belongs. Of several Services that
   * claim the ID, the established claimant, as {@link ServiceMapping#snapshot} keeps it. A
   * lookup, without the lock a snapshot holds while it maps Services.
   */
  public Optional<String> serviceOf(ClusterId id) {
    requireNonNull(id, "id == null");
    return Optional.ofNullable(serviceById.get(id));
  }

  /**
   * The uid of the watched Service {@code namespace/name}, if the informers' cache holds it:
   * what an Event about the Service names, so that {@code kubectl describe} lists it.
   */
  public Optional<String> uidOf(String service) {
    requireNonNull(service, "service == null");
    for (TrackedInformer<V1Service, V1ServiceList> scope : scopes) {
      V1Service found = scope.cache().getByKey(service);
      if (found != null && found.getMetadata() != null) {
        return Optional.ofNullable(found.getMetadata().getUid());
      }
    }
    return Optional.empty();
  }

  @Override
  public void addChangeListener(Runnable listener) {
    lifecycle.addListener(listener);
  }

  /** Stops the informers and releases {@link #awaitSynced} waiters. Idempotent. */
  @Override
  public void close() {
    lifecycle.close();
  }

  private static String key(V1Service service) {
    V1ObjectMeta meta = service.getMetadata();
    return meta == null ? "" : meta.getNamespace() + "/" + meta.getName();
  }

  private static String uid(V1Service service) {
    return service.getMetadata() == null ? null : service.getMetadata().getUid();
  }

  private static String version(V1Service service) {
    return service.getMetadata() == null ? null : service.getMetadata().getResourceVersion();
  }

  /**
   * Whether a change of a Service can change the snapshot: what it means before ({@code null}
   * for an add) differs from what it means after ({@code null} for a delete).
   */
  static boolean matters(ServiceMapping mapping, V1Service before, V1Service after) {
    ServiceMapping.Outcome was = before == null ? null : mapping.map(before);
    ServiceMapping.Outcome is = after == null ? null : mapping.map(after);
    boolean wasNothing = was == null || was instanceof ServiceMapping.Outcome.Ignored;
    boolean isNothing = is == null || is instanceof ServiceMapping.Outcome.Ignored;
    return !(wasNothing && isNothing) && !Objects.equals(was, is);
  }

  /** Notifies only when what a Service means changed; the listener then re-reads everything. */
  private final class Handler implements ResourceEventHandler<V1Service> {
    @Override
    public void onAdd(V1Service service) {
      if (matters(mapping, null, service)) {
        lifecycle.changed();
      }
    }

    @Override
    public void onUpdate(V1Service before, V1Service after) {
      if (matters(mapping, before, after)) {
        lifecycle.changed();
      }
    }

    @Override
    public void onDelete(V1Service service, boolean finalStateUnknown) {
      if (matters(mapping, service, null)) {
        lifecycle.changed();
      }
    }
  }
}
