package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.informer.impl.DefaultSharedIndexInformer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.CallGenerator;
import io.promcc.core.port.Sleeper;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One client-java informer with its {@link TrackedListerWatcher} and {@link InformerHealth}: the
 * plumbing the Service and Secret sources share. Thread-safe.
 */
final class TrackedInformer<T extends KubernetesObject, L extends KubernetesListObject> {
  private final String description;
  private final InformerHealth health;
  private final DefaultSharedIndexInformer<T, L> informer;
  private final Cache<T> cache;
  private final TrackedListerWatcher<T, L> listerWatcher;

  /**
   * @param description lower-case, e.g. {@code secrets in namespace "x"}; used in messages
   * @param onChange run when a list/watch starts failing or works again
   */
  TrackedInformer(ApiClient client, CallGenerator calls, Class<T> type, Class<L> listType,
      String description, WatchSettings settings, Runnable onChange) {
    this(client, calls, type, listType, description, settings, onChange, System::nanoTime,
        Sleeper.SYSTEM, Later.SYSTEM);
  }

  /**
   * @param ticker nanoseconds, as {@link System#nanoTime()}, for the lister-watcher's pauses
   * @param sleeper waits out those pauses
   * @param later runs the lister-watcher's checks of an open watch on the ticker's time
   */
  TrackedInformer(ApiClient client, CallGenerator calls, Class<T> type, Class<L> listType,
      String description, WatchSettings settings, Runnable onChange, LongSupplier ticker,
      Sleeper sleeper, Later later) {
    this(client, calls, type, listType, description, settings, onChange, ticker, sleeper, later,
        null);
  }

  /**
   * As above, reading objects one by one with {@code items} ({@link ItemByItem}) unless null.
   */
  TrackedInformer(ApiClient client, CallGenerator calls, Class<T> type, Class<L> listType,
      String description, WatchSettings settings, Runnable onChange, ItemByItem items) {
    this(client, calls, type, listType, description, settings, onChange, System::nanoTime,
        Sleeper.SYSTEM, Later.SYSTEM, items);
  }

  private TrackedInformer(ApiClient client, CallGenerator calls, Class<T> type,
      Class<L> listType, String description, WatchSettings settings, Runnable onChange,
      LongSupplier ticker, Sleeper sleeper, Later later, ItemByItem items) {
    this.description = requireNonNull(description, "description == null");
    this.health = new InformerHealth(requireNonNull(onChange, "onChange == null"));
    this.cache = new Cache<>();
    this.listerWatcher = new TrackedListerWatcher<>(
        client, calls, type, listType, description, health, settings, ticker, sleeper, later,
        items);
    this.informer = new DefaultSharedIndexInformer<>(type, listerWatcher, 0, cache,
        (t, error) -> listerWatcher.reflectorFailed(error));
  }

  String description() {
    return description;
  }

  void addEventHandler(ResourceEventHandler<T> handler) {
    informer.addEventHandler(handler);
  }

  /** The informer's cache (add indexers before {@link #start()}). */
  Cache<T> cache() {
    return cache;
  }

  void start() {
    informer.run();
  }

  /**
   * Stops the informer: what the stop interrupts is no failure
   * ({@link TrackedListerWatcher#stop()}).
   */
  void stop() {
    listerWatcher.stop();
    informer.stop();
  }

  boolean hasSynced() {
    return informer.hasSynced();
  }

  /** The current list/watch failure, if any; ends one that a lasting watch proves over. */
  Optional<String> failure() {
    listerWatcher.checkLastingWatch();
    return health.failure();
  }
}
