package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Secret;
import java.time.Clock;
import java.time.Instant;

/**
 * The 403 rule of {@link VaultAuthenticator#stillValid}: whether a token Vault refused is still
 * valid (its policies do not cover the path) or gone, asked with {@code lookup-self} once for
 * all callers whose request was sent before a lookup started. Holds the last lookup; not
 * thread-safe on its own: called under the authenticator's lock.
 */
final class TokenLookup {
  private final VaultConnection connection;
  private final Clock clock;
  private Check lastCheck;

  /** A lookup-self of {@code token} that started at {@code startedAt}; failure null if none. */
  private record Check(Secret token, Instant startedAt, boolean valid,
      VaultRequestException failure) {}

  TokenLookup(VaultConnection connection, Clock clock) {
    this.connection = requireNonNull(connection, "connection == null");
    this.clock = requireNonNull(clock, "clock == null");
  }

  /**
   * Whether {@code token}, refused with a 403 by a request sent at {@code sentAt}, is still
   * valid: the last lookup's answer if it started since, else a new lookup's.
   *
   * @throws VaultRequestException if the lookup fails for another reason (Vault down); the
   *     callers whose requests were sent before it started get its failure, without a lookup,
   *     unless it was interrupted (its caller stopping), which no other caller shares
   */
  boolean stillValid(Secret token, Instant sentAt) {
    Check check = lastCheck;
    if (check != null && check.token.equals(token) && !check.startedAt.isBefore(sentAt)) {
      if (check.failure != null) {
        // the callers that waited for a lookup Vault did not answer would each wait as long
        VaultRequestException f = check.failure;
        throw new VaultRequestException(f.failure(), f.status(), f.errors(), f.retryAfter(),
            f.answeredAfter(), f.getMessage() + " (the lookup-self of a request refused at "
                + "the same time; not sent again)", null);
      }
      return check.valid;
    }
    Instant startedAt = clock.instant();
    boolean valid;
    try {
      connection.get("auth/token/lookup-self", token);
      valid = true;
    } catch (VaultRequestException e) {
      if (e.failure() == VaultFailure.INTERRUPTED) {
        // no answer of Vault's, only this caller stopping: the others ask themselves
        throw e;
      }
      if (!e.failure().denied()) {
        lastCheck = new Check(token, startedAt, false, e);
        throw e;
      }
      // the default policy allows lookup-self, so a 403 here means the token is gone
      valid = false;
    }
    lastCheck = new Check(token, startedAt, valid, null);
    return valid;
  }
}
