package io.promcc.vault;

import static io.promcc.vault.VaultAnswerFields.flag;
import static io.promcc.vault.VaultAnswerFields.object;
import static io.promcc.vault.VaultAnswerFields.seconds;
import static io.promcc.vault.VaultAnswerFields.string;
import static java.util.Objects.requireNonNull;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import io.promcc.vault.VaultAuthenticator.State;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;

/**
 * The login request of {@link VaultAuthenticator}'s auth method: with token auth, a
 * {@code lookup-self} of the operator's token (refused: the token is bad); with Kubernetes or
 * AppRole auth, a login that creates a token of ours. Logs the token got at info level and tells
 * the listener. Holds no state of its own: called under the authenticator's lock.
 */
final class VaultLogin {
  private static final System.Logger LOG = System.getLogger(VaultAuthenticator.class.getName());

  private final VaultAuthSettings auth;
  private final VaultConnection connection;
  private final CertificateListener listener;
  private final States states;

  /** Makes the authenticator's state of a token Vault gave, when to renew it included. */
  interface States {
    State of(Secret token, long ttlSeconds, boolean renewable, Instant now, boolean ours);
  }

  VaultLogin(VaultAuthSettings auth, VaultConnection connection, CertificateListener listener,
      States states) {
    this.auth = requireNonNull(auth, "auth == null");
    this.connection = requireNonNull(connection, "connection == null");
    this.listener = requireNonNull(listener, "listener == null");
    this.states = requireNonNull(states, "states == null");
  }

  /**
   * Logs in with {@code credential}, just read by {@link VaultCredentials#read}.
   *
   * @throws VaultRequestException if Vault refuses it, cannot be asked, or answers badly
   */
  State login(Instant now, Secret credential) {
    if (auth instanceof VaultAuthSettings.Token t) {
      Secret token = credential;
      JsonObject lookup;
      try {
        lookup = connection.get("auth/token/lookup-self", token);
      } catch (VaultRequestException e) {
        if (!e.failure().denied()) {
          throw e;
        }
        // the default policy allows lookup-self: the token itself is bad
        throw new VaultRequestException(VaultFailure.TOKEN_INVALID, e.status(), e.errors(),
            e.getMessage().replace("(" + e.failure().reason() + ")",
                "(" + VaultFailure.TOKEN_INVALID.reason() + ")")
                + "; the token from " + VaultCredentials.describe(t)
                + " is not valid (revoked, expired or from another vault)", null);
      }
      JsonObject data = object(lookup, "data");
      String answerTo = "GET auth/token/lookup-self";
      long ttl = data == null ? 0 : seconds(data, "ttl", answerTo);
      JsonValue expireTime = data == null ? null : data.get("expire_time");
      if (ttl == 0 && expireTime != null && !expireTime.isNull()) {
        // Vault rounds the ttl left down to whole seconds: a token without an end (root) says
        // 0 with no expire_time; one that says 0 with an expire_time ends within the second
        throw new VaultRequestException(VaultFailure.TOKEN_INVALID, 200, List.of(),
            "the token from " + VaultCredentials.describe(t) + " expires within a second ("
                + answerTo
                + " says ttl 0, expire_time " + Quoting.quote(expireTime.isString()
                    ? expireTime.asString() : expireTime.toString())
                + "), so it is not used: put a new token there", null);
      }
      State s = states.of(token, ttl, data != null && flag(data, "renewable", answerTo), now,
          false);
      LOG.log(Level.INFO, "using vault token from {0}, expires {1}", VaultCredentials.describe(t),
          s.expiresAt() == null ? "never" : s.expiresAt());
      listener.tokenRefreshed(false, s.expiresAt());
      return s;
    }
    JsonObject answer;
    String method;
    if (auth instanceof VaultAuthSettings.Kubernetes k) {
      method = "kubernetes auth at auth/" + k.mount() + " as role " + Quoting.quote(k.role());
      answer = connection.post("auth/" + k.mount() + "/login", null,
          Json.object().add("role", k.role()).add("jwt", credential.reveal()));
    } else {
      VaultAuthSettings.AppRole a = (VaultAuthSettings.AppRole) auth;
      method = "approle auth at auth/" + a.mount();
      answer = connection.post("auth/" + a.mount() + "/login", null,
          Json.object().add("role_id", a.roleId()).add("secret_id", credential.reveal()));
    }
    JsonObject authData = object(answer, "auth");
    String clientToken = authData == null ? null : string(authData, "client_token");
    if (clientToken == null || clientToken.isEmpty()) {
      throw new VaultRequestException(VaultFailure.INVALID_RESPONSE, 200, List.of(),
          "vault login with " + method + " returned no client token", null);
    }
    if (!Secret.fitsHeader(clientToken, false)) {
      // the http client refuses it in a header with a message that quotes the whole value
      throw new VaultRequestException(VaultFailure.INVALID_RESPONSE, 200, List.of(),
          "vault login with " + method + " returned a client token with a line break, a "
              + "control character or a character outside ASCII, which a header cannot carry "
              + "(the token is not shown)", null);
    }
    State s = states.of(Secret.of(clientToken), seconds(authData, "lease_duration", method),
        flag(authData, "renewable", method), now, true);
    LOG.log(Level.INFO, "logged in to vault with {0}, token expires {1}", method,
        s.expiresAt() == null ? "never" : s.expiresAt());
    listener.tokenRefreshed(false, s.expiresAt());
    return s;
  }
}
