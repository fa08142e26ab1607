package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import java.util.function.LongSupplier;

/**
 * Whether the token works again after it was refused for a cluster ({@code vault-token-invalid}):
 * a certificate was issued after a login that came after the last such refusal, so the clusters
 * refused for the token need not wait out their own backoff. A login alone shows nothing: each
 * refused request logs in before it asks again, and a cluster looked at while another one's
 * attempt has logged in and waits for its answer would be asked for nothing. A token refused
 * again for any of them puts the others back in theirs until the next certificate issued after
 * a login. Thread-safe, and never waits for a login under way.
 */
final class TokenRefusals {
  /** The authenticator's count of logins that worked. */
  private final LongSupplier logins;
  /** The count of logins when a token was last refused for a cluster; -1 if never. */
  private long refusedAtLogins = -1;
  /** The count of logins when a certificate was last issued; -1 if never. */
  private long issuedAtLogins = -1;

  TokenRefusals(LongSupplier logins) {
    this.logins = requireNonNull(logins, "logins == null");
  }

  /** A cluster's request was refused for the token, after every login it made itself. */
  synchronized void refused() {
    refusedAtLogins = Math.max(refusedAtLogins, logins.getAsLong());
  }

  /** A certificate was issued for a cluster. */
  synchronized void issued() {
    issuedAtLogins = Math.max(issuedAtLogins, logins.getAsLong());
  }

  /** Whether a certificate was issued after a login since a token was last refused. */
  synchronized boolean worksAgain() {
    return refusedAtLogins >= 0 && issuedAtLogins > refusedAtLogins;
  }
}
