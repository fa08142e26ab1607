package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.LookupResponse;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Holds the Vault token: logs in with the configured method, renews the token (renew-self) once
 * {@code renewAfterFraction} of its TTL has passed, and logs in again when it can no longer be
 * renewed (not renewable, max TTL reached, revoked, expired). With token auth, "logging in"
 * re-reads the token from its file or variable and looks it up, so an agent may rotate it.
 *
 * <p>Thread-safe: one token at a time, refreshed under a lock so that concurrent callers do not
 * log in twice. The token never appears in logs, messages or {@link #toString()}.
 */
public final class VaultAuthenticator {
  private static final System.Logger LOG = System.getLogger(VaultAuthenticator.class.getName());

  private final VaultAuthSettings auth;
  private final VaultConnection connection;
  private final RenewalPolicy policy;
  private final Clock clock;
  private final Function<String, String> environment;
  private final CertificateListener listener;

  // guarded by this
  private State state;

  /** Token, its expiry ({@code null}: never expires), and when to act on it. */
  private record State(Secret token, Duration ttl, Instant expiresAt, Instant refreshAt,
      boolean renewable) {}

  /**
   * @param environment reads environment variables (for token auth), e.g. {@code System::getenv}
   */
  public VaultAuthenticator(VaultAuthSettings auth, VaultConnection connection,
      RenewalPolicy policy, Clock clock, Function<String, String> environment,
      CertificateListener listener) {
    this.auth = requireNonNull(auth, "auth == null");
    this.connection = requireNonNull(connection, "connection == null");
    this.policy = requireNonNull(policy, "policy == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.environment = requireNonNull(environment, "environment == null");
    this.listener = requireNonNull(listener, "listener == null");
  }

  /**
   * A token that is valid now, renewing or logging in first if it is due.
   *
   * @throws VaultRequestException if no valid token can be had; when only a renewal failed with
   *     a transient error (Vault down) the current, still valid token is returned instead
   */
  public synchronized Secret token() {
    Instant now = clock.instant();
    if (state == null || (state.expiresAt != null && !now.isBefore(state.expiresAt))) {
      state = login(now);
    } else if (state.refreshAt != null && !now.isBefore(state.refreshAt)) {
      if (state.renewable) {
        try {
          state = renew(state, now);
        } catch (VaultRequestException e) {
          if (e.failure().authProblem() || e.failure() == VaultFailure.BAD_REQUEST) {
            // revoked, or not renewable after all: a new login is the only way on
            state = login(now);
          } else {
            // Vault is down: the token still works until it expires; retry renewal later
            LOG.log(Level.WARNING, "keeping the current vault token until {0}: {1}",
                state.expiresAt, e.getMessage());
            state = new State(state.token, state.ttl, state.expiresAt,
                earliest(now.plus(policy.backoff(1)), state.expiresAt), true);
          }
        }
      } else {
        state = login(now);
      }
    }
    return state.token;
  }

  /**
   * Forgets {@code token} after Vault refused it (403), so the next {@link #token()} logs in
   * again. Does nothing if a different token is current by now.
   */
  public synchronized void invalidate(Secret token) {
    if (state != null && state.token.equals(token)) {
      state = null;
    }
  }

  /** When the current token expires; {@code null} if there is none or it never expires. */
  synchronized Instant expiresAt() {
    return state == null ? null : state.expiresAt;
  }

  private State login(Instant now) {
    if (auth instanceof VaultAuthSettings.Token t) {
      Secret token = readToken(t);
      LookupResponse lookup = connection.call("GET auth/token/lookup-self",
          () -> connection.vault(token).auth().lookupSelf());
      State s = state(token, lookup.getTTL(), lookup.isRenewable(), now);
      LOG.log(Level.INFO, "using vault token from {0}, expires {1}", describe(t),
          s.expiresAt == null ? "never" : s.expiresAt);
      listener.tokenRefreshed(false, s.expiresAt);
      return s;
    }
    AuthResponse response;
    String method;
    if (auth instanceof VaultAuthSettings.Kubernetes k) {
      Secret jwt = readSecret(k.jwtFile(), "kubernetes service account token");
      method = "kubernetes auth at auth/" + k.mount() + " as role " + Quoting.quote(k.role());
      response = connection.call("POST auth/" + k.mount() + "/login",
          () -> connection.vault(null).auth().loginByKubernetes(k.role(), jwt.reveal(),
              "auth/" + k.mount()));
    } else {
      VaultAuthSettings.AppRole a = (VaultAuthSettings.AppRole) auth;
      Secret secretId = readSecret(a.secretIdFile(), "approle secret id");
      method = "approle auth at auth/" + a.mount();
      response = connection.call("POST auth/" + a.mount() + "/login",
          () -> connection.vault(null).auth().loginByAppRole(a.mount(), a.roleId(),
              secretId.reveal()));
    }
    String clientToken = response.getAuthClientToken();
    if (clientToken == null || clientToken.isEmpty()) {
      throw new VaultRequestException(VaultFailure.INVALID_RESPONSE, 200, List.of(),
          "vault login with " + method + " returned no client token", null);
    }
    State s = state(Secret.of(clientToken), response.getAuthLeaseDuration(),
        response.isAuthRenewable(), now);
    LOG.log(Level.INFO, "logged in to vault with {0}, token expires {1}", method,
        s.expiresAt == null ? "never" : s.expiresAt);
    listener.tokenRefreshed(false, s.expiresAt);
    return s;
  }

  private State renew(State current, Instant now) {
    AuthResponse response = connection.call("POST auth/token/renew-self",
        () -> connection.vault(current.token).auth().renewSelf(current.ttl.toSeconds()));
    long leaseSeconds = response.getAuthLeaseDuration();
    State renewed = state(current.token, leaseSeconds, response.isAuthRenewable(), now);
    if (renewed.expiresAt != null && current.expiresAt != null
        && !renewed.expiresAt.isAfter(current.expiresAt)) {
      // max TTL reached: renewing again would not extend it, so log in afresh when due
      LOG.log(Level.INFO, "vault token reached its max ttl; will log in again before {0}",
          renewed.expiresAt);
      renewed = new State(renewed.token, current.ttl, renewed.expiresAt, renewed.refreshAt, false);
    } else {
      renewed = new State(renewed.token, current.ttl, renewed.expiresAt, renewed.refreshAt,
          renewed.renewable);
    }
    LOG.log(Level.DEBUG, "renewed vault token, expires {0}", renewed.expiresAt);
    listener.tokenRefreshed(true, renewed.expiresAt);
    return renewed;
  }

  private State state(Secret token, long ttlSeconds, boolean renewable, Instant now) {
    if (ttlSeconds <= 0) {
      // a root or periodic-less token without TTL never expires
      return new State(token, Duration.ZERO, null, null, false);
    }
    Duration ttl = Duration.ofSeconds(ttlSeconds);
    Instant expiresAt = now.plus(ttl);
    Instant refreshAt = policy.threshold(now, expiresAt);
    return new State(token, ttl, expiresAt, refreshAt, renewable);
  }

  private Secret readToken(VaultAuthSettings.Token t) {
    if (t.file().isPresent()) {
      return readSecret(t.file().get(), "vault token");
    }
    String value = environment.apply(t.environmentVariable());
    if (value == null || value.isBlank()) {
      throw new VaultRequestException(VaultFailure.CREDENTIALS_UNREADABLE, 0, List.of(),
          "environment variable " + Quoting.quote(t.environmentVariable())
              + " holding the vault token is not set", null);
    }
    return Secret.of(value.strip());
  }

  private static Secret readSecret(Path file, String what) {
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new VaultRequestException(VaultFailure.CREDENTIALS_UNREADABLE, 0, List.of(),
            what + " file " + Quoting.quote(file.toString()) + " is empty", null);
      }
      return Secret.of(value);
    } catch (IOException e) {
      throw new VaultRequestException(VaultFailure.CREDENTIALS_UNREADABLE, 0, List.of(),
          "cannot read " + what + " file " + Quoting.quote(file.toString()) + ": "
              + e.getClass().getSimpleName(), null);
    }
  }

  private static String describe(VaultAuthSettings.Token t) {
    return t.file().map(f -> "file " + Quoting.quote(f.toString()))
        .orElse("environment variable " + Quoting.quote(t.environmentVariable()));
  }

  private static Instant earliest(Instant a, Instant b) {
    return b == null || a.isBefore(b) ? a : b;
  }

  @Override
  public String toString() {
    return "VaultAuthenticator{" + auth + " at " + connection.address() + "}";
  }
}
