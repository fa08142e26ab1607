package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Leader election with a {@code coordination.k8s.io/v1} Lease, with the rules client-go uses and
 * three guarantees a controller needs before a cluster-wide side effect:
 *
 * <ul>
 *   <li>{@link #isLeader()} is true only while this replica holds the Lease and is within its
 *       local deadline: {@code renewDeadline} after the start of its last successful acquire or
 *       renew, measured on a monotonic clock. It turns false on time even while a call hangs, and
 *       before any other replica may take the Lease over (that takes a full lease duration of
 *       unchanged observation, or of absence for a Lease deleted after it was seen, longer than
 *       the renew deadline). Check it, or use
 *       {@link #runIfLeader}, right before each side effect.
 *   <li>Lease expiry is judged by the local time at which the current Lease version was first
 *       observed, never by comparing the Lease's {@code renewTime} (written by another machine's
 *       clock) with the local clock. A released Lease (no holder) is taken over at once.
 *   <li>Listeners hear {@code startedLeading} and {@code stoppedLeading} strictly alternating, on
 *       one thread, under one lock with {@link #close()}: {@code startedLeading} never follows
 *       {@code stoppedLeading} of the same term, nor {@code close()}.
 * </ul>
 *
 * <p>A replica that lost the Lease keeps competing. Every Lease call has the retry period as its
 * deadline. Thread-safe. {@link #start()} is idempotent; {@link #close()} stops competing and, if
 * the Lease still names this replica, releases it so another takes over without waiting.
 */
public final class LeaderElection implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LeaderElection.class.getName());
  /** Followers wait up to this much longer than the retry period, as client-go does. */
  private static final double JITTER = 1.2;
  private static final String READ_FAILURE = "cannot read lease ";

  private final LeaseLock lock;
  private final LeaderElectionSettings settings;
  private final Clock clock;
  private final LongSupplier ticker;
  private final LeadershipListeners listeners = new LeadershipListeners();
  /** Guards the state below; listeners are called while it is held. */
  private final ReentrantLock state = new ReentrantLock();
  private final Condition wake = state.newCondition();
  private final Thread runner;
  private volatile boolean leading;
  private volatile long validUntil;
  private volatile String observedLeader;
  private LeaseLock.Observed observed;
  private long observedAt;
  /** The Lease call failures warned about. Runner thread only. */
  private final LeaseCallFailures failures;
  /** When the Lease was first found missing after one was seen; null if present. */
  private Long absentSince;
  private boolean started;
  private boolean closed;

  /** Prepares the election; nothing is contacted until {@link #start()}. */
  public LeaderElection(ApiClient client, LeaderElectionSettings settings, Clock clock) {
    this(client, settings, clock, System::nanoTime);
  }

  /**
   * @param clock writes the Lease's acquire and renew times (informational only)
   * @param ticker monotonic nanoseconds; every decision is made on it
   */
  LeaderElection(ApiClient client, LeaderElectionSettings settings, Clock clock,
      LongSupplier ticker) {
    this.settings = requireNonNull(settings, "settings == null");
    this.lock = new LeaseLock(requireNonNull(client, "client == null"), settings.namespace(),
        settings.leaseName(), settings.retryPeriod());
    this.failures = new LeaseCallFailures(lock);
    this.clock = requireNonNull(clock, "clock == null");
    this.ticker = requireNonNull(ticker, "ticker == null");
    this.runner = new Thread(this::compete, "promcc-leader-election");
    runner.setDaemon(true);
  }

  /** Registers a listener; register before {@link #start()} to see every transition. */
  public void addListener(LeadershipListener listener) {
    listeners.add(listener);
  }

  /**
   * Starts competing for the Lease in a background thread. Idempotent.
   *
   * @throws IllegalStateException if closed
   */
  public void start() {
    state.lock();
    try {
      if (closed) {
        throw new IllegalStateException("leader election is closed");
      }
      if (!started) {
        started = true;
        runner.start();
      }
    } finally {
      state.unlock();
    }
  }

  /**
   * Whether this replica holds the Lease and is within its local deadline now. Only the leader
   * performs cluster-wide side effects; check right before each one.
   */
  public boolean isLeader() {
    return leading && ticker.getAsLong() - validUntil < 0;
  }

  /**
   * Runs {@code action} on the calling thread if this replica leads now.
   *
   * @return whether it ran. Leadership is checked once, right before: keep the action short
   *     compared with the renew deadline, there is no fencing.
   */
  public boolean runIfLeader(Runnable action) {
    requireNonNull(action, "action == null");
    if (!isLeader()) {
      return false;
    }
    action.run();
    return true;
  }

  /** The identity last observed holding the Lease, if any. */
  public Optional<String> observedLeader() {
    return Optional.ofNullable(observedLeader);
  }

  /** This replica's identity. */
  public String identity() {
    return settings.identity();
  }

  private void compete() {
    while (true) {
      state.lock();
      try {
        if (closed) {
          return;
        }
      } finally {
        state.unlock();
      }
      try {
        step();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "leader election attempt failed", e);
      }
      pause(isLeader() ? settings.retryPeriod().toNanos()
          : (long) (settings.retryPeriod().toNanos()
              * (1 + JITTER * ThreadLocalRandom.current().nextDouble())));
    }
  }

  private void pause(long nanos) {
    state.lock();
    try {
      long left = nanos;
      while (!closed && left > 0) {
        left = wake.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      // close() interrupts: the loop ends when it sees closed
    } finally {
      state.unlock();
    }
  }

  /**
   * One attempt to acquire or renew. The background thread calls it every retry period; tests
   * call it directly (without {@link #start()}) to step the election on an injected ticker.
   */
  void step() {
    state.lock();
    try {
      if (closed) {
        return; // a closed election neither competes nor writes
      }
    } finally {
      state.unlock();
    }
    long attempt = ticker.getAsLong();
    if (leading && attempt - validUntil >= 0) {
      stepDown("its lease was not renewed within the renew deadline");
    }
    Optional<LeaseLock.Observed> current;
    try {
      current = lock.read();
    } catch (ApiException | RuntimeException e) {
      failed(READ_FAILURE + lock.describe() + ": " + FailureText.describe(e, lock.server()),
          e);
      return;
    }
    if (failures.lastStartsWith(READ_FAILURE)) {
      failures.worksAgain(); // a read failure ends with a read; a write failure only with a write
    }
    if (current.isEmpty()) {
      Optional<LeaseLock.Observed> last = Optional.ofNullable(observed);
      if (last.isPresent() && !(leading && attempt - validUntil < 0)) {
        // deleted (by hand, or its namespace made anew) while another replica may hold it: it
        // counts itself leader until its renew deadline, so the absence is observed for a lease
        // duration, as an unchanged Lease would be. Only a replica within its own renew
        // deadline knows no other took it over; its own stale view as holder proves nothing
        if (absentSince == null) {
          absentSince = attempt;
        }
        Duration duration = last.get().leaseDuration().orElse(settings.leaseDuration());
        if (ticker.getAsLong() - absentSince < duration.toNanos()) {
          return;
        }
      }
      write(attempt, Optional.empty(), 0);
      return;
    }
    absentSince = null;
    LeaseLock.Observed lease = current.get();
    observe(lease);
    Optional<String> holder = lease.holder();
    if (holder.isPresent() && holder.get().equals(identity())) {
      write(attempt, current, lease.transitions());
      return;
    }
    if (holder.isPresent()) {
      if (leading) {
        stepDown("lease " + lock.describe() + " is now held by " + holder.get());
      }
      Duration duration = lease.leaseDuration().orElse(settings.leaseDuration());
      if (ticker.getAsLong() - observedAt < duration.toNanos()) {
        return; // held, and renewed within its duration as far as this replica has seen
      }
    }
    // released, or unchanged for a whole lease duration of local observation: take it over
    write(attempt, current, lease.transitions() + 1);
  }

  /** Creates (no basis) or replaces the Lease naming this replica. */
  private void write(long attempt, Optional<LeaseLock.Observed> basis, int transitions) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    boolean renewal = basis.flatMap(LeaseLock.Observed::holder).map(identity()::equals)
        .orElse(false);
    OffsetDateTime acquired = renewal
        ? basis.get().acquireTime().orElse(now) : now;
    V1LeaseSpec spec = new V1LeaseSpec().holderIdentity(identity())
        .leaseDurationSeconds(Math.toIntExact(settings.leaseDuration().toSeconds()))
        .acquireTime(acquired).renewTime(now).leaseTransitions(transitions);
    LeaseLock.Observed written;
    try {
      written = basis.isEmpty() ? lock.create(spec) : lock.replace(basis.get(), spec);
    } catch (ApiException | RuntimeException e) {
      // 409: another candidate wrote first; anything else: try again next period
      failed("cannot write lease " + lock.describe() + ": "
          + FailureText.describe(e, lock.server()), e);
      return;
    }
    observe(written);
    failures.worksAgain();
    state.lock();
    try {
      if (closed) {
        return; // close() releases the Lease; a new term must not start now
      }
      validUntil = attempt + settings.renewDeadline().toNanos();
      if (!leading && ticker.getAsLong() - validUntil < 0) {
        leading = true;
        LOG.log(System.Logger.Level.INFO, identity() + " leads with lease " + lock.describe());
        listeners.startedLeading();
      }
    } finally {
      state.unlock();
    }
  }

  /**
   * A Lease call failed: warned about by {@link LeaseCallFailures}; a leader past its renew
   * deadline steps down.
   */
  private void failed(String why, Exception e) {
    failures.failed(why, e);
    if (leading && ticker.getAsLong() - validUntil >= 0) {
      stepDown(why);
    }
  }

  /** Notes a Lease version; a new version restarts the local expiry clock. */
  private void observe(LeaseLock.Observed lease) {
    String before = observedLeader;
    state.lock();
    try {
      if (observed == null || !observed.resourceVersion().equals(lease.resourceVersion())) {
        observedAt = ticker.getAsLong();
      }
      observed = lease;
    } finally {
      state.unlock();
    }
    Optional<String> holder = lease.holder();
    if (holder.isPresent() && !holder.get().equals(before)) {
      observedLeader = holder.get();
      listeners.newLeader(holder.get());
    }
  }

  private void stepDown(String why) {
    state.lock();
    try {
      if (!leading) {
        return;
      }
      leading = false;
      LOG.log(System.Logger.Level.INFO, identity() + " stopped leading: " + why);
      listeners.stoppedLeading();
    } finally {
      state.unlock();
    }
  }

  /**
   * Stops competing; a leader steps down (listeners are told) and, if the Lease still names this
   * replica, releases it. Waits up to the renew deadline for the background thread. Idempotent.
   */
  @Override
  public void close() {
    boolean wasStarted;
    state.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      wasStarted = started;
      wake.signalAll();
    } finally {
      state.unlock();
    }
    if (wasStarted && Thread.currentThread() != runner) {
      runner.interrupt();
      try {
        runner.join(settings.renewDeadline().toMillis() + settings.retryPeriod().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    stepDown("closed");
    release();
  }

  /** Writes an empty holder if the last observed Lease names this replica. */
  private void release() {
    LeaseLock.Observed last;
    state.lock();
    try {
      last = observed;
    } finally {
      state.unlock();
    }
    if (last == null || !last.holder().map(identity()::equals).orElse(false)) {
      return;
    }
    V1LeaseSpec empty = new V1LeaseSpec()
        .leaseDurationSeconds(Math.toIntExact(settings.leaseDuration().toSeconds()))
        .leaseTransitions(last.transitions());
    try {
      lock.replace(last, empty); // 409 if it changed since: then it is no longer ours to release
    } catch (ApiException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot release lease " + lock.describe() + ": "
          + FailureText.describe(e, lock.server()));
    }
  }

  /** Lease duration, renew deadline and retry period, for messages. */
  @Override
  public String toString() {
    return "LeaderElection{" + identity() + " on " + lock.describe() + ", lease "
        + SettingsChecks.text(settings.leaseDuration()) + ", renew deadline "
        + SettingsChecks.text(settings.renewDeadline()) + ", retry "
        + SettingsChecks.text(settings.retryPeriod()) + "}";
  }
}
