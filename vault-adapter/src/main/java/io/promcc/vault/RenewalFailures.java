package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;

/**
 * The renewals of {@link VaultAuthenticator}'s current token that failed in a row while it stayed
 * valid (Vault down): when to try the next, later the longer they fail (as a login), warned of
 * when they start failing and again when they fail for another reason. Not thread-safe: guarded
 * by the authenticator's lock.
 */
final class RenewalFailures {
  private static final System.Logger LOG = System.getLogger(VaultAuthenticator.class.getName());

  private final RenewalPolicy policy;
  private final Clock clock;
  /** Renewals of the current token that failed in a row while it stayed valid. */
  private int count;
  /** Why the last of them failed; null if none has. */
  private VaultFailure last;

  RenewalFailures(RenewalPolicy policy, Clock clock) {
    this.policy = requireNonNull(policy, "policy == null");
    this.clock = requireNonNull(clock, "clock == null");
  }

  /**
   * Counts the renewal that failed with {@code e}, the token kept until {@code expiresAt}
   * ({@code null}: never); when to try the next renewal, never past {@code expiresAt}. From the
   * failure, not the call: one that hung for its timeout would leave the next refresh already
   * due for every caller that waited meanwhile.
   */
  Instant failed(VaultRequestException e, Instant expiresAt) {
    count++;
    boolean changed = e.failure() != last;
    last = e.failure();
    Instant again = VaultAuthenticator.earliest(clock.instant().plus(policy.backoff(count)),
        expiresAt);
    LOG.log(changed ? Level.WARNING : Level.DEBUG, "keeping the current vault "
        + "token until {0}: its renewal failed ({1} in a row, next attempt at {2}): {3}",
        expiresAt, count, again, e.getMessage());
    return again;
  }

  /** A renewal worked: the ones that failed before it are logged, and the count starts anew. */
  void renewed() {
    if (count > 0) {
      LOG.log(Level.INFO, "vault token renewed after {0} failed renewals in a row", count);
    }
    reset();
  }

  /** A login worked: a new token, whose renewals have not failed. */
  void reset() {
    count = 0;
    last = null;
  }
}
