package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory {@link GuestClusterSource} with scriptable failures: clusters and rejections are
 * set by the test; it can be unsynced (until {@link #sync()}) or failing ({@link #fail}), and
 * then {@link #snapshot()} throws {@link SourceNotReadyException} as the real source does.
 * Listeners run on the calling thread at every change. Passes {@link GuestClusterSourceContract}.
 * Thread-safe (synchronized).
 */
public final class FakeClusterSource implements GuestClusterSource {
  private final SortedMap<ClusterId, GuestCluster> clusters = new TreeMap<>();
  private final List<Rejection> rejections = new ArrayList<>();
  private final SortedMap<ClusterId, Rejection> unreadable = new TreeMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private boolean synced = true;
  private boolean started;
  private boolean closed;
  private String failure;
  private int snapshots;

  /** A synced source listing {@code initial}. */
  public FakeClusterSource(GuestCluster... initial) {
    for (GuestCluster cluster : initial) {
      clusters.put(cluster.id(), cluster);
    }
  }

  /** A source that has not synced yet: snapshots throw until {@link #sync()}. */
  public static FakeClusterSource unsynced() {
    FakeClusterSource source = new FakeClusterSource();
    source.synced = false;
    return source;
  }

  /** Adds or replaces a cluster; it is readable from now on. */
  public void put(GuestCluster cluster) {
    synchronized (this) {
      clusters.put(cluster.id(), cluster);
      unreadable.remove(cluster.id());
    }
    notifyListeners();
  }

  /** Removes a cluster (a definite removal), listed or unreadable. */
  public void remove(ClusterId id) {
    synchronized (this) {
      clusters.remove(id);
      unreadable.remove(id);
    }
    notifyListeners();
  }

  /**
   * Makes cluster {@code id} present but unreadable, as a Service the controller has no valid
   * version of: no longer listed, its object rejected with {@code why} (also one of the
   * snapshot's rejections), until {@link #put} or {@link #remove}.
   */
  public void unreadable(ClusterId id, Rejection why) {
    synchronized (this) {
      clusters.remove(id);
      unreadable.put(id, requireNonNull(why, "why == null"));
    }
    notifyListeners();
  }

  /** Replaces the rejected objects. */
  public void setRejections(List<Rejection> newRejections) {
    synchronized (this) {
      rejections.clear();
      rejections.addAll(newRejections);
    }
    notifyListeners();
  }

  /** Completes the first list. */
  public void sync() {
    synchronized (this) {
      synced = true;
      notifyAll(); // awaitSynced
    }
    notifyListeners();
  }

  /** Makes snapshots fail with {@code message} (a failing list/watch); null recovers. */
  public void fail(String message) {
    synchronized (this) {
      failure = message;
    }
    notifyListeners();
  }

  @Override
  public synchronized ClusterSnapshot snapshot() {
    snapshots++;
    if (closed) {
      throw new SourceNotReadyException("fake cluster source is closed");
    }
    if (!synced) {
      throw new SourceNotReadyException("fake cluster source has not synced yet");
    }
    if (failure != null) {
      throw new SourceNotReadyException(failure);
    }
    List<Rejection> all = new ArrayList<>(rejections);
    all.addAll(unreadable.values());
    return new ClusterSnapshot(List.copyOf(clusters.values()), all, unreadable);
  }

  @Override
  public void addChangeListener(Runnable listener) {
    listeners.add(requireNonNull(listener, "listener == null"));
  }

  @Override
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("fake cluster source is closed");
    }
    started = true;
  }

  /** Waits for {@link #sync()} up to {@code timeout}, as the real sources do. */
  @Override
  public synchronized boolean awaitSynced(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (long left = timeout.toNanos(); !synced && !closed && left > 0;
        left = deadline - System.nanoTime()) {
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return synced && !closed;
  }

  @Override
  public synchronized void close() {
    closed = true;
    notifyAll(); // awaitSynced
  }

  /** Whether {@link #start()} was called. */
  public synchronized boolean started() {
    return started;
  }

  /** The IDs of the clusters listed now, whether or not the source is failing. */
  public synchronized java.util.Set<ClusterId> ids() {
    return new java.util.TreeSet<>(clusters.keySet());
  }

  /** How many snapshots were asked for. */
  public synchronized int snapshots() {
    return snapshots;
  }

  private void notifyListeners() {
    listeners.forEach(Runnable::run);
  }
}
