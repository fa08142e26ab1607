package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The one way a certificate is asked of Vault: within the permits of concurrent requests, with
 * the current token, and the 403 rule (a new login, and one retry, only if the token is
 * invalid; a valid token outside its policies is that cluster's {@code vault-permission-denied}).
 * Thread-safe.
 */
final class CertificateRequester {
  private final VaultPki pki;
  private final VaultAuthenticator authenticator;
  private final Clock clock;
  private final Semaphore permits;
  private final BooleanSupplier closed;

  CertificateRequester(VaultPki pki, VaultAuthenticator authenticator, Clock clock,
      int maxConcurrentRequests, BooleanSupplier closed) {
    this.pki = requireNonNull(pki, "pki == null");
    this.authenticator = requireNonNull(authenticator, "authenticator == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.permits = new Semaphore(maxConcurrentRequests, true);
    this.closed = requireNonNull(closed, "closed == null");
  }

  /** The stop of a request for {@code id} interrupted before it asked Vault. */
  static VaultRequestException interruptedBeforeAsking(ClusterId id) {
    return new VaultRequestException(VaultFailure.INTERRUPTED, 0, List.of(),
        "interrupted while waiting to ask vault for the certificate of cluster "
            + Quoting.quote(id.value()), null);
  }

  /**
   * A new certificate for {@code id}, as Vault answered it; {@code used} is set to the origin of
   * the token its last request used (null if it had none: its login failed).
   *
   * @throws VaultRequestException for every failure, {@code interrupted} once closed
   */
  CertificateBundle request(ClusterId id, AtomicReference<TokenOrigin> used) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interruptedBeforeAsking(id);
    }
    try {
      Secret token = token(used);
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
        return pki.obtain(id, token(used));
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

  /**
   * The authenticator's token, its origin set in {@code used} (null while it is had, and if it
   * cannot be); its failure noted as the login's ({@link TokenRefusals}).
   */
  private Secret token(AtomicReference<TokenOrigin> used) {
    used.set(null);
    try {
      TokenOrigin.Held held = authenticator.tokenWithOrigin();
      used.set(held.origin());
      return held.token();
    } catch (VaultRequestException e) {
      throw e.ofLogin();
    }
  }
}
