package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.vault.CacheEntry.Failure;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The per-cluster state of {@link VaultCertificateSource}: the current certificate and when to
 * renew it, consecutive failures and when to retry; the pause a quota (or an unavailable Vault)
 * asks of every cluster is {@link EveryClusterPause}, the one way a certificate is asked for
 * (permits, token, the 403 rule) {@link CertificateRequester}, and the take-over of a certificate
 * an earlier run left {@link KeptTakeOver}, the judging of a certificate just issued
 * {@link IssuedCertificate}; one cluster's state and the bounds of the waits for it are
 * {@link CacheEntry}, the answers for requests a stop ended {@link StopAnswers}, and whether a
 * token refused for clusters works again (ending their backoff) {@link TokenRefusals}.
 * Thread-safe: each cluster's state is guarded by its own lock, so one due certificate is
 * requested once.
 */
final class CertificateCache {
  private static final System.Logger LOG = System.getLogger(VaultCertificateSource.class.getName());

  private final RenewalPolicy policy;
  private final Clock clock;
  private final RandomGenerator random; // guarded by itself: generators are not thread-safe
  private final CertificateListener listener;
  private final CertificateRequester requester;
  private final KeptTakeOver takeOver;
  private final EveryClusterPause pause;
  private final ConcurrentHashMap<ClusterId, CacheEntry> entries = new ConcurrentHashMap<>();
  private final StopAnswers answers;
  private final TokenRefusals tokenRefusals;
  /** Set by {@link #clear()}: a cluster looked at after it is not kept (nor its key). */
  private volatile boolean cleared;

  CertificateCache(VaultSettings settings, VaultPki pki, VaultAuthenticator authenticator,
      Clock clock, RandomGenerator random, CertificateListener listener, KeptCertificates kept,
      Supplier<Duration> keptReadTimeout, BooleanSupplier closed) {
    this.policy = RenewalPolicy.of(settings);
    this.clock = requireNonNull(clock, "clock == null");
    this.random = requireNonNull(random, "random == null");
    this.listener = requireNonNull(listener, "listener == null");
    this.requester = new CertificateRequester(pki, authenticator, clock,
        settings.maxConcurrentRequests(), closed);
    this.takeOver = new KeptTakeOver(kept,
        new BoundedReads(VaultCertificateSource.class, "kept certificate", "vault-kept",
            keptReadTimeout, listener::keptReadHung),
        settings, policy, random, listener);
    this.pause = new EveryClusterPause(policy);
    this.answers = new StopAnswers(entries, clock, takeOver);
    this.tokenRefusals = new TokenRefusals(authenticator::logins,
        authenticator::lastCredentialRead, authenticator::credentialNow);
  }

  /**
   * Whether the token refused for clusters may work again; it looks at the login credential's
   * file at each observation, while clusters wait because the token was refused.
   */
  TokenRefusals tokenRefusals() {
    return tokenRefusals;
  }

  /** The answers for requests a stop ended or never ran. */
  StopAnswers answers() {
    return answers;
  }

  int size() {
    return entries.size();
  }

  /**
   * Forgets every cluster, and with them their keys, for good: one a call looks at afterwards
   * (an observation or a caller under way as the source closes) is answered, and not kept.
   */
  void clear() {
    cleared = true;
    entries.clear();
  }

  /**
   * {@code id}'s entry, made if missing; after {@link #clear()} it is not kept. Either this
   * sees {@code cleared} and removes it, or its insertion came before the clear, which does.
   */
  private CacheEntry entry(ClusterId id) {
    CacheEntry entry = entries.computeIfAbsent(id, k -> new CacheEntry());
    if (cleared) {
      entries.remove(id, entry);
    }
    return entry;
  }

