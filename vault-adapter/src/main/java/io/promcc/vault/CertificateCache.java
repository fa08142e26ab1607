package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateUnavailableException;
import java.lang.System.Logger.Level;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * The per-cluster state of {@link VaultCertificateSource}: the current certificate and when to
 * renew it, consecutive failures and when to retry, the pause a quota (or an unavailable Vault)
 * asked for; and the one way a certificate is asked for (permits, token, the 403 rule).
 * Thread-safe: each cluster's state is guarded by its own lock, so one due certificate is
 * requested once.
 */
final class CertificateCache {
  private static final System.Logger LOG = System.getLogger(VaultCertificateSource.class.getName());

  private final VaultPki pki;
  private final VaultAuthenticator authenticator;
  private final RenewalPolicy policy;
  private final Clock clock;
  private final RandomGenerator random; // guarded by itself: generators are not thread-safe
  private final CertificateListener listener;
  private final Semaphore permits;
  private final VaultSettings settings;
  private final KeptCertificates kept;
  private final BooleanSupplier closed;
  private final ConcurrentHashMap<ClusterId, Entry> entries = new ConcurrentHashMap<>();
  /**
   * Set by a 429, or a failure that is Vault's state (no answer, a 503, a slow 5xx): no Vault
   * call until then (written under this object's lock).
   */
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
    /** Whether {@code lastFailure} is a pause of every cluster, not an answer to this one. */
    boolean paused;
    boolean lookedForKept;
  }

  CertificateCache(VaultSettings settings, VaultPki pki, VaultAuthenticator authenticator,
      Clock clock, RandomGenerator random, CertificateListener listener, KeptCertificates kept,
      BooleanSupplier closed) {
    this.settings = requireNonNull(settings, "settings == null");
    this.kept = requireNonNull(kept, "kept == null");
    this.pki = requireNonNull(pki, "pki == null");
    this.authenticator = requireNonNull(authenticator, "authenticator == null");
    this.policy = RenewalPolicy.of(settings);
    this.clock = requireNonNull(clock, "clock == null");
    this.random = requireNonNull(random, "random == null");
    this.listener = requireNonNull(listener, "listener == null");
    this.permits = new Semaphore(settings.maxConcurrentRequests(), true);
    this.closed = requireNonNull(closed, "closed == null");
  }

  int size() {
    return entries.size();
  }

  /** Forgets every cluster, and with them their keys. */
  void clear() {
    entries.clear();
  }

  /** Whether {@link #obtain} may ask Vault for this cluster now (a hint: time passes before it runs). */
  boolean mayAsk(ClusterId id, Instant now) {
    Entry entry = entries.computeIfAbsent(id, k -> new Entry());
    if (!entry.lock.tryLock()) {
      // a call for this cluster is in flight: its answer is waited for on a worker, so that
      // the caller goes on to the other clusters
      return true;
    }
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

  /**
   * Forgets every cluster not in {@code keep} (deleted clusters), so their keys leave memory.
   * {@code keep} names each cluster once.
   */
  void retainOnly(Collection<ClusterId> keep) {
    int cached = 0;
    for (ClusterId id : keep) {
      cached += entries.containsKey(id) ? 1 : 0;
    }
    if (cached == entries.size()) {
      return; // every cluster cached is kept: nothing to look for
    }
    Set<ClusterId> kept = new HashSet<>(keep);
    for (ClusterId id : List.copyOf(entries.keySet())) {
      if (!kept.contains(id) && entries.remove(id) != null) {
        listener.removed(id);
      }
    }
  }

  /**
   * The earliest moment one of {@code ids} needs attention: a renewal, a retry, or the end of a
   * certificate kept while renewal fails (its problem then changes to {@code expired}).
   */
  Optional<Instant> nextAttention(Collection<ClusterId> ids) {
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

  /**
   * A valid certificate for {@code id}: the cached one unless it is due, else a new one.
   *
   * @throws CertificateUnavailableException with reason {@code expired} if renewal failed and
   *     the cached certificate has expired, with the Vault failure's reason if there was none
   */
  CertificateBundle obtain(ClusterId id) {
    Entry entry = entries.computeIfAbsent(id, k -> new Entry());
    entry.lock.lock();
    try {
      Instant now = clock.instant();
      if (!entry.lookedForKept) {
        entry.lookedForKept = true;
        takeOverKept(id, entry, now);
      }
      if (entry.bundle != null && now.isBefore(entry.renewAt)) {
        return entry.bundle;
      }
      if (entry.retryAt != null && now.isBefore(entry.retryAt)) {
        return keptOrThrow(id, entry, now);
      }
      Quiet q = quiet;
      if (q != null && now.isBefore(q.until())) {
        // a quota said to wait, or Vault did not answer: no cluster asks Vault before then
        VaultRequestException cause = q.cause();
        entry.retryAt = q.until();
        entry.paused = true;
        entry.lastFailure = new VaultRequestException(cause.failure(), cause.status(), List.of(),
            "not asking vault for the certificate of cluster " + Quoting.quote(id.value())
                + " before " + q.until() + ", " + whyEveryClusterWaits(cause) + ": "
                + cause.getMessage(), null);
        return keptOrThrow(id, entry, now);
      }
      try {
        CertificateBundle fresh = issue(id);
        Instant answered = clock.instant(); // a call can take long: judge it by when it came
        if (!fresh.notAfter().isAfter(answered)) {
          // renewing at once would only repeat this on every call
          throw new VaultRequestException(VaultFailure.INVALID_RESPONSE, 200, List.of(),
              "vault issued an already expired certificate for cluster "
                  + Quoting.quote(id.value()) + " (not after " + fresh.notAfter()
                  + "); check the ttl and the ca's validity", null);
        }
        Instant notBefore = CertificateBundle.parseCertificate(fresh.certificatePem(),
            "client certificate").getNotBefore().toInstant();
        if (!notBefore.isBefore(fresh.notAfter())) {
          throw new VaultRequestException(VaultFailure.INVALID_RESPONSE, 200, List.of(),
              "vault issued a certificate for cluster " + Quoting.quote(id.value())
                  + " that is valid at no time (not before " + notBefore + ", not after "
                  + fresh.notAfter() + "); check the ca's validity", null);
        }
        Instant renewAt;
        boolean dueOnArrival;
        synchronized (random) {
          renewAt = policy.renewalTime(notBefore, fresh.notAfter(), random);
          // Vault's clock is behind this machine's, or the lifetime is shorter than Vault's
          // back-dating: counted from its start the renewal is past already, and every
          // observation would ask again. Counted from the answer instead
          dueOnArrival = !renewAt.isAfter(answered);
          if (dueOnArrival) {
            renewAt = policy.renewalTime(answered, fresh.notAfter(), random);
          }
        }
        entry.bundle = fresh;
        entry.renewAt = renewAt;
        entry.failures = 0;
        entry.retryAt = null;
        entry.lastFailure = null;
        LOG.log(dueOnArrival ? Level.WARNING : Level.INFO, "issued certificate for cluster {0}: "
            + "serial {1}, valid from {2} until {3}, renewal at {4}{5}", Quoting.quote(id.value()),
            fresh.serial(), notBefore, fresh.notAfter(), renewAt, dueOnArrival
                ? " (counted from its arrival: from its start it was due already, so vault's "
                    + "clock is behind this machine's or the ttl is very short; check both)"
                : "");
        listener.issued(id, fresh.notAfter());
        return fresh;
      } catch (VaultRequestException failure) {
        Instant answered = clock.instant(); // backoff, quota and the kept end count from here
        entry.failures++;
        Duration wait = policy.backoff(entry.failures);
        if (failure.failure() == VaultFailure.RATE_LIMITED) {
          Duration asked = asked(failure).orElse(policy.backoff(1));
          wait = longer(asked, wait);
          quietUntil(answered.plus(asked), failure);
        } else if (holdsBackEveryCluster(failure)) {
          Duration hold = policy.backoff(1);
          if (failure.status() == 502 || failure.status() == 503 || failure.status() == 504) {
            // how long the service is expected to be unavailable (RFC 9110), e.g. from a load
            // balancer in maintenance, or a proxy whose Vault does not answer: asking again
            // within it only adds load; a shorter one still waits the step, as any of them does
            hold = longer(asked(failure).orElse(hold), hold);
            wait = longer(hold, wait);
          }
          quietUntil(answered.plus(hold), failure);
        }
        entry.retryAt = answered.plus(wait);
        entry.lastFailure = failure;
        entry.paused = false;
        listener.failed(id, failure.failure().reason());
        CertificateBundle kept = keptOrThrow(id, entry, answered);
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

  /**
   * Takes over the certificate an earlier run left for {@code id} if it is valid at {@code now}
   * and for the common name the settings give the cluster now (a changed template means another
   * certificate is wanted); its renewal time is drawn as for a new one, so one that is due is
   * renewed at once and served until then. Anything else leaves the entry empty, and Vault is
   * asked as for a new cluster.
   */
  private void takeOverKept(ClusterId id, Entry entry, Instant now) {
    CertificateBundle bundle;
    X509Certificate certificate;
    try {
      Optional<CertificateBundle> found = kept.find(id);
      if (found.isEmpty()) {
        return;
      }
      bundle = found.get();
      certificate = CertificateBundle.parseCertificate(bundle.certificatePem(),
          "client certificate");
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "reading the kept certificate of cluster {0} failed: {1}",
          Quoting.quote(id.value()), e.toString());
      return;
    }
    Instant notBefore = certificate.getNotBefore().toInstant();
    if (now.isBefore(notBefore) || !now.isBefore(bundle.notAfter())) {
      return;
    }
    Optional<String> commonName = VaultPki.commonNameOf(certificate);
    if (!commonName.equals(Optional.of(settings.commonName(id)))) {
      LOG.log(Level.INFO, "not taking over the kept certificate of cluster {0}: its common name "
          + "{1} is not {2}", Quoting.quote(id.value()),
          commonName.map(Quoting::quote).orElse("(none)"), Quoting.quote(settings.commonName(id)));
      return;
    }
    Instant renewAt;
    synchronized (random) {
      renewAt = policy.renewalTime(notBefore, bundle.notAfter(), random);
    }
    // one that is due is renewed at once, and served while Vault fails, as a running
    // controller serves a certificate whose renewal fails
    entry.bundle = bundle;
    entry.renewAt = renewAt;
    listener.takenOver(id, bundle.notAfter());
    LOG.log(Level.INFO, "took over the kept certificate of cluster {0}: serial {1}, valid until "
        + "{2}, renewal {3}", Quoting.quote(id.value()), bundle.serial(), bundle.notAfter(),
        now.isBefore(renewAt) ? "at " + renewAt : "due now");
  }

  /**
   * Whether {@code failure} is Vault's state rather than this cluster's, so that the clusters not
   * asked yet wait for the first backoff step instead of each getting (and waiting for) the same
   * answer: no answer (refused, or none within the request timeout); a proxy's 502 or 504 (Vault
   * gave it none, often only after the proxy's own timeout); a 503 (sealed, no active node,
   * overloaded: never one cluster's); or another 5xx that took at least the first backoff step
   * (e.g. Vault's storage timing out after 25 s), which holding the others back for one step
   * costs less than each paying it. A 4xx (a role refusing a name, a missing mount) and a fast
   * 500 are about the request: the other clusters are asked. 429 is handled by the caller; a
   * 502's, 503's or 504's {@code Retry-After} beyond the step lengthens the hold.
   */
  private boolean holdsBackEveryCluster(VaultRequestException failure) {
    int status = failure.status();
    if (failure.failure() == VaultFailure.UNREACHABLE || status == 502 || status == 503
        || status == 504) {
      return true;
    }
    return status >= 500 && status < 600 && failure.answeredAfter()
        .filter(took -> took.compareTo(policy.backoff(1)) >= 0).isPresent();
  }

  /**
   * The wait {@code failure}'s {@code Retry-After} asked for, plus a second: Vault rounds it down
   * to whole seconds ("0" for under a second), and a date is counted from the answer's
   * {@code Date}, which has whole seconds too ({@link RetryAfter}). At most an hour and a second,
   * as the connection caps the header at an hour.
   */
  private static Optional<Duration> asked(VaultRequestException failure) {
    return failure.retryAfter().map(sent -> sent.plusSeconds(1));
  }

  private static Duration longer(Duration a, Duration b) {
    return a.compareTo(b) > 0 ? a : b;
  }

  /** Why the clusters not asked yet wait, for their problems' messages. */
  private static String whyEveryClusterWaits(VaultRequestException cause) {
    int status = cause.status();
    if (cause.failure() == VaultFailure.RATE_LIMITED) {
      return "as a quota asked";
    }
    if (cause.failure() == VaultFailure.UNREACHABLE || status == 502 || status == 504) {
      return "as it did not answer";
    }
    if (status == 503) {
      return "as it is unavailable";
    }
    return "as vault's error answer to another request took "
        + cause.answeredAfter().map(Duration::toString).orElse("long");
  }

  /** Keeps every cluster from asking Vault before {@code until}; never shortens a pause. */
  private synchronized void quietUntil(Instant until, VaultRequestException cause) {
    Quiet current = quiet;
    if (current == null || until.isAfter(current.until())) {
      quiet = new Quiet(until, cause);
    }
  }

  /**
   * Why the certificate {@link #obtain} served for {@code id} is its last one, not a renewed
   * one: the failure of the last attempt to renew it (empty once one succeeded, or if there is
   * no certificate).
   */
  Optional<Rejection> notRenewed(ClusterId id) {
    Entry entry = entries.get(id);
    if (entry == null) {
      return Optional.empty();
    }
    entry.lock.lock();
    try {
      VaultRequestException failure = entry.lastFailure;
      if (entry.bundle == null || failure == null) {
        return Optional.empty();
      }
      String why = entry.paused ? "its renewal waits: "
          : "renewal failed (" + entry.failures + " in a row, next attempt at " + entry.retryAt
              + "): ";
      return Optional.of(new Rejection(id.value(), failure.failure().reason(),
          "keeping the certificate of cluster " + Quoting.quote(id.value()) + " valid until "
              + entry.bundle.notAfter() + "; " + why + failure.getMessage()));
    } finally {
      entry.lock.unlock();
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
      if (!closed.getAsBoolean()) {
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

}
