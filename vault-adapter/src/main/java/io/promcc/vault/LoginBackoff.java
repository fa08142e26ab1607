package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Secret;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;

/**
 * When {@link VaultAuthenticator} may try the next login after failed ones: after the first
 * backoff step after one failure, doubling with each further failure in a row up to the maximum,
 * as a cluster's does. Until then its callers get the last failure again, without a request.
 * Logins starting to fail (or failing for another reason) are logged once as a warning and told
 * to the listener; the attempts after that are logged at debug level, the first that works
 * again at info level. A credential read from a file that changed since the failed login (a
 * token file fixed, a new secret ID, a rotated service account token) may be tried before the
 * backoff has passed: only a digest of the one read at that login is kept, never the secret.
 * Not thread-safe: guarded by the authenticator's lock.
 */
final class LoginBackoff {
  private static final System.Logger LOG = System.getLogger(VaultAuthenticator.class.getName());

  private final RenewalPolicy policy;
  private final Clock clock;
  private final CertificateListener listener;
  private VaultRequestException last;
  private int failures;
  private Instant againAt;
  /** The digest of the credential the last failed login read; null if it read none. */
  private CredentialDigest lastRead;

  LoginBackoff(RenewalPolicy policy, Clock clock, CertificateListener listener) {
    this.policy = requireNonNull(policy, "policy == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.listener = requireNonNull(listener, "listener == null");
  }

  /** Whether the last login failed less than its backoff before {@code now}. */
  boolean holdsBack(Instant now) {
    return last != null && now.isBefore(againAt);
  }

  /**
   * Whether {@code read}, the credential read now, differs from the one the last failed login
   * read (or that login could not read one): then it may be tried before the backoff passed.
   */
  boolean changedSince(Secret read) {
    return lastRead == null || !lastRead.equals(CredentialDigest.of(read));
  }

  /**
   * Throws the last failure again if its backoff has not passed at {@code now}.
   *
   * @throws VaultRequestException the last login's failure, saying when the next is tried
   */
  void checkMayTry(Instant now) {
    if (holdsBack(now)) {
      throw new VaultRequestException(last.failure(), last.status(), last.errors(),
          last.getMessage() + " (the last login, not tried again before " + againAt + ")", null);
    }
  }

  /** A login worked. */
  void succeeded() {
    if (failures > 0) {
      LOG.log(Level.INFO, "vault login works again after {0} failed in a row", failures);
    }
    last = null;
    lastRead = null;
    failures = 0;
  }

  /**
   * A login failed with {@code e} (not an interruption, which is no answer of Vault's).
   *
   * @param meanwhile what is used meanwhile, for the log: the token kept, or none
   * @param read the credential that login read; null if it could not read one
   */
  void failed(VaultRequestException e, String meanwhile, Secret read) {
    boolean changed = last == null || last.failure() != e.failure();
    last = e;
    lastRead = read == null ? null : CredentialDigest.of(read);
    failures++;
    againAt = clock.instant().plus(policy.backoff(failures));
    LOG.log(changed ? Level.WARNING : Level.DEBUG, "vault login failed ({0} in a row; {1}); "
        + "next attempt at {2}, less often while it fails: {3}", failures, meanwhile, againAt,
        e.getMessage());
    if (changed) {
      listener.loginFailing(e.failure().reason());
    }
  }

  /** When the next login may be tried after the last failed; null if none has failed yet. */
  Instant againAt() {
    return againAt;
  }
}
