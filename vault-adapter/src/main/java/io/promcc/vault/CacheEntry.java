package io.promcc.vault;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import io.promcc.core.port.CertificateUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One cluster's state in {@link CertificateCache}, when it next needs attention, the answer it
 * gives without Vault, and the bounds of every wait for its lock.
 * Every field is guarded by {@code lock}, and written only under it. The certificate is
 * volatile too: a close answers from memory a cluster whose lock a call holds.
 */
final class CacheEntry {

  final ReentrantLock lock = new ReentrantLock();
  volatile CertificateBundle bundle;
  Instant renewAt;
  int failures;
  Instant retryAt;
  Failure lastFailure;
  /** Whether {@code lastFailure} is a pause of every cluster, not an answer to this one. */
  boolean paused;
  /** The reason its last own attempt failed with (a pause is none); null once one worked. */
  String lastOwnFailure;
  /**
   * Whether its last own attempt failed for the token: refused ({@code vault-token-invalid}),
   * its file or variable unreadable ({@code vault-credentials-unreadable}), or the login
   * refused the credential ({@link TokenRefusals#refusedLogin}).
   */
  boolean tokenRefused;
  boolean lookedForKept;

  /**
   * A failed attempt as the cluster's problem shows it: its reason, its message, and the
   * exception to attach (none for an unexpected one, whose message may quote the request).
   */
  record Failure(String reason, String message, RuntimeException cause) {
    static Failure of(VaultRequestException e) {
      return new Failure(e.failure().reason(), e.getMessage(), e);
    }

    /** Whether it failed for the token, not for the cluster ({@link TokenRefusals}). */
    boolean aboutTheToken() {
      return TokenRefusals.aboutTheToken(reason)
          || cause instanceof VaultRequestException e && TokenRefusals.refusedLogin(e);
    }

    /**
     * Neither Vault's answer nor a named failure: a bug, or a library's surprise. Its message
     * is left out: the http client's quotes header values, and the token is one.
     */
    static Failure unexpected(ClusterId id, Throwable e) {
      return new Failure(VaultFailure.UNEXPECTED.reason(), UnexpectedFailure.message(id, e),
          null);
    }
  }

  /**
   * Whether its backoff ends early: its last own attempt failed for the token (refused or
   * unreadable), and {@code tokenWorksAgain} (a certificate was issued after a login since the
   * last such failure of any cluster, or the credential file changed since). A cluster a pause
   * of every cluster holds waits for that pause.
   */
  boolean endsBackoffEarly(boolean tokenWorksAgain) {
    return tokenWorksAgain && tokenRefused && !paused;
  }

  /** Whether it waits for its next attempt at {@code now}; see {@link #endsBackoffEarly}. */
  boolean backsOffAt(Instant now, boolean tokenWorksAgain) {
    return retryAt != null && now.isBefore(retryAt) && !endsBackoffEarly(tokenWorksAgain);
  }

  /**
   * When it next needs attention at {@code now}, for {@link CertificateCache#nextAttention}: the
   * renewal of a certificate not due yet (one taken over after a failed attempt too); a retry
   * (now if {@link #endsBackoffEarly}), or the end of a certificate kept while renewal fails if
   * that comes first; or now for one with neither a certificate nor a retry.
   */
  Instant dueAt(Instant now, boolean tokenWorksAgain) {
    if (bundle != null && now.isBefore(renewAt)) {
      // not due, whatever an attempt before it was taken over left: asked for at its renewal
      return renewAt;
    }
    if (retryAt != null && endsBackoffEarly(tokenWorksAgain)) {
      return now; // refused for the token, which works again since
    }
    if (retryAt != null) {
      Instant due = retryAt;
      if (validAt(now) && bundle.notAfter().isBefore(due)) {
        due = bundle.notAfter();
      }
      return due;
    }
    if (bundle != null) {
      return renewAt;
    }
    // no certificate and no backoff: a stop ended its request (no failure), so it is still
    // due, as a cluster a call holds is
    return now;
  }

  /**
   * The cached bundle of cluster {@code id} if still valid at {@code now}; otherwise the reason
   * why there is none.
   */
  CertificateBundle keptOrThrow(ClusterId id, Instant now) {
    Failure failure = lastFailure;
    if (validAt(now)) {
      return bundle;
    }
    if (bundle != null) {
      throw new CertificateUnavailableException(id, "expired", "certificate of cluster "
          + Quoting.quote(id.value()) + " expired at " + bundle.notAfter()
          + " and could not be renewed (" + failures + " attempts, next at "
          + retryAt + "): " + failure.message(), failure.cause());
    }
    throw new CertificateUnavailableException(id, failure.reason(),
        "no certificate for cluster " + Quoting.quote(id.value()) + " (" + failures
            + " attempts, next at " + retryAt + "): " + failure.message(), failure.cause());
  }

  /** Whether it holds a certificate still valid at {@code now}. */
  boolean validAt(Instant now) {
    CertificateBundle b = bundle;
    return b != null && now.isBefore(b.notAfter());
  }

  /**
   * Takes over, once, the certificate an earlier run left for {@code id}, unless it holds one
   * already (any it got is newer); under its lock. A read that did not end in time (a volume
   * that hangs) or failed is no finding: nothing is taken over, and the next look reads again
   * (a failure is logged by {@code takeOver}).
   *
   * @throws VaultRequestException {@code interrupted} if an interrupt stopped the look: the next
   *     look reads again. Any other failure (a reader's Error) is thrown once: the next look asks
   *     Vault
   */
  void lookForKept(ClusterId id, Instant now, KeptTakeOver takeOver) {
    if (lookedForKept || bundle != null) {
      return;
    }
    lookedForKept = true;
    Optional<KeptTakeOver.TakenOver> taken;
    try {
      taken = takeOver.find(id, now);
    } catch (VaultRequestException stopped) {
      lookedForKept = false; // no finding: the next look reads again
      throw stopped;
    } catch (BoundedReads.Unanswered unanswered) {
      lookedForKept = false; // nothing known of it: the next look reads again
      return;
    } catch (KeptTakeOver.ReadFailed failed) {
      lookedForKept = false; // as one that did not end; logged by the take-over
      return;
    }
    taken.ifPresent(t -> {
      bundle = t.bundle();
      renewAt = t.renewAt();
      // a failure to get a first one (asked while the read hung) is no failed renewal of this
      lastFailure = null;
      paused = false;
    });
  }

  /**
   * Whether its lock was had: at once if free, else within what {@code nanosLeft} says is left
   * (asked only then, so that a shared deadline starts at the first wait).
   */
  boolean lockWithin(LongSupplier nanosLeft) {
    return lock.tryLock() || tryLock(Math.max(0, nanosLeft.getAsLong()));
  }

  /** Whether its lock was had within {@code wait} (none if negative). */
  boolean lockWithin(Duration wait) {
    return tryLock(wait.isNegative() ? 0 : wait.toNanos());
  }

  /** Whether its lock was had within {@code nanos}; an interrupt ends the wait. */
  private boolean tryLock(long nanos) {
    try {
      return lock.tryLock(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
