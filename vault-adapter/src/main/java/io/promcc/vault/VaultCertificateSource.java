package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Quoting;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.CertificateUnavailableException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * {@link CertificateSource} on Vault PKI, with a per-cluster cache so that observing on every
 * reconcile costs no Vault call until a certificate is due.
 *
 * <ul>
 *   <li>A cached certificate is returned until its renewal time (see {@link RenewalPolicy}:
 *       {@code renewAfterFraction} of its lifetime, minus jitter).
 *   <li>When due, a new one is requested; at most {@code maxConcurrentRequests} requests are in
 *       flight at once, across all callers.
 *   <li>If that fails, the cluster backs off exponentially (capped); meanwhile, and as long as
 *       it has not expired, the previous certificate is returned. An expired certificate is
 *       never returned: the problem's reason is {@code expired}; a cluster that never had one
 *       gets the Vault failure's reason ({@code vault-sealed}, {@code vault-permission-denied},
 *       ...).
 *   <li>A 403 leads to a new login only if the token is invalid; a valid token outside its
 *       policies makes the cluster back off (see {@link VaultAuthenticator#stillValid}).
 *   <li>A 429 keeps every cluster from asking Vault until its {@code Retry-After}. No answer,
 *       a 502, 503 or 504, or another 5xx that took at least the first backoff step keeps the
 *       clusters not asked yet from asking before that step: each would get (and wait for) the
 *       same answer. A 502's, 503's or 504's longer {@code Retry-After} is waited for as a
 *       429's is.
 * </ul>
 *
 * <p>Lifecycle: {@link #start()} needs no Vault call and {@link #awaitSynced} is true at once
 * (there is no view to load: certificates are asked for when observed). {@link #close()}
 * starts no Vault call but the revocation, on any thread, interrupts those in flight, stops the
 * worker threads, forgets every key and revokes a token that a login of the adapter created.
 *
 * <p>Thread-safe. Callers for different clusters proceed in parallel; callers for the same
 * cluster wait for each other, so one due certificate is requested once.
 */
@Singleton
public final class VaultCertificateSource implements CertificateSource {
  private final VaultSettings settings;
  private final VaultAuthenticator authenticator;
  private final VaultConnection connection;
  private final Clock clock;
  private final CertificateCache cache;
  private final StopAnswers answers;
  private final CertificateWorkers workers;
  private final CloseTiming closeTiming;
  /** When the close's wait ends, in {@link CloseTiming#nanoTime()}; written before closed. */
  private volatile long closeDeadline;
  private volatile boolean closed;

  /**
   * @param random source of renewal jitter; seed it in tests for repeatable schedules
   */
  public VaultCertificateSource(VaultSettings settings, VaultConnection connection,
      VaultAuthenticator authenticator, Clock clock, RandomGenerator random,
      CertificateListener listener) {
    this(settings, connection, authenticator, clock, random, listener, Optional.empty());
  }

  /**
   * @param random source of renewal jitter; seed it in tests for repeatable schedules
   * @param kept the certificates an earlier run left, taken over instead of asking Vault again
   */
  @Inject
  public VaultCertificateSource(VaultSettings settings, VaultConnection connection,
      VaultAuthenticator authenticator, Clock clock, RandomGenerator random,
      CertificateListener listener, Optional<KeptCertificates> kept) {
    this(settings, connection, authenticator, clock, random, listener, kept, CloseTiming.DEFAULT,
        () -> BoundedReads.DEFAULT_TIMEOUT);
  }

  /** As the public constructor, with the close timed by {@code closeTiming} (for tests). */
  VaultCertificateSource(VaultSettings settings, VaultConnection connection,
      VaultAuthenticator authenticator, Clock clock, RandomGenerator random,
      CertificateListener listener, Optional<KeptCertificates> kept, CloseTiming closeTiming) {
    this(settings, connection, authenticator, clock, random, listener, kept, closeTiming,
        () -> BoundedReads.DEFAULT_TIMEOUT);
  }

  /**
   * As the public constructor, with the close timed by {@code closeTiming} and a read of a kept
   * certificate given up after what {@code keptReadTimeout} gives as it begins (for tests).
   */
  VaultCertificateSource(VaultSettings settings, VaultConnection connection,
      VaultAuthenticator authenticator, Clock clock, RandomGenerator random,
      CertificateListener listener, Optional<KeptCertificates> kept, CloseTiming closeTiming,
      Supplier<Duration> keptReadTimeout) {
    this.closeTiming = requireNonNull(closeTiming, "closeTiming == null");
    this.settings = requireNonNull(settings, "settings == null");
    this.authenticator = requireNonNull(authenticator, "authenticator == null");
    this.connection = requireNonNull(connection, "connection == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.cache = new CertificateCache(settings, new VaultPki(settings, connection), authenticator,
        clock, random, listener, kept.orElse(KeptCertificates.NONE), keptReadTimeout,
        () -> closed);
    this.answers = cache.answers();
    this.workers = new CertificateWorkers(settings.maxConcurrentRequests(), cache, closeTiming,
        this::closeNanosLeft);
  }

  /**
   * Nothing to start: certificates are asked for when observed. Idempotent.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public void start() {
    ensureOpen();
  }

  /** True at once (there is nothing to load before the first observation), false once closed. */
  @Override
  public boolean awaitSynced(Duration timeout) {
    requireNonNull(timeout, "timeout == null");
    return !closed;
  }

  /**
   * Interrupts Vault calls in flight and drops those still waiting for a worker (their
   * clusters serve a still-valid certificate or report {@code interrupted}, neither warned of
   * nor counted as a failure; so do clusters an observation hands over after the close began),
   * stops the worker threads and the look at the login credential's file, forgets every
   * certificate and key, and revokes the token if a login of the adapter created it.
   * Idempotent.
   *
   * <p>One deadline, 10 s from its start, bounds every wait of the close for calls and of the
   * answers it gives (the token's revocation follows): a cluster whose call still holds it then
   * (a call that does not end) is answered from memory, its still-valid certificate or
   * {@code interrupted}, and an observation's next attention counts it as due now; however many
   * such clusters there are, none adds a wait. So is the look at the credential's file: its read
   * is interrupted, and one that does not end then (a volume that hangs) is left to its bound.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closeDeadline = closeTiming.nanoTime().getAsLong() + closeTiming.callsWait().toNanos();
      closed = true;
    }
    // before the workers' interrupts, given one after the other: a worker not interrupted yet
    // (one that waited for another's login, which its interrupt let go of) starts no call
    connection.refuseNewCalls();
    workers.stop();
    // within what is left of the same deadline: a look whose read hangs holds only its thread
    cache.tokenRefusals().close(closeNanosLeft());
    closeTiming.beforeForgetting().run();
    cache.clear();
    authenticator.close();
  }

  /**
   * What is left of the close's one deadline ({@link CloseTiming#callsWait()} from its start),
   * at least 0: every wait of the close and of the answers it gives shares it, so clusters held
   * by calls that do not end cannot each add their own.
   */
  private long closeNanosLeft() {
    if (!closed) {
      return closeTiming.callsWait().toNanos(); // not expected: only a close refuses or cancels
    }
    return Math.max(0, closeDeadline - closeTiming.nanoTime().getAsLong());
  }

  /**
   * One observation's wait for clusters that other calls hold once its own answers are in (a
   * caller of {@link #certificateFor}, or a call that does not end): one deadline for all of
   * them, {@link CloseTiming#callsWait()} from the first such wait, and never past the close's.
   * Used by the observing thread only.
   */
  private final class HeldWait implements LongSupplier {
    private boolean started;
    private long start;

    @Override
    public long getAsLong() {
      long now = closeTiming.nanoTime().getAsLong();
      if (!started) {
        started = true;
        start = now;
      }
      long left = start + closeTiming.callsWait().toNanos() - now;
      return closed ? Math.min(left, closeNanosLeft()) : left;
    }
  }

  /** Whether {@link #close()} has stopped the worker pool taking requests. */
  boolean closing() {
    return workers.closing();
  }

  /** How many requests wait for a worker. */
  int waiting() {
    return workers.waiting();
  }

  /**
   * Whether a change of the login credential's file can help: clusters wait for it, their last
   * attempt refused for the token, or its credential unreadable or refused by the login, and no
   * certificate issued nor change of the file seen since. Otherwise the next login reads the file
   * anyway (a service account token the kubelet rotates while logins work needs no look). Never
   * waits; thread-safe.
   */
  public boolean waitsForCredential() {
    return cache.tokenRefusals().waitsForCredential();
  }

  /** Runs {@code listener} when the credential file read again ends the wait of clusters. */
  @Override
  public void addChangeListener(Runnable listener) {
    cache.tokenRefusals().addChangeListener(listener);
  }

  /** Whether {@link #close()} has stopped every worker thread. */
  boolean stopped() {
    return workers.stopped();
  }

  /** The looks at the login credential's file, which the close stops (for tests). */
  TokenRefusals tokenRefusals() {
    return cache.tokenRefusals();
  }

  /**
   * The certificate or the problem of each of {@code clusters}, asking Vault only for those
   * that are missing or due ({@code maxConcurrentRequests} at a time); every other cluster is
   * forgotten (its key leaves memory). {@link CertificateObservation#nextAttention()} is the
   * earliest renewal, retry, or end of a kept certificate among {@code clusters}, or now for one
   * without a certificate whose request a stop ended (no failure, so no backoff). A failure of
   * one cluster's request that no Vault failure names, an {@link Error} included, is that
   * cluster's problem ({@code certificate-source-failed}); the other clusters go on.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws VirtualMachineError other than a {@link StackOverflowError} (an
   *     {@link OutOfMemoryError}), of any cluster's request: the JVM may not go on
   */
  @Override
  public CertificateObservation observe(Collection<GuestCluster> clusters) {
    ensureOpen();
    List<ClusterId> ids = ObservationAnswers.distinctIds(clusters);
    cache.retainOnly(ids);
    // a token fixed in its file ends the backoff of those refused; never waits for the read
    cache.tokenRefusals().lookAtCredential(clock.instant());
    Instant now = clock.instant();
    List<Map.Entry<ClusterId, Future<CertificateBundle>>> asked = new ArrayList<>();
    ObservationAnswers answered = new ObservationAnswers(cache, new HeldWait());
    for (ClusterId id : ids) {
      if (!cache.mayAsk(id, now) && answered.answeredWithoutVault(id)) {
        continue; // answered from the cache
      }
      try {
        asked.add(Map.entry(id, workers.submit(id)));
      } catch (RejectedExecutionException stopping) {
        // as a request the close interrupts: the still-valid certificate, else interrupted
        answered.record(id, () -> answers.closing(id, "the vault certificate source of cluster "
            + Quoting.quote(id.value()) + " is closing", Duration.ofNanos(closeNanosLeft())));
      }
    }
    for (Map.Entry<ClusterId, Future<CertificateBundle>> e : asked) {
      answered.record(e.getKey(), () -> workers.await(e.getKey(), e.getValue()));
    }
    return answered.observation(ids);
  }

  /**
   * A valid certificate for {@code cluster}: the cached one unless it is due, else a new one,
   * asked for by one of the workers while the caller waits, so that a {@link #close()} answers
   * the caller as it answers an observation: its still-valid certificate, else
   * {@code interrupted}, within the close's deadline. So does a caller interrupted while it
   * waits (its request is interrupted too). A certificate an earlier run left is read while the
   * calling thread waits (at most 10 s: a read that does not end is given up, and the cluster
   * asks Vault as one nothing was left for): one not due yet needs no worker. Do not call it
   * from a {@link CertificateListener} (a worker's thread): with every worker busy, it would
   * wait for a request queued behind its own caller until a close answers it.
   *
   * @throws CertificateUnavailableException with reason {@code expired} if renewal failed and
   *     the cached certificate has expired, with the Vault failure's reason if there was none,
   *     or {@code interrupted}
   * @throws IllegalStateException after {@link #close()}
   */
  public CertificateBundle certificateFor(GuestCluster cluster) {
    ensureOpen();
    ClusterId id = requireNonNull(cluster, "cluster == null").id();
    // one look, on the calling thread (a kept certificate's bounded read waited for too): a
    // certificate not due is the answer at once, not after the calls the workers wait for; one
    // due is asked for by a worker, never by this thread, which a close does not interrupt
    Optional<CertificateBundle> cached = cache.answerWithoutVault(id);
    if (cached.isPresent()) {
      return cached.get();
    }
    Future<CertificateBundle> request;
    try {
      request = workers.submit(id);
    } catch (RejectedExecutionException stopping) {
      return answers.closing(id, "the vault certificate source of cluster "
          + Quoting.quote(id.value()) + " is closing", Duration.ofNanos(closeNanosLeft()));
    }
    // interrupted while it waits: answered as its own request interrupted before it asked
    return workers.await(id, request,
        () -> answers.stopped(id, CertificateRequester.interruptedBeforeAsking(id)));
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the vault certificate source is closed");
    }
  }

  @Override
  public String toString() {
    return "VaultCertificateSource{" + settings.address() + ", " + cache.size() + " clusters"
        + (closed ? ", closed" : "") + "}";
  }
}
