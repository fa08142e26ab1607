package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretList;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.CertificateUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Client certificates from Kubernetes Secrets, one per guest cluster, found by labels (default
 * {@code clusterID=<id>, clusterComponent=prometheus}) in one namespace, with PEM data under
 * {@code ca}, {@code crt} and {@code key}. Served from an informer's cache, so a reconcile does
 * not call the API per cluster; parsed bundles are memoised per Secret resourceVersion.
 *
 * <p>Reasons: {@value #SECRET_MISSING}, {@value #SECRET_INCOMPLETE} (names the missing keys),
 * {@value #SECRET_AMBIGUOUS} (several Secrets match), {@value #SECRET_INVALID} (not PEM),
 * {@value #EXPIRED} (the certificate's notAfter is past on the injected clock) and
 * {@value #SOURCE_NOT_READY} (not synced yet, or the watch is failing and the cache has no usable
 * Secret: the absence is then not trusted). While the watch fails, a cached valid Secret is still
 * served: a slightly stale certificate is better than dropping the cluster.
 *
 * <p>Secrets are read one by one ({@link ItemByItem}): one that cannot be read (JSON Go's
 * decoder refuses in it) fails its own cluster only, {@value #SOURCE_NOT_READY} naming the
 * Secret and why, never missing; the cached last readable version, if any, is served with that
 * problem, a list too keeping it. One whose labels cannot be read makes every cluster with no
 * Secret not ready. One that cannot be told apart (no name, a namespace that is no string) fails
 * the list, or breaks the watch, as a whole.
 *
 * <p>Change listeners are told once after the first sync, whenever a Secret carrying the cluster
 * label is added, deleted or changes its labels or data, and when a failing informer recovers.
 *
 * <p>Thread-safe. {@link #start()} and {@link #close()} are idempotent; a closed source cannot be
 * started again.
 */
public final class SecretCertificateSource implements CertificateSource {
  /** No Secret carries the cluster's labels. */
  public static final String SECRET_MISSING = "secret-missing";
  /** The Secret lacks one of the data keys. */
  public static final String SECRET_INCOMPLETE = "secret-incomplete";
  /** More than one Secret carries the cluster's labels. */
  public static final String SECRET_AMBIGUOUS = "secret-ambiguous";
  /** The Secret's data is not a PEM certificate or key. */
  public static final String SECRET_INVALID = "secret-invalid";
  /** The Secret's client certificate has expired. */
  public static final String EXPIRED = "expired";
  /** The Secret informer has not synced, or is failing. */
  public static final String SOURCE_NOT_READY = "source-not-ready";

  private static final String CLUSTER_INDEX = "cluster";

  private record Memo(String resourceVersion, CertificateBundle bundle) {}

  private final SecretSettings settings;
  private final Clock clock;
  private final TrackedInformer<V1Secret, V1SecretList> informer;
  private final SourceInformers lifecycle = new SourceInformers("secret certificate source");
  /** The Secrets listed or watched that cannot be read, each failing its own cluster. */
  private final UnreadableObjects unreadable;
  private final String clusterLabel;
  private final SecretEvents events;
  private final Map<String, Memo> parsed = new ConcurrentHashMap<>();
  /** Whether {@link #close()} forgot the bundles: none is kept after; guarded by parsed. */
  private boolean forgotten;
  /** Told the key of each Secret parsed, before its bundle is kept; tests only. */
  private final Consumer<String> afterParse;

  /** Builds the informer on the system clock; nothing is contacted until {@link #start()}. */
  public SecretCertificateSource(ApiClient client, SecretSettings settings,
      WatchSettings watchSettings) {
    this(client, settings, watchSettings, Clock.systemUTC());
  }

  /**
   * Builds the informer; nothing is contacted until {@link #start()}.
   *
   * @param clock judges certificate expiry
   */
  public SecretCertificateSource(ApiClient client, SecretSettings settings,
      WatchSettings watchSettings, Clock clock) {
    this(client, settings, watchSettings, clock, secret -> {});
  }

  /** As above; {@code afterParse} is told the key of each Secret parsed, before it is kept. */
  SecretCertificateSource(ApiClient client, SecretSettings settings,
      WatchSettings watchSettings, Clock clock, Consumer<String> afterParse) {
    this.afterParse = requireNonNull(afterParse, "afterParse == null");
    requireNonNull(client, "client == null");
    this.settings = requireNonNull(settings, "settings == null");
    requireNonNull(watchSettings, "watchSettings == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.unreadable = new UnreadableObjects("secret", lifecycle::changed);
    CoreV1Api api = new CoreV1Api(client);
    String selector = settings.watchSelector();
    String namespace = settings.namespace();
    this.informer = new TrackedInformer<>(client,
        params -> api.listNamespacedSecret(namespace).labelSelector(selector)
            .resourceVersion(params.resourceVersion).watch(params.watch)
            .allowWatchBookmarks(Boolean.TRUE.equals(params.watch) ? Boolean.TRUE : null)
            .timeoutSeconds(params.timeoutSeconds).buildCall(null),
        V1Secret.class, V1SecretList.class,
        "secrets matching " + Quoting.quote(selector)
            + " in namespace " + Quoting.quote(namespace),
        watchSettings, lifecycle::changed, new ItemByItem("secret", unreadable,
            this::cached));
    // index by the label that names the cluster, so a lookup is not a scan of every Secret
    this.clusterLabel = settings.labels().entrySet().stream()
        .filter(e -> e.getValue().contains(SecretSettings.CLUSTER_PLACEHOLDER))
        .map(Map.Entry::getKey).findFirst().orElseThrow();
    this.events = new SecretEvents(clusterLabel, lifecycle::changed, this::forgetUnless,
        parsed::remove, unreadable);
    informer.cache().addIndexFunc(CLUSTER_INDEX, secret -> {
      String value = events.clusterLabelOf(secret);
      return value == null ? List.of() : List.of(value);
    });
    informer.addEventHandler(events);
    lifecycle.add(informer);
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

  /** Whether the first list has completed (and the source is open). */
  public boolean hasSynced() {
    return lifecycle.hasSynced();
  }

  /**
   * Waits until the first list has completed.
   *
   * @return true if synced; false if the timeout passed first or the source was closed
   * @throws IllegalStateException if the source was never started
   */
  @Override
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    return lifecycle.awaitSynced(timeout);
  }

  /**
   * A bundle or a problem per cluster; {@link CertificateObservation#nextAttention()} is the
   * earliest expiry of the served certificates (then that cluster's reason becomes
   * {@value #EXPIRED}). While the Secrets cannot be listed or watched, a certificate of the last
   * good list is served with that failure as its problem ({@value #SOURCE_NOT_READY}): the
   * cluster keeps its jobs and shows as degraded, so the failure is seen. Never throws for one
   * cluster.
   */
  @Override
  public CertificateObservation observe(Collection<GuestCluster> clusters) {
    requireNonNull(clusters, "clusters == null");
    Optional<String> failure = informer.failure();
    CertificateObservation observation =
        CertificateObservation.ofEach(clusters, this::certificateFor, Optional.empty());
    Optional<Instant> firstExpiry = observation.bundles().values().stream()
        .map(CertificateBundle::notAfter).min(Comparator.naturalOrder());
    SortedMap<ClusterId, Rejection> problems = new TreeMap<>(observation.problems());
    failure.ifPresent(cause -> observation.bundles().keySet().forEach(id ->
        problems.putIfAbsent(id, new Rejection(id.value(), SOURCE_NOT_READY, cause
            + "; serving the certificate of cluster " + Quoting.quote(id.value())
            + " from the last secrets listed"))));
    for (GuestCluster cluster : clusters) {
      ClusterId id = cluster.id();
      if (observation.bundles().containsKey(id) && !problems.containsKey(id)) {
        unreadableFor(cluster, matches(cluster)).ifPresent(unread -> problems.put(id,
            new Rejection(id.value(), SOURCE_NOT_READY, unread + "; serving the certificate of"
                + " cluster " + Quoting.quote(id.value()) + " from its last readable secret")));
      }
    }
    return new CertificateObservation(observation.bundles(), problems, firstExpiry);
  }

  @Override
  public void addChangeListener(Runnable listener) {
    lifecycle.addListener(listener);
  }

  /** What it watches and how that goes, for the log line of a source that is late to sync. */
  @Override
  public String toString() {
    return "SecretCertificateSource{" + informer.description()
        + (lifecycle.hasSynced() ? ", synced" : ", not synced")
        + informer.failure().map(failure -> ", failing: " + failure).orElse("") + "}";
  }

  /**
   * The bundle of one cluster from the informer's cache.
   *
   * @throws CertificateUnavailableException with one of the reasons above;
   *     {@value #SOURCE_NOT_READY} for a cluster whose Secret cannot be read, and whose cached
   *     one, if any, is no usable bundle
   */
  public CertificateBundle certificateFor(GuestCluster cluster) {
    requireNonNull(cluster, "cluster == null");
    String id = cluster.id().value();
    if (!lifecycle.hasSynced()) {
      throw new CertificateUnavailableException(cluster.id(), SOURCE_NOT_READY,
          informer.description() + (lifecycle.isClosed() ? " are no longer watched (closed)"
              : " have not synced yet" + informer.failure().map(f -> " (" + f + ")").orElse(""))
              + "; no certificate for cluster " + Quoting.quote(id));
    }
    Optional<String> failure = informer.failure();
    List<V1Secret> matches = matches(cluster);
    try {
      return lookup(cluster, matches);
    } catch (CertificateUnavailableException e) {
      if (failure.isPresent() && !e.reason().equals(SECRET_INVALID)) {
        throw new CertificateUnavailableException(cluster.id(), SOURCE_NOT_READY,
            failure.get() + "; cannot tell whether cluster " + Quoting.quote(id)
                + " has a usable certificate secret", e);
      }
      // a newer version of its Secret, or another Secret for it, that cannot be read: the
      // source fails for this cluster, its Secret is not missing, nor its cached one the last
      Optional<String> unread = unreadableFor(cluster, matches)
          .or(() -> e.reason().equals(SECRET_MISSING) ? unreadable.withoutLabels()
              : Optional.empty());
      if (unread.isPresent()) {
        throw new CertificateUnavailableException(cluster.id(), SOURCE_NOT_READY,
            unread.get() + "; cannot tell whether cluster " + Quoting.quote(id)
                + " has a usable certificate secret", e);
      }
      throw e;
    }
  }

  /** The cached Secrets carrying {@code cluster}'s labels. */
  private List<V1Secret> matches(GuestCluster cluster) {
    SortedMap<String, String> wanted = settings.labelsFor(cluster.id().value());
    List<V1Secret> matches = new ArrayList<>();
    for (V1Secret secret : informer.cache().byIndex(CLUSTER_INDEX, wanted.get(clusterLabel))) {
      Map<String, String> labels = secret.getMetadata().getLabels();
      if (labels != null && labels.entrySet().containsAll(wanted.entrySet())) {
        matches.add(secret);
      }
    }
    return matches;
  }

  /**
   * What says that a Secret that may be {@code cluster}'s cannot be read: one carrying its
   * labels, or a newer version of one of {@code matches}, its cached Secrets.
   */
  private Optional<String> unreadableFor(GuestCluster cluster, List<V1Secret> matches) {
    return unreadable.matching(settings.labelsFor(cluster.id().value()),
        matches.stream().map(SecretCertificateSource::key).toList());
  }

  private CertificateBundle lookup(GuestCluster cluster, List<V1Secret> found) {
    String id = cluster.id().value();
    String labelText = Quoting.quote(settings.selectorFor(id));
    List<V1Secret> matches = new ArrayList<>(found);
    if (matches.isEmpty()) {
      throw new CertificateUnavailableException(cluster.id(), SECRET_MISSING,
          "no secret with labels " + labelText + " in namespace "
              + Quoting.quote(settings.namespace()) + " for cluster " + Quoting.quote(id));
    }
    matches.sort(Comparator.comparing(s -> s.getMetadata().getName()));
    if (matches.size() > 1) {
      throw new CertificateUnavailableException(cluster.id(), SECRET_AMBIGUOUS,
          "more than one secret with labels " + labelText + " for cluster " + Quoting.quote(id)
              + ": " + matches.stream().map(SecretCertificateSource::name)
                  .collect(Collectors.joining(", ")));
    }
    V1Secret secret = matches.get(0);
    String name = name(secret);
    CertificateBundle bundle = parse(cluster, secret, name);
    if (!bundle.notAfter().isAfter(clock.instant())) {
      throw new CertificateUnavailableException(cluster.id(), EXPIRED, "certificate of " + name
          + " for cluster " + Quoting.quote(id) + " expired at "
          + DateTimeFormatter.ISO_INSTANT.format(bundle.notAfter()));
    }
    return bundle;
  }

  private CertificateBundle parse(GuestCluster cluster, V1Secret secret, String name) {
    V1ObjectMeta meta = secret.getMetadata();
    Memo memo = parsed.get(key(secret));
    if (memo != null && memo.resourceVersion() != null
        && memo.resourceVersion().equals(meta.getResourceVersion())) {
      return memo.bundle();
    }
    CertificateBundle bundle = SecretBundles.read(cluster.id(), secret.getData(), name,
        settings);
    afterParse.accept(key(secret));
    keep(key(secret), new Memo(meta.getResourceVersion(), bundle));
    return bundle;
  }

  /**
   * Keeps {@code memo} for the Secret at {@code key} while the informer's cache holds that
   * version. The Secret was read from the cache before it was parsed: a delete handled meanwhile
   * found nothing to forget, and its bundle, private key included, would stay for a Secret that
   * is gone. The cache drops a Secret before the delete's handler runs, so looking after the
   * bundle is kept misses no delete: one that came earlier is seen here, a later one's handler
   * forgets it. Nothing is kept once {@link #close()} forgot the bundles: a lookup under way
   * while the source closes would put one back, private key included, for good.
   */
  private void keep(String key, Memo memo) {
    synchronized (parsed) {
      if (forgotten) {
        return;
      }
      parsed.put(key, memo);
    }
    V1Secret current = informer.cache().getByKey(key);
    if (current == null || current.getMetadata() == null
        || !Objects.equals(current.getMetadata().getResourceVersion(), memo.resourceVersion())) {
      parsed.remove(key, memo);
    }
  }

  /** The version of the Secret at {@code key} the informer's cache holds, or null. */
  private V1Secret cached(String key) {
    return informer.cache().getByKey(key);
  }

  /** Forgets the parsed bundle of the Secret at {@code key} unless it is of {@code version}. */
  private void forgetUnless(String key, String version) {
    parsed.computeIfPresent(key,
        (k, memo) -> Objects.equals(memo.resourceVersion(), version) ? memo : null);
  }

  /** The Secrets ({@code namespace/name}) whose parsed bundle is kept. */
  Set<String> parsedSecrets() {
    return Set.copyOf(parsed.keySet());
  }

  /**
   * Stops the informer, releases {@link #awaitSynced} waiters and forgets the parsed bundles for
   * good: none is kept after, not even by a lookup under way. Idempotent.
   */
  @Override
  public void close() {
    lifecycle.close();
    synchronized (parsed) {
      forgotten = true;
      parsed.clear();
    }
  }

  /**
   * Whether a change can change an observation: a Secret naming a cluster appeared or went, or
   * its labels or data changed (an annotation or a new resourceVersion alone cannot).
   */
  boolean matters(V1Secret before, V1Secret after) {
    return events.matters(before, after);
  }

  private static String key(V1Secret secret) {
    return secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
  }

  private static String name(V1Secret secret) {
    return "secret " + Quoting.quote(key(secret));
  }
}