  /**
   * Whether {@link #obtain} may ask Vault for this cluster now (a hint: time passes before it
   * runs).
   */
  boolean mayAsk(ClusterId id, Instant now) {
    CacheEntry entry = entry(id);
    if (!entry.lock.tryLock()) {
      // a call for this cluster is in flight: its answer is waited for on a worker, so that
      // the caller goes on to the other clusters
      return true;
    }
    try {
      if (entry.bundle != null && now.isBefore(entry.renewAt)) {
        return false;
      }
      if (entry.backsOffAt(now, tokenRefusals.worksAgain())) {
        return false;
      }
      return pause.at(now).isEmpty();
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
   * The earliest moment one of {@code ids} needs attention: a renewal, a retry, the end of a
   * certificate kept while renewal fails (its problem then changes to {@code expired}), or now
   * for one with neither a certificate nor a retry (a stop ended its request). A
   * cluster whose lock a call holds (another caller's request, or a call that does not end) is
   * waited for at most until {@code nanosLeft} says nothing is left, one deadline for all of
   * them; one not had by then needs attention now: the next observation waits for its call.
   */
  Optional<Instant> nextAttention(Collection<ClusterId> ids, LongSupplier nanosLeft) {
    Instant now = clock.instant();
    Instant earliest = null;
    for (ClusterId id : ids) {
      CacheEntry entry = entries.get(id);
      if (entry == null) {
        continue;
      }
      if (!entry.lockWithin(nanosLeft)) {
        earliest = earliest == null || now.isBefore(earliest) ? now : earliest;
        continue;
      }
      try {
        Instant due = entry.dueAt(now, tokenRefusals.worksAgain());
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
   * A valid certificate for {@code id}: the cached one unless it is due, else a new one. A
   * caller interrupted while another call holds the cluster (a close) waits no more: it is
   * answered as a request stopped before it asked Vault, from memory.
   *
   * @throws CertificateUnavailableException with reason {@code expired} if renewal failed and
   *     the cached certificate has expired, with the Vault failure's reason if there was none,
   *     or {@code interrupted}
   */
  CertificateBundle obtain(ClusterId id) {
    CacheEntry entry = entry(id);
    try {
      entry.lock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return answers.stopped(id, entry, CertificateRequester.interruptedBeforeAsking(id));
    }
    try {
      Instant now = clock.instant();
      try {
        entry.lookForKept(id, now, takeOver);
      } catch (VaultRequestException stop) {
        return answers.stopped(id, entry, stop); // interrupted, as a request stopped is
      }
      Optional<CertificateBundle> cached = withoutVault(id, entry, now);
      if (cached.isPresent()) {
        return cached.get();
      }
      long begun = tokenRefusals.attemptBegins(); // before its logins
      AtomicReference<TokenOrigin> used = new AtomicReference<>();
      try {
        CertificateBundle fresh;
        try {
          fresh = requester.request(id, used);
        } catch (VaultRequestException named) {
          throw named; // below, with the answers found wrong here
        } catch (RuntimeException | Error unexpected) {
          // still the source failing, never a sign that the certificate is gone: the cluster
          // keeps it and backs off, instead of losing it and asking again at every observation.
          // An Error too (a stack overflow, an assertion), unless the JVM may not go on
          UnexpectedFailure.rethrowIfFatal(unexpected);
          return failed(id, entry, Failure.unexpected(id, unexpected), clock.instant(),
              policy.backoff(entry.failures + 1), begun, used.get());
        }
        IssuedCertificate issued;
        synchronized (random) {
          // a call can take long: judged by when it came
          issued = IssuedCertificate.judge(id, fresh, clock.instant(), policy, random);
        }
        entry.bundle = fresh;
        entry.renewAt = issued.renewAt();
        entry.failures = 0;
        entry.retryAt = null;
        entry.lastFailure = null;
        entry.lastOwnFailure = null;
        entry.tokenRefused = false;
        tokenRefusals.issued(used.get()); // a token works: the clusters refused for one ask again
        issued.log(id);
        listener.issued(id, fresh.notAfter());
        return fresh;
      } catch (VaultRequestException failure) {
        if (failure.failure() == VaultFailure.INTERRUPTED) {
          return answers.stopped(id, entry, failure);
        }
        Instant answered = clock.instant(); // backoff, quota and the kept end count from here
        Duration wait = pause.afterFailure(failure, answered, policy.backoff(entry.failures + 1));
        return failed(id, entry, Failure.of(failure), answered, wait, begun, used.get());
      }
    } finally {
      entry.lock.unlock();
    }
  }

  /**
   * {@code id}'s answer if it needs no Vault call, from one look under its lock (the certificate
   * an earlier run left taken over first, its read waited for by the calling thread at most
   * {@link BoundedReads}'s bound); empty if it is due, or
   * if a call for it holds it: that is for a worker to ask or wait for.
   *
   * @throws CertificateUnavailableException as {@link #obtain}, for a cluster that waits for
   *     its next attempt without a valid certificate, or whose kept certificate's read an
   *     interrupt stopped ({@code interrupted})
   */
  Optional<CertificateBundle> answerWithoutVault(ClusterId id) {
    CacheEntry entry = entry(id);
    if (!entry.lock.tryLock()) {
      return Optional.empty();
    }
    try {
      Instant now = clock.instant();
      try {
        entry.lookForKept(id, now, takeOver);
      } catch (VaultRequestException stop) {
        return Optional.of(answers.stopped(id, entry, stop)); // the caller is being stopped
      }
      return withoutVault(id, entry, now);
    } finally {
      entry.lock.unlock();
    }
  }

  /** {@code id}'s answer at {@code now} if it needs no Vault call; under its lock. */
  private Optional<CertificateBundle> withoutVault(ClusterId id, CacheEntry entry,
      Instant now) {
    if (entry.bundle != null && now.isBefore(entry.renewAt)) {
      return Optional.of(entry.bundle);
    }
    if (entry.backsOffAt(now, tokenRefusals.worksAgain())) {
      Optional<String> hangs = entry.tokenRefused ? tokenRefusals.lookHangs() : Optional.empty();
      try {
        return Optional.of(entry.keptOrThrow(id, now));
      } catch (CertificateUnavailableException e) {
        throw hangs.isEmpty() ? e : new CertificateUnavailableException(id, e.reason(),
            e.getMessage() + "; " + hangs.get(), e.getCause());
      }
    }
    Optional<EveryClusterPause.Held> held = pause.at(now);
    if (held.isPresent()) {
      // a quota said to wait, or Vault did not answer: no cluster asks Vault before then
      entry.retryAt = held.get().until();
      entry.paused = true;
      entry.lastFailure = Failure.of(EveryClusterPause.heldBack(id, held.get()));
      return Optional.of(entry.keptOrThrow(id, now));
    }
    return Optional.empty();
  }

  /**
   * Records a failed attempt, to be retried after {@code wait}: the kept certificate if it is
   * still valid, else the failure as the cluster's problem.
   */
  private CertificateBundle failed(ClusterId id, CacheEntry entry, Failure failure,
      Instant answered, Duration wait, long begun, TokenOrigin used) {
    // compared with its own last failure: a pause meanwhile logged nothing for this cluster
    String before = entry.lastOwnFailure;
    entry.lastOwnFailure = failure.reason();
    entry.tokenRefused = failure.aboutTheToken();
    if (entry.tokenRefused) {
      // after the logins of this attempt: they end no backoff
      tokenRefusals.refused(begun, used, answered);
    }
    entry.failures++;
    entry.retryAt = answered.plus(wait);
    entry.lastFailure = failure;
    entry.paused = false;
    listener.failed(id, failure.reason());
    CertificateBundle kept = entry.keptOrThrow(id, answered);
    // not rethrown: the kept certificate is the answer, so this is the only report; a
    // warning when renewal starts failing or fails for another reason, not at every attempt
    // (a failing login made every cluster warn at each of its attempts)
    boolean changed = entry.failures == 1 || !failure.reason().equals(before);
    LOG.log(changed ? Level.WARNING : Level.DEBUG, "keeping the certificate of cluster {0} "
        + "valid until {1}; renewal failed ({2} in a row, next attempt at {3}): {4}",
        Quoting.quote(id.value()), kept.notAfter(), entry.failures, entry.retryAt,
        failure.message());
    return kept;
  }

  /**
   * Why the certificate {@link #obtain} served for {@code id} is its last one, not a renewed
   * one: the failure of the last attempt to renew it (empty once one succeeded, or if there is
   * no certificate). A cluster a call holds is waited for at most until {@code nanosLeft} says
   * nothing is left; one not had by then has none: that call decides its renewal anew.
   */
  Optional<Rejection> notRenewed(ClusterId id, LongSupplier nanosLeft) {
    CacheEntry entry = entries.get(id);
    if (entry == null || !entry.lockWithin(nanosLeft)) {
      return Optional.empty();
    }
    try {
      Failure failure = entry.lastFailure;
      if (entry.bundle == null || failure == null) {
        return Optional.empty();
      }
      String why = entry.paused ? "its renewal waits: "
          : "renewal failed (" + entry.failures + " in a row, next attempt at " + entry.retryAt
              + "): ";
      return Optional.of(new Rejection(id.value(), failure.reason(),
          "keeping the certificate of cluster " + Quoting.quote(id.value()) + " valid until "
              + entry.bundle.notAfter() + "; " + why + failure.message()));
    } finally {
      entry.lock.unlock();
    }
  }
}
