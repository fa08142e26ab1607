package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.CertificateUnavailableException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
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
 *   <li>A 429 keeps every cluster from asking Vault until its {@code Retry-After}.
 * </ul>
 *
 * <p>Lifecycle: {@link #start()} needs no Vault call and {@link #awaitSynced} is true at once
 * (there is no view to load: certificates are asked for when observed). {@link #close()}
 * interrupts Vault calls in flight, stops the worker threads, forgets every key and revokes a
 * token that a login of the adapter created.
 *
 * <p>Thread-safe. Callers for different clusters proceed in parallel; callers for the same
 * cluster wait for each other, so one due certificate is requested once.
 */
@Singleton
public final class VaultCertificateSource implements CertificateSource {
  private static final System.Logger LOG = System.getLogger(VaultCertificateSource.class.getName());
  private static final AtomicInteger SOURCES = new AtomicInteger();
  /** How long {@link #close()} waits for interrupted Vault calls to end. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final VaultSettings settings;
  private final VaultPki pki;
  private final VaultAuthenticator authenticator;
  private final RenewalPolicy policy;
  private final Clock clock;
  private final RandomGenerator random; // guarded by itself: generators are not thread-safe
  private final CertificateListener listener;
  private final Semaphore permits;
  private final ThreadPoolExecutor workers;
  private final ConcurrentHashMap<ClusterId, Entry> entries = new ConcurrentHashMap<>();
  private volatile boolean closed;
  /** Set by a 429: no Vault call until then (written under this object's lock). */
  private volatile Quiet quiet;

  private record Quiet(Instant until, VaultRequestException cause) {}

  /** Per-cluster state; every field is guarded by {@code lock}. */
  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    CertificateBundle bundle;
    Instant renewAt;
    int failures;
    Instant retryAt;
    VaultRequestException lastFailure;
  }

  /**
   * @param random source of renewal jitter; seed it in tests for repeatable schedules
   */
  @Inject
  public VaultCertificateSource(VaultSettings settings, VaultConnection connection,
      VaultAuthenticator authenticator, Clock clock, RandomGenerator random,
      CertificateListener listener) {
    this.settings = requireNonNull(settings, "settings == null");
    this.pki = new VaultPki(settings, requireNonNull(connection, "connection == null"));
    this.authenticator = requireNonNull(authenticator, "authenticator == null");
    this.policy = RenewalPolicy.of(settings);
    this.clock = requireNonNull(clock, "clock == null");
    this.random = requireNonNull(random, "random == null");
    this.listener = requireNonNull(listener, "listener == null");
    this.permits = new Semaphore(settings.maxConcurrentRequests(), true);
    String prefix = "promcc-vault-" + SOURCES.incrementAndGet() + "-";
    AtomicInteger n = new AtomicInteger();
    // idle workers end after a minute: a source that is not closed leaves no threads behind
    this.workers = new ThreadPoolExecutor(settings.maxConcurrentRequests(),
        settings.maxConcurrentRequests(), 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.workers.allowCoreThreadTimeOut(true);
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
   * Interrupts Vault calls in flight (their clusters report {@code interrupted}), stops the
   * worker threads (waiting at most 10 s), forgets every certificate and key, and revokes the
   * token if a login of the adapter created it. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    workers.shutdownNow();
    try {
      if (!workers.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.log(Level.WARNING, "vault calls still running {0} after closing", CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    entries.clear();
    authenticator.close();
  }

  /** Whether {@link #close()} has stopped every worker thread. */
  boolean stopped() {
    return workers.isTerminated();
  }

  /**
   * The certificate or the problem of each of {@code clusters}, asking Vault only for those
   * that are missing or due ({@code maxConcurrentRequests} at a time); every other cluster is
   * forgotten (its key leaves memory). {@link CertificateObservation#nextAttention()} is the
   * earliest renewal, retry, or end of a kept certificate among {@code clusters}.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public CertificateObservation observe(Collection<GuestCluster> clusters) {
    ensureOpen();
    SortedMap<ClusterId, GuestCluster> byId = new TreeMap<>();
    for (GuestCluster cluster : clusters) {
      byId.putIfAbsent(cluster.id(), cluster);
    }
    retainOnly(byId.keySet());
    Instant now = clock.instant();
    Map<ClusterId, Future<CertificateBundle>> asked = new TreeMap<>();
    SortedMap<ClusterId, CertificateBundle> bundles = new TreeMap<>();
    SortedMap<ClusterId, Rejection> problems = new TreeMap<>();
    for (ClusterId id : byId.keySet()) {
      Entry entry = entries.computeIfAbsent(id, k -> new Entry());
      if (!mayAsk(entry, now)) {
        record(id, () -> obtain(id), bundles, problems); // answered from the cache
        continue;
      }
      try {
        asked.put(id, workers.submit(() -> obtain(id)));
      } catch (RejectedExecutionException stopping) {
        problems.put(id, new Rejection(id.value(), VaultFailure.INTERRUPTED.reason(),
            "the vault certificate source of cluster " + Quoting.quote(id.value())
                + " is closing"));
      }
    }
    for (Map.Entry<ClusterId, Future<CertificateBundle>> e : asked.entrySet()) {
      record(e.getKey(), () -> await(e.getKey(), e.getValue()), bundles, problems);
    }
    return new CertificateObservation(bundles, problems, nextAttention(byId.keySet()));
  }

  /**
   * A valid certificate for {@code cluster}: the cached one unless it is due, else a new one
   * (asked for on the calling thread).
   *
   * @throws CertificateUnavailableException with reason {@code expired} if renewal failed and
   *     the cached certificate has expired, with the Vault failure's reason if there was none,
   *     or {@code interrupted}
   * @throws IllegalStateException after {@link #close()}
   */
  public CertificateBundle certificateFor(GuestCluster cluster) {
    ensureOpen();
    return obtain(requireNonNull(cluster, "cluster == null").id());
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the vault certificate source is closed");
    }
  }

  /** A lookup that may fail for one cluster. */
  private interface Lookup {
    CertificateBundle get();
  }

  private static void record(ClusterId id, Lookup lookup,
      SortedMap<ClusterId, CertificateBundle> bundles, SortedMap<ClusterId, Rejection> problems) {
    try {
      bundles.put(id, lookup.get());
    } catch (CertificateUnavailableException e) {
      problems.put(id, new Rejection(id.value(), e.reason(), e.getMessage()));
    }
  }

  private CertificateBundle await(ClusterId id, Future<CertificateBundle> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new CertificateUnavailableException(id, VaultFailure.INTERRUPTED.reason(),
          "interrupted while waiting for the certificate of cluster " + Quoting.quote(id.value()));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CertificateUnavailableException unavailable) {
        throw unavailable;
      }
      throw new IllegalStateException("getting the certificate of cluster "
          + Quoting.quote(id.value()) + " failed", e.getCause());
    } catch (CancellationException e) {
      throw new CertificateUnavailableException(id, VaultFailure.INTERRUPTED.reason(),
          "the vault certificate source closed while asking for the certificate of cluster "
              + Quoting.quote(id.value()));
    }
  }

  /** Whether {@link #obtain} might ask Vault for this cluster now (a hint, without the lock). */
  private boolean mayAsk(Entry entry, Instant now) {
    entry.lock.lock();
    try {
      if (entry.bundle != null && now.isBefore(entry.renewAt)) {
        return false;
      }
      if (entry.retryAt != null && now.isBefore(entry.retryAt)) {
        return false;
      }
      Quiet q = quiet;
      return q == null || !now.isBefore(q.until());
    } finally {
      entry.lock.unlock();
    }
  }

  /** Forgets every cluster not in {@code keep} (deleted clusters), so their keys leave memory. */
  private void retainOnly(Collection<ClusterId> keep) {
    for (ClusterId id : List.copyOf(entries.keySet())) {
      if (!keep.contains(id) && entries.remove(id) != null) {
        listener.removed(id);
      }
    }
  }

  /**
   * The earliest moment one of {@code ids} needs attention: a renewal, a retry, or the end of a
   * certificate kept while renewal fails (its problem then changes to {@code expired}).
   */
  private Optional<Instant> nextAttention(Collection<ClusterId> ids) {
    Instant now = clock.instant();
    Instant earliest = null;
    for (ClusterId id : ids) {
      Entry entry = entries.get(id);
      if (entry == null) {
        continue;
      }
      entry.lock.lock();
      try {
        Instant due;
        if (entry.retryAt != null) {
          due = entry.retryAt;
          if (entry.bundle != null && now.isBefore(entry.bundle.notAfter())
              && entry.bundle.notAfter().isBefore(due)) {
            due = entry.bundle.notAfter();
          }
        } else {
          due = entry.renewAt;
        }
        if (due != null && (earliest == null || due.isBefore(earliest))) {
          earliest = due;
        }
      } finally {
        entry.lock.unlock();
      }
    }
    return Optional.ofNullable(earliest);
  }

  private CertificateBundle obtain(ClusterId id) {
    Entry entry = entries.computeIfAbsent(id, k -> new Entry());
    entry.lock.lock();
    try {
      Instant now = clock.instant();
      if (entry.bundle != null && now.isBefore(entry.renewAt)) {
        return entry.bundle;
      }
      if (entry.retryAt != null && now.isBefore(entry.retryAt)) {
        return keptOrThrow(id, entry, now);
      }
      Quiet q = quiet;
      if (q != null && now.isBefore(q.until())) {
        // a quota said to wait: no cluster asks Vault before then
        entry.retryAt = q.until();
        entry.lastFailure = new VaultRequestException(VaultFailure.RATE_LIMITED, 429, List.of(),
            "not asking vault for the certificate of cluster " + Quoting.quote(id.value())
                + " before " + q.until() + ", as a quota asked: " + q.cause().getMessage(), null);
        return keptOrThrow(id, entry, now);
      }
      try {
        CertificateBundle fresh = issue(id);
        if (!fresh.notAfter().isAfter(now)) {
          // renewing at once would only repeat this on every call
          throw new VaultRequestException(VaultFailure.INVALID_RESPONSE, 200, List.of(),
              "vault issued an already expired certificate for cluster "
                  + Quoting.quote(id.value()) + " (not after " + fresh.notAfter()
                  + "); check the ttl and the ca's validity", null);
        }
        Instant notBefore = CertificateBundle.parseCertificate(fresh.certificatePem(),
            "client certificate").getNotBefore().toInstant();
        Instant renewAt;
        synchronized (random) {
          renewAt = policy.renewalTime(notBefore, fresh.notAfter(), random);
        }
        entry.bundle = fresh;
        entry.renewAt = renewAt;
        entry.failures = 0;
        entry.retryAt = null;
        entry.lastFailure = null;
        LOG.log(Level.INFO, "issued certificate for cluster {0}: serial {1}, valid until {2}, "
            + "renewal at {3}", Quoting.quote(id.value()), fresh.serial(), fresh.notAfter(), renewAt);
        listener.issued(id, fresh.notAfter());
        return fresh;
      } catch (VaultRequestException failure) {
        entry.failures++;
        Duration wait = policy.backoff(entry.failures);
        if (failure.failure() == VaultFailure.RATE_LIMITED) {
          Duration asked = failure.retryAfter().orElse(policy.backoff(1));
          wait = asked.compareTo(wait) > 0 ? asked : wait;
          quietUntil(now.plus(asked), failure);
        }
        entry.retryAt = now.plus(wait);
        entry.lastFailure = failure;
        listener.failed(id, failure.failure().reason());
        CertificateBundle kept = keptOrThrow(id, entry, now);
        // not rethrown: the kept certificate is the answer, so this is the only report
        LOG.log(Level.WARNING, "keeping the certificate of cluster {0} valid until {1}; "
            + "renewal failed ({2} in a row, next attempt at {3}): {4}",
            Quoting.quote(id.value()), kept.notAfter(), entry.failures, entry.retryAt,
            failure.getMessage());
        return kept;
      }
    } finally {
      entry.lock.unlock();
    }
  }

  /** Keeps every cluster from asking Vault before {@code until}; never shortens a pause. */
  private synchronized void quietUntil(Instant until, VaultRequestException cause) {
    Quiet current = quiet;
    if (current == null || until.isAfter(current.until())) {
      quiet = new Quiet(until, cause);
    }
  }

  /** The cached bundle if still valid; otherwise the reason why there is none. */
  private static CertificateBundle keptOrThrow(ClusterId id, Entry entry, Instant now) {
    VaultRequestException failure = entry.lastFailure;
    if (entry.bundle != null && now.isBefore(entry.bundle.notAfter())) {
      return entry.bundle;
    }
    if (entry.bundle != null) {
      throw new CertificateUnavailableException(id, "expired", "certificate of cluster "
          + Quoting.quote(id.value()) + " expired at " + entry.bundle.notAfter()
          + " and could not be renewed (" + entry.failures + " attempts, next at "
          + entry.retryAt + "): " + failure.getMessage(), failure);
    }
    throw new CertificateUnavailableException(id, failure.failure().reason(),
        "no certificate for cluster " + Quoting.quote(id.value()) + " (" + entry.failures
            + " attempts, next at " + entry.retryAt + "): " + failure.getMessage(), failure);
  }

  private CertificateBundle issue(ClusterId id) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VaultRequestException(VaultFailure.INTERRUPTED, 0, List.of(),
          "interrupted while waiting to ask vault for the certificate of cluster "
              + Quoting.quote(id.value()), null);
    }
    try {
      Secret token = authenticator.token();
      Instant sentAt = clock.instant();
      try {
        return pki.obtain(id, token);
      } catch (VaultRequestException e) {
        if (!e.failure().denied()) {
          throw e;
        }
        if (authenticator.stillValid(token, e, sentAt)) {
          // a policy that does not (yet) cover this cluster's path: a new login would not
          // help, and each one would leave a token behind; the cluster backs off instead
          throw new VaultRequestException(VaultFailure.PERMISSION_DENIED, e.status(), e.errors(),
              e.getMessage() + "; the token is valid (lookup-self), so its policies do not "
                  + "allow update on " + pki.path(id), null);
        }
        authenticator.invalidate(token);
        return pki.obtain(id, authenticator.token());
      }
    } catch (IllegalStateException e) {
      if (!closed) {
        throw e;
      }
      // the authenticator was closed under us
      throw new VaultRequestException(VaultFailure.INTERRUPTED, 0, List.of(),
          "the vault certificate source closed while asking for the certificate of cluster "
              + Quoting.quote(id.value()), null);
    } finally {
      permits.release();
    }
  }

  @Override
  public String toString() {
    return "VaultCertificateSource{" + settings.address() + ", " + entries.size() + " clusters"
        + (closed ? ", closed" : "") + "}";
  }
}
