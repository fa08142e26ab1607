package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;

/**
 * When {@link VaultAuthenticator} may try the next login after failed ones: after the first
 * backoff step after one failure, doubling with each further failure in a row up to the maximum,
 * as a cluster's does. Until then its callers get the last failure again, without a request.
 * Logins starting to fail (or failing for another reason) are logged once as a warning and told
 * to the listener; the attempts after that are logged at debug level, the first that works
 * again at info level. Not thread-safe: guarded by the authenticator's lock.
 */
final class LoginBackoff {
  private static final System.Logger LOG = System.getLogger(VaultAuthenticator.class.getName());

  private final RenewalPolicy policy;
  private final Clock clock;
  private final CertificateListener listener;
  private VaultRequestException last;
  private int failures;
  private Instant againAt;

  LoginBackoff(RenewalPolicy policy, Clock clock, CertificateListener listener) {
    this.policy = requireNonNull(policy, "policy == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.listener = requireNonNull(listener, "listener == null");
  }

  /**
   * Throws the last failure again if its backoff has not passed at {@code now}.
   *
   * @throws VaultRequestException the last login's failure, saying when the next is tried
   */
  void checkMayTry(Instant now) {
    if (last != null && now.isBefore(againAt)) {
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
    failures = 0;
  }

  /**
   * A login failed with {@code e} (not an interruption, which is no answer of Vault's).
   *
   * @param meanwhile what is used meanwhile, for the log: the token kept, or none
   */
  void failed(VaultRequestException e, String meanwhile) {
    boolean changed = last == null || last.failure() != e.failure();
    last = e;
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
