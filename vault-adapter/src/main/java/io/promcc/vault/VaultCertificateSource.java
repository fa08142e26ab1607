package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Quoting;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * {@link CertificateSource} on Vault PKI, with a per-cluster cache so that asking on every
 * reconcile costs no Vault call until a certificate is due.
 *
 * <ul>
 *   <li>A cached certificate is returned until its renewal time (see {@link RenewalPolicy}:
 *       {@code renewAfterFraction} of its lifetime, minus jitter).
 *   <li>When due, a new one is requested; at most {@code maxConcurrentRequests} requests are in
 *       flight at once, across all callers.
 *   <li>If that fails, the cluster backs off exponentially (capped); meanwhile, and as long as
 *       it has not expired, the previous certificate is returned. An expired certificate is
 *       never returned: the caller gets a {@link CertificateUnavailableException} with reason
 *       {@code expired}; a cluster that never had one gets the Vault failure's reason
 *       ({@code vault-sealed}, {@code vault-permission-denied}, ...).
 *   <li>A 403 on a PKI call makes the token be dropped and the call retried once after a fresh
 *       login (the token may have been revoked).
 * </ul>
 *
 * <p>Thread-safe. Callers for different clusters proceed in parallel; callers for the same
 * cluster wait for each other, so one due certificate is requested once.
 */
@Singleton
public final class VaultCertificateSource implements CertificateSource {
  private static final System.Logger LOG = System.getLogger(VaultCertificateSource.class.getName());

  private final VaultSettings settings;
  private final VaultPki pki;
  private final VaultAuthenticator authenticator;
  private final RenewalPolicy policy;
  private final Clock clock;
  private final RandomGenerator random; // guarded by itself: generators are not thread-safe
  private final CertificateListener listener;
  private final Semaphore permits;
  private final ConcurrentHashMap<ClusterId, Entry> entries = new ConcurrentHashMap<>();
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

  /** A bundle and whether Vault was asked for it. */
  private record Outcome(CertificateBundle bundle, boolean issued) {}

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
  }

  /**
   * Refreshes the certificates of {@code clusters} ({@link #refresh}), forgets every other
   * cluster ({@link #retainOnly}), and reports each cluster's bundle or problem. The next
   * attention is the earliest renewal or retry among them.
   */
  @Override
  public CertificateObservation observe(Collection<GuestCluster> clusters) {
    refresh(clusters);
    retainOnly(clusters.stream().map(GuestCluster::id).toList());
    return CertificateObservation.ofEach(clusters, this::certificateFor, nextAttention());
  }

  /** The earliest renewal or retry time of the tracked clusters. */
  private Optional<Instant> nextAttention() {
    Instant earliest = null;
    for (Entry entry : entries.values()) {
      entry.lock.lock();
      try {
        Instant due = entry.retryAt != null ? entry.retryAt : entry.renewAt;
        if (due != null && (earliest == null || due.isBefore(earliest))) {
          earliest = due;
        }
      } finally {
        entry.lock.unlock();
      }
    }
    return Optional.ofNullable(earliest);
  }

  /**
   * A valid certificate for {@code cluster}: the cached one unless it is due, else a new one.
   *
   * @throws CertificateUnavailableException with reason {@code expired} if renewal failed and
   *     the cached certificate has expired, with the Vault failure's reason if there was none,
   *     or {@code interrupted}
   */
  public CertificateBundle certificateFor(GuestCluster cluster) {
    return obtain(requireNonNull(cluster, "cluster == null").id()).bundle();
  }

  /**
   * Brings the certificates of {@code clusters} up to date, requesting those that are missing or
   * due, {@code maxConcurrentRequests} at a time. Clusters that are not due cost nothing. Does
   * not throw for a failing cluster: failures are in the summary.
   */
  public RefreshSummary refresh(Collection<GuestCluster> clusters) {
    Set<ClusterId> ids = new TreeSet<>();
    for (GuestCluster cluster : clusters) {
      ids.add(cluster.id());
    }
    SortedMap<ClusterId, String> failures = new TreeMap<>();
    int issued = 0;
    int threads = Math.max(1, Math.min(settings.maxConcurrentRequests(), ids.size()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
    try {
      List<Future<Outcome>> futures = new ArrayList<>(ids.size());
      List<ClusterId> order = new ArrayList<>(ids);
      for (ClusterId id : order) {
        futures.add(pool.submit(() -> obtain(id)));
      }
      for (int i = 0; i < order.size(); i++) {
        try {
          if (futures.get(i).get().issued()) {
            issued++;
          }
        } catch (ExecutionException e) {
          if (e.getCause() instanceof CertificateUnavailableException unavailable) {
            failures.put(order.get(i), unavailable.reason());
          } else {
            throw new IllegalStateException("refreshing the certificate of cluster "
                + Quoting.quote(order.get(i).value()) + " failed", e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while refreshing certificates", e);
    } finally {
      pool.shutdownNow();
    }
    return new RefreshSummary(ids.size(), issued, failures);
  }

  /**
   * Forgets every cluster not in {@code keep} (deleted clusters), so their keys leave memory.
   */
  public void retainOnly(Collection<ClusterId> keep) {
    Set<ClusterId> kept = Set.copyOf(keep);
    for (ClusterId id : List.copyOf(entries.keySet())) {
      if (!kept.contains(id) && entries.remove(id) != null) {
        listener.removed(id);
      }
    }
  }

  private Outcome obtain(ClusterId id) {
    Entry entry = entries.computeIfAbsent(id, k -> new Entry());
    entry.lock.lock();
    try {
      Instant now = clock.instant();
      if (entry.bundle != null && now.isBefore(entry.renewAt)) {
        return new Outcome(entry.bundle, false);
      }
      if (entry.retryAt != null && now.isBefore(entry.retryAt)) {
        return new Outcome(keptOrThrow(id, entry, now), false);
      }
      Quiet quiet = this.quiet;
      if (quiet != null && now.isBefore(quiet.until())) {
        // a quota said to wait: no cluster asks Vault before then
        entry.retryAt = quiet.until();
        entry.lastFailure = new VaultRequestException(VaultFailure.RATE_LIMITED, 429, List.of(),
            "not asking vault for the certificate of cluster " + Quoting.quote(id.value())
                + " before " + quiet.until() + ", as a quota asked: " + quiet.cause().getMessage(),
            null);
        return new Outcome(keptOrThrow(id, entry, now), false);
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
        return new Outcome(fresh, true);
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
        return new Outcome(kept, false);
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
    } finally {
      permits.release();
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "promcc-vault-refresh-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String toString() {
    return "VaultCertificateSource{" + settings.address() + ", " + entries.size() + " clusters}";
  }
}
