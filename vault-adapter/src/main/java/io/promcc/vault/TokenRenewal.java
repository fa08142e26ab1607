package io.promcc.vault;

import static io.promcc.vault.VaultAnswerFields.flag;
import static io.promcc.vault.VaultAnswerFields.object;
import static io.promcc.vault.VaultAnswerFields.seconds;
import static java.util.Objects.requireNonNull;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.promcc.core.model.Secret;
import io.promcc.vault.VaultAuthenticator.State;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The token's times and its renewal for {@link VaultAuthenticator}: the state of a token Vault
 * gave (when it expires, when to act on it), and {@code renew-self} with the reading of its
 * answer (a max TTL reached, under a second left). Holds no state of its own; thread-safe.
 */
final class TokenRenewal {
  private static final System.Logger LOG = System.getLogger(VaultAuthenticator.class.getName());

  private final VaultAuthSettings auth;
  private final VaultConnection connection;
  private final RenewalPolicy policy;

  /** A renewed token's state; {@code spent} if the renewal left it under a second. */
  record Renewed(State state, boolean spent) {}

  TokenRenewal(VaultAuthSettings auth, VaultConnection connection, RenewalPolicy policy) {
    this.auth = requireNonNull(auth, "auth == null");
    this.connection = requireNonNull(connection, "connection == null");
    this.policy = requireNonNull(policy, "policy == null");
  }

  /**
   * Renews {@code current} with {@code renew-self}.
   *
   * @throws VaultRequestException if Vault refuses, cannot be asked, or answers badly
   */
  Renewed renew(State current, Instant now) {
    JsonObject answer = connection.post("auth/token/renew-self", current.token(),
        Json.object().add("increment", current.ttl().toSeconds()));
    JsonObject authData = object(answer, "auth");
    if (authData == null) {
      throw new VaultRequestException(VaultFailure.INVALID_RESPONSE, 200, List.of(),
          "vault answered POST auth/token/renew-self without auth", null);
    }
    String answerTo = "POST auth/token/renew-self";
    long lease = seconds(authData, "lease_duration", answerTo);
    if (lease == 0) {
      // only a token with an expiry is renewed, and Vault rounds the lease down to whole
      // seconds: 0 is under a second left (its max ttl reached), not a token without an end
      LOG.log(Level.INFO, "vault token renewal left it under a second ({0} says "
          + "lease_duration 0: its max ttl is reached); {1} now", answerTo,
          auth instanceof VaultAuthSettings.Token ? "reading the token again" : "logging in again");
      return new Renewed(new State(current.token(), current.ttl(), now, null, false,
          current.ours()), true);
    }
    State renewed = state(current.token(), lease, flag(authData, "renewable", answerTo), now,
        current.ours());
    if (renewed.expiresAt() != null && current.expiresAt() != null
        && !renewed.expiresAt().isAfter(current.expiresAt())) {
      // max TTL reached: renewing again would not extend it, so log in afresh when due
      LOG.log(Level.INFO, "vault token reached its max ttl; will log in again before {0}",
          renewed.expiresAt());
      renewed = new State(renewed.token(), current.ttl(), renewed.expiresAt(),
          renewed.refreshAt(), false, current.ours());
    } else {
      renewed = new State(renewed.token(), current.ttl(), renewed.expiresAt(),
          renewed.refreshAt(), renewed.renewable(), current.ours());
    }
    return new Renewed(renewed, false);
  }

  /** The state of {@code token}, which Vault just gave with {@code ttlSeconds} left. */
  State state(Secret token, long ttlSeconds, boolean renewable, Instant now, boolean ours) {
    if (ttlSeconds <= 0) {
      // a root or periodic-less token without TTL never expires
      return new State(token, Duration.ZERO, null, null, false, ours);
    }
    Duration ttl = Duration.ofSeconds(ttlSeconds);
    Instant expiresAt = now.plus(ttl);
    Instant refreshAt = policy.threshold(now, expiresAt);
    return new State(token, ttl, expiresAt, refreshAt, renewable, ours);
  }
}
