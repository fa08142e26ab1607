package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The lifecycle a source built on informers needs ({@link io.promcc.core.port.Lifecycle}): start
 * once, tell when every informer has synced, wait for that with a bound, close for good; and its
 * change listeners, told once after the first sync and then about every relevant change and
 * every recovery. Shared by the Service and the Secret sources.
 *
 * <p>Thread-safe. Listeners run on informer threads and must return quickly; one that throws is
 * logged and the others still run.
 */
final class SourceInformers {
  private static final System.Logger LOG = System.getLogger(SourceInformers.class.getName());
  private static final long SYNC_POLL_MILLIS = 50;

  private final String name;
  private final List<TrackedInformer<?, ?>> informers = new CopyOnWriteArrayList<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  /** Counted down once every informer synced, or the source closed: whichever comes first. */
  private final CountDownLatch settled = new CountDownLatch(1);
  private final Object lock = new Object();
  private boolean started;
  private boolean closed;
  private volatile boolean synced;
  private ScheduledExecutorService syncWatcher;

  /** @param name lower-case, e.g. {@code service cluster source}; used in messages */
  SourceInformers(String name) {
    this.name = requireNonNull(name, "name == null");
  }

  /** Adds an informer; all are added before {@link #start()}. */
  void add(TrackedInformer<?, ?> informer) {
    informers.add(requireNonNull(informer, "informer == null"));
  }

  void addListener(Runnable listener) {
    listeners.add(requireNonNull(listener, "listener == null"));
  }

  /**
   * Starts every informer and watches for the first complete sync. Idempotent.
   *
   * @throws IllegalStateException if closed
   */
  void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException(name + " is closed");
      }
      if (started) {
        return;
      }
      started = true;
      informers.forEach(TrackedInformer::start);
      // informers have no "synced" callback: poll until all are, then tell the listeners once
      syncWatcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "promcc-sync-watcher");
        thread.setDaemon(true);
        return thread;
      });
      syncWatcher.scheduleWithFixedDelay(this::checkSynced, 0, SYNC_POLL_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  private void checkSynced() {
    if (synced || !informers.stream().allMatch(TrackedInformer::hasSynced)) {
      return;
    }
    synchronized (lock) {
      if (closed) {
        return;
      }
      synced = true;
      settled.countDown();
      syncWatcher.shutdown();
    }
    notifyListeners();
  }

  /** Whether every informer has completed its first list (and the source is open). */
  boolean hasSynced() {
    return synced && !isClosed();
  }

  boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /**
   * Waits until every informer has synced, the source is closed, or {@code timeout} passed.
   *
   * @return true if synced and still open
   * @throws IllegalStateException if the source was never started
   */
  boolean awaitSynced(Duration timeout) throws InterruptedException {
    requireNonNull(timeout, "timeout == null");
    synchronized (lock) {
      if (!started && !closed) {
        throw new IllegalStateException(name + " has not been started");
      }
    }
    settled.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    return hasSynced();
  }

  /** The first current list/watch failure of any informer. */
  Optional<String> failure() {
    return informers.stream().map(TrackedInformer::failure).flatMap(Optional::stream).findFirst();
  }

  /** Tells the listeners about a change, but only once the first sync was reported. */
  void changed() {
    if (synced && !isClosed()) {
      notifyListeners();
    }
  }

  /** Stops every informer and releases waiters. Idempotent. */
  void close() {
    boolean wasStarted;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      wasStarted = started;
      if (syncWatcher != null) {
        syncWatcher.shutdownNow();
      }
    }
    settled.countDown();
    if (wasStarted) {
      informers.forEach(TrackedInformer::stop);
    }
  }

  private void notifyListeners() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        // a listener's failure must not stop the informer's event delivery
        LOG.log(System.Logger.Level.WARNING, name + " change listener failed", e);
      }
    }
  }
}
