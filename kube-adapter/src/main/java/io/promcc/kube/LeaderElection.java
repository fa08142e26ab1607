package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.kubernetes.client.extended.leaderelection.LeaderElector;
import io.kubernetes.client.openapi.ApiClient;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Leader election with a {@code coordination.k8s.io/v1} Lease, on client-java's
 * {@link LeaderElector}, wrapped so that it behaves as a long-running replica needs:
 *
 * <ul>
 *   <li>A {@code LeaderElector} run ends for good when leadership is lost (client-java #714);
 *       here a loop starts a fresh elector each round, so a replica that lost the lease competes
 *       again and followers stay ready to take over.
 *   <li>An expired or released lease is taken over at once (client-java #4913), see
 *       {@link ExpiryAwareLeaseLock}.
 *   <li>{@link #isLeader()} is true only between the start and stop callbacks of the same round,
 *       even though client-java runs the start hook asynchronously.
 * </ul>
 *
 * <p>Thread-safe. {@link #start()} is idempotent; {@link #close()} stops competing and, if this
 * replica leads, releases the lease so another one takes over without waiting for it to expire.
 */
public final class LeaderElection implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LeaderElection.class.getName());

  private final ApiClient client;
  private final LeaderElectionSettings settings;
  private final Clock clock;
  private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition stopping = lock.newCondition();
  private final AtomicReference<String> observedLeader = new AtomicReference<>();
  private final Thread runner;
  private volatile boolean leader;
  private volatile boolean closed;
  private boolean started;
  private long round;
  private boolean roundOver;

  /** Prepares the election; nothing is contacted until {@link #start()}. */
  public LeaderElection(ApiClient client, LeaderElectionSettings settings, Clock clock) {
    this.client = requireNonNull(client, "client == null");
    this.settings = requireNonNull(settings, "settings == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.runner = new Thread(this::compete, "promcc-leader-election");
    runner.setDaemon(true);
  }

  /** Registers a listener; register before {@link #start()} to see every transition. */
  public void addListener(LeadershipListener listener) {
    listeners.add(requireNonNull(listener, "listener == null"));
  }

  /** Starts competing for the lease in a background thread. Idempotent. */
  public void start() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("leader election is closed");
      }
      if (!started) {
        started = true;
        runner.start();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Whether this replica holds the lease now. Only the leader writes. */
  public boolean isLeader() {
    return leader;
  }

  /** The identity last observed holding the lease, if any. */
  public Optional<String> observedLeader() {
    return Optional.ofNullable(observedLeader.get());
  }

  /** This replica's identity. */
  public String identity() {
    return settings.identity();
  }

  private void compete() {
    while (!closed) {
      long thisRound = beginRound();
      LeaderElector elector = new LeaderElector(new LeaderElectionConfig(
          new ExpiryAwareLeaseLock(client, settings.namespace(), settings.leaseName(),
              settings.identity(), settings.retryPeriod(), clock),
          settings.leaseDuration(), settings.renewDeadline(), settings.retryPeriod()),
          error -> LOG.log(System.Logger.Level.DEBUG, "lease attempt failed", error));
      try {
        elector.run(() -> startedLeading(thisRound), () -> stoppedLeading(thisRound),
            this::newLeader);
      } finally {
        // frees the elector's threads; releases the lease if this replica still holds it
        elector.close();
      }
      pauseBeforeNextRound();
    }
  }

  private long beginRound() {
    lock.lock();
    try {
      roundOver = false;
      return ++round;
    } finally {
      lock.unlock();
    }
  }

  private void startedLeading(long thisRound) {
    lock.lock();
    try {
      // client-java submits this hook asynchronously: it may arrive after the round ended
      if (thisRound != round || roundOver || closed) {
        return;
      }
      leader = true;
    } finally {
      lock.unlock();
    }
    listeners.forEach(LeadershipListener::startedLeading);
  }

  private void stoppedLeading(long thisRound) {
    boolean wasLeader;
    lock.lock();
    try {
      if (thisRound != round) {
        return;
      }
      roundOver = true;
      wasLeader = leader;
      leader = false;
    } finally {
      lock.unlock();
    }
    if (wasLeader) {
      listeners.forEach(LeadershipListener::stoppedLeading);
    }
  }

  private void newLeader(String identity) {
    observedLeader.set(identity);
    listeners.forEach(l -> l.newLeader(identity));
  }

  private void pauseBeforeNextRound() {
    lock.lock();
    try {
      if (!closed) {
        stopping.await(settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      // close() interrupts: the loop condition ends the thread
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops competing; a leader steps down (listeners are told) and releases the lease. Waits up to
   * the renew deadline for the background thread. Idempotent.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      stopping.signalAll();
    } finally {
      lock.unlock();
    }
    if (runner.isAlive()) {
      runner.interrupt();
      try {
        runner.join(settings.renewDeadline().toMillis() + settings.retryPeriod().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
