package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Whether the token works again after it was refused for a cluster ({@code vault-token-invalid}):
 * a login has worked since the last such refusal, so the clusters refused for the token need not
 * wait out their own backoff. A token refused again for any of them puts the others back in
 * theirs until the next login that works; the logins a refused request makes itself count as
 * before its refusal. Thread-safe, and never waits: not even for a login under way.
 */
final class TokenRefusals {
  /** The authenticator's count of logins that worked. */
  private final LongSupplier logins;
  /** The count of logins when a token was last refused for a cluster; -1 if never. */
  private final AtomicLong refusedAtLogins = new AtomicLong(-1);

  TokenRefusals(LongSupplier logins) {
    this.logins = requireNonNull(logins, "logins == null");
  }

  /** A cluster's request was refused for the token, after every login it made itself. */
  void refused() {
    refusedAtLogins.accumulateAndGet(logins.getAsLong(), Math::max);
  }

  /** Whether a login has worked since a token was last refused for a cluster. */
  boolean worksAgain() {
    long refusedAt = refusedAtLogins.get();
    return refusedAt >= 0 && logins.getAsLong() > refusedAt;
  }
}
