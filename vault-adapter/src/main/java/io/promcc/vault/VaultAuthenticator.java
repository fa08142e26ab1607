package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Secret;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Holds the Vault token: logs in with the configured method, renews the token (renew-self) once
 * {@code renewAfterFraction} of its TTL has passed, and logs in again when it can no longer be
 * renewed (not renewable, max TTL reached, revoked, expired). With token auth, "logging in"
 * re-reads the token from its file or variable and looks it up, so an agent may rotate it
 * ({@link LoginCredential} reads the secrets, {@link VaultLogin} sends the login,
 * {@link TokenRenewal} the renewal and {@link RenewalFailures} counts the failed ones,
 * {@link TokenLookup} the lookup of a refused token, {@link TokenRevocation} the revocation, and
 * {@link VaultAnswerFields} reads Vault's answers).
 *
 * <p>A token this class created by a Kubernetes or AppRole login is revoked ({@code revoke-self})
 * when a new login replaces it while it is still valid, and on {@link #close()}: every login
 * creates a token, and one left behind lives on until its TTL ends. A token given by the
 * operator (token auth) is never revoked: it is not ours.
 *
 * <p>A 403 means either that the token is bad or that its policies do not cover the path;
 * {@link #stillValid} tells the two apart, so that a missing policy never leads to a new login.
 *
 * <p>Thread-safe: one token at a time, refreshed under a lock so that concurrent callers do not
 * log in twice. The token never appears in logs, messages or {@link #toString()}.
 */
public final class VaultAuthenticator implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(VaultAuthenticator.class.getName());

  private final VaultAuthSettings auth;
  private final VaultConnection connection;
  private final RenewalPolicy policy;
  private final Clock clock;
  private final TokenRenewal renewal;
  private final TokenLookup lookup; // guarded by this
  private final CertificateListener listener;
  private final VaultLogin login;
  private final TokenRevocation revocation;

  // guarded by this
  private State state;
  private final LoginBackoff loginBackoff;
  private final LoginCredential credential;
  private final RenewalFailures renewFailures;
  /** The last renewal or login Vault did not answer while a token was kept; null once one works. */
  private Unanswered unanswered;
  private boolean closed;
  /** The login that made {@code state}'s token; null before the first that worked. */
  private TokenOrigin origin;
  /** Logins that worked so far; read without the lock, which a login holds while it waits. */
  private final AtomicLong logins = new AtomicLong();
  /**
   * The credential the last login that read one read; null if its read failed (or none read
   * yet). Read without the lock, as {@link #logins}.
   */
  private volatile CredentialDigest lastRead;

  /**
   * Token, its expiry ({@code null}: never expires), when to act on it, and whether a login of
   * ours created it (then it is ours to revoke).
   */
  record State(Secret token, Duration ttl, Instant expiresAt, Instant refreshAt,
      boolean renewable, boolean ours) {}

  /** A call about the token that Vault did not answer, known at {@code at}. */
  private record Unanswered(Instant at, VaultRequestException failure) {}

  /**
   * @param environment reads environment variables (for token auth), e.g. {@code System::getenv}
   */
  public VaultAuthenticator(VaultAuthSettings auth, VaultConnection connection,
      RenewalPolicy policy, Clock clock, Function<String, String> environment,
      CertificateListener listener) {
    this(auth, connection, policy, clock, environment, listener,
        () -> BoundedReads.DEFAULT_TIMEOUT);
  }

  /**
   * As the public constructor, a read of the credential given up after what {@code readTimeout}
   * gives as it begins (for tests).
   */
  VaultAuthenticator(VaultAuthSettings auth, VaultConnection connection, RenewalPolicy policy,
      Clock clock, Function<String, String> environment, CertificateListener listener,
      Supplier<Duration> readTimeout) {
    this.auth = requireNonNull(auth, "auth == null");
    this.connection = requireNonNull(connection, "connection == null");
    this.policy = requireNonNull(policy, "policy == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.credential = new LoginCredential(auth, environment, readTimeout);
    this.listener = requireNonNull(listener, "listener == null");
    this.renewFailures = new RenewalFailures(policy, clock);
    this.revocation = new TokenRevocation(connection);
    this.loginBackoff = new LoginBackoff(policy, clock, listener);
    this.renewal = new TokenRenewal(auth, connection, policy);
    this.lookup = new TokenLookup(connection, clock);
    this.login = new VaultLogin(auth, connection, listener, renewal::state);
  }

  /**
   * A token that is valid now, renewing or logging in first if it is due.
   *
   * @throws VaultRequestException if no valid token can be had; when only a renewal (or a new
   *     login) failed with a transient error (Vault down) the current, still valid token is
   *     returned instead, except to the callers that asked before Vault left such a call
   *     unanswered ({@code vault-unreachable}): a request with the token would wait as long
   * @throws IllegalStateException after {@link #close()}
   */
  public Secret token() {
    return tokenWithOrigin().token();
  }

  /** As {@link #token()}, with the login that made the token and the credential it read. */
  TokenOrigin.Held tokenWithOrigin() {
    Instant asked = clock.instant();
    synchronized (this) {
      Secret token = current();
      Unanswered u = unanswered;
      if (u != null && !asked.isAfter(u.at)) {
        // this caller waited for (or made) the call Vault did not answer: a certificate request
        // would wait a request timeout more, and its failure holds back the clusters behind it
        throw new VaultRequestException(VaultFailure.UNREACHABLE, 0, List.of(),
            "not asking vault with the token kept until " + state.expiresAt
                + ", as it did not answer meanwhile: " + u.failure.getMessage(), null);
      }
      return new TokenOrigin.Held(token, origin);
    }
  }

  private Secret current() {
    if (closed) {
      throw new IllegalStateException("the vault authenticator is closed");
    }
    Instant now = clock.instant();
    if (state == null || (state.expiresAt != null && !now.isBefore(state.expiresAt))) {
      state = login(now); // an expired token needs no revoking
    } else if (state.refreshAt != null && !now.isBefore(state.refreshAt)) {
      if (state.renewable) {
        try {
          state = renew(state, now);
        } catch (VaultRequestException e) {
          if (e.failure() == VaultFailure.TOKEN_INVALID) {
            // revoked or expired on Vault's side: nothing left to revoke, nor to renew again
            // while the new login fails (which then holds back by its own backoff)
            state = null;
            state = login(now);
          } else if (e.failure() == VaultFailure.PERMISSION_DENIED) {
            // "permission denied" alone: its policies do not allow renew-self (taken out of
            // the default policy), so the token still works until it expires; or a Vault that
            // does not say "invalid token" refused a dead one, which the 403 rule then drops at
            // its next use. Not renewed again, it is replaced as one that is not renewable:
            // kept while the new login fails, and revoked once one works or at close, as
            // revoke-self is a path of its own that the policies may still allow (a refusal is
            // logged, and the token ends with its ttl)
            state = new State(state.token, state.ttl, state.expiresAt, state.refreshAt, false,
                state.ours);
            replace(now);
          } else if (e.failure() == VaultFailure.BAD_REQUEST) {
            // not renewable after all: not renewed again (while the new login fails, only the
            // login is retried), replaced, and revoked once the new one is in hand
            state = new State(state.token, state.ttl, state.expiresAt, state.refreshAt, false,
                state.ours);
            replace(now);
          } else if (e.failure() == VaultFailure.INTERRUPTED) {
            // no answer of Vault's (the caller is stopped): kept, not counted, still due
            LOG.log(Level.DEBUG, "keeping the current vault token until {0}: its renewal was "
                + "interrupted", state.expiresAt);
          } else {
            // Vault is down: the token still works until it expires; retry renewal later, less
            // often the longer it fails (as a login)
            Instant again = renewFailures.failed(e, state.expiresAt);
            state = new State(state.token, state.ttl, state.expiresAt, again, true, state.ours);
            if (e.failure() == VaultFailure.UNREACHABLE) {
              unanswered = new Unanswered(clock.instant(), e);
            }
          }
        }
        if (state.expiresAt != null && !now.isBefore(state.expiresAt)) {
          // the renewal left it under a second: spent, and it ends on its own (no revoking)
          state = login(now);
        }
      } else {
        replace(now);
      }
    }
    return state.token;
  }

  /**
   * Whether {@code token}, which Vault just refused with {@code denial} (a 403), is still valid,
   * i.e. its policies do not cover the path. Vault's own {@code invalid token} settles it at
   * once; otherwise {@code lookup-self} is asked, once for all callers whose request was sent
   * before a lookup started.
   *
   * @param sentAt when the refused request was sent
   * @throws VaultRequestException if the lookup fails for another reason (Vault down); the
   *     callers whose requests were sent before it started get its failure, without a lookup
   */
  public boolean stillValid(Secret token, VaultRequestException denial, Instant sentAt) {
    requireNonNull(token, "token == null");
    if (denial.failure() == VaultFailure.TOKEN_INVALID) {
      return false;
    }
    synchronized (this) {
      return lookup.stillValid(token, sentAt);
    }
  }

  /**
   * Forgets {@code token} after Vault found it invalid, so the next {@link #token()} logs in
   * again. Does nothing if a different token is current by now.
   */
  public synchronized void invalidate(Secret token) {
    if (state != null && state.token.equals(token)) {
      state = null;
    }
  }

  /**
   * How many logins have worked so far (with token auth, a token read and looked up): a new
   * token once it changes. Never waits, not even for a login under way.
   */
  long logins() {
    return logins.get();
  }

  /**
   * The credential the last login that read one read (whether the login worked or not); null
   * if that read failed, or none was read yet. Never waits, not even for a login under way.
   */
  CredentialDigest lastCredentialRead() {
    return lastRead;
  }

  /**
   * The credential as its file holds it now, read within the read bound, without asking Vault
   * and without waiting for a login under way; null with a token from an environment variable
   * (nothing is read) or if it cannot be read.
   */
  CredentialDigest credentialNow() {
    return credential.digestNow();
  }

  /** When the current token expires; {@code null} if there is none or it never expires. */
  synchronized Instant expiresAt() {
    return state == null ? null : state.expiresAt;
  }

  /**
   * Revokes the current token if a login of ours created it and it has not expired, and refuses
   * further use. Best effort (a failure of any kind but a {@link VirtualMachineError} other than
   * a stack overflow is logged, not thrown), bounded by a short timeout. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    State current = state;
    state = null;
    if (current != null && current.ours
        && (current.expiresAt == null || clock.instant().isBefore(current.expiresAt))) {
      revocation.revoke(current.token, "the controller stops");
    }
  }

  /**
   * Logs in anew and revokes the token it replaces, if that one is ours. If the login fails while
   * the current token is still valid, that token is kept (and the login tried again once its
   * backoff has passed): it works until it expires.
   */
  private void replace(Instant now) {
    State old = state;
    boolean keep = old != null && (old.expiresAt == null || now.isBefore(old.expiresAt));
    try {
      state = login(now, keep ? old : null);
    } catch (VaultRequestException e) {
      if (!keep || e.failure() == VaultFailure.INTERRUPTED) {
        throw e;
      }
      // the login says when it may be tried again (its backoff doubles while it fails)
      state = new State(old.token, old.ttl, old.expiresAt,
          earliest(loginBackoff.againAt(), old.expiresAt), old.renewable, old.ours);
      if (e.failure() == VaultFailure.UNREACHABLE) {
        unanswered = new Unanswered(clock.instant(), e);
      }
      return;
    }
    if (old != null && old.ours && !old.token.equals(state.token)) {
      revocation.revoke(old.token, "a new login replaced it");
    }
  }

  private State login(Instant now) {
    return login(now, null);
  }

  /**
   * Logs in, unless the last login failed less than its backoff ago ({@link LoginBackoff}):
   * then that failure again, without a request. The callers that waited for the lock while a
   * login hung until its timeout (every cluster's worker, with Vault accepting connections and
   * never answering) then fail at once, instead of each waiting a full timeout of its own, one
   * after the other; a refused login (a 403) is not asked again for every cluster of the same
   * pass; and a login that keeps failing is not asked every second for as long as it fails.
   * A credential file that changed since the failed login is tried at once, read once.
   *
   * @param kept the token kept while this login fails; null if none is
   */
  private State login(Instant now, State kept) {
    Secret changed = loginBackoff.holdsBack(now) ? credential.changedSince(loginBackoff) : null;
    if (changed == null) {
      loginBackoff.checkMayTry(now);
    }
    Secret read = null;
    try {
      read = changed != null ? changed : credential.read();
      CredentialDigest digest = CredentialDigest.of(read);
      lastRead = digest;
      State s = login.login(now, read);
      origin = new TokenOrigin(logins.incrementAndGet(), digest); // state is s on return
      loginBackoff.succeeded();
      renewFailures.reset();
      unanswered = null;
      return s;
    } catch (VaultRequestException e) {
      if (read == null && e.failure() == VaultFailure.CREDENTIALS_UNREADABLE) {
        lastRead = null; // whatever the file holds once it is read again is new
      }
      if (e.failure() != VaultFailure.INTERRUPTED) {
        loginBackoff.failed(e, kept == null ? "no vault token meanwhile"
            : "keeping the current vault token"
                + (kept.expiresAt == null ? "" : " until " + kept.expiresAt), read);
      }
      throw e;
    } catch (RuntimeException | Error unexpected) {
      // no answer of Vault's (the http client's own error, a defect): a failed login all the
      // same, backed off, so that every cluster does not try it again at every observation;
      // an Error too (a stack overflow), unless the JVM may not go on
      UnexpectedFailure.rethrowIfFatal(unexpected);
      VaultRequestException e = UnexpectedFailure.ofTokenCall("login", unexpected);
      loginBackoff.failed(e, kept == null ? "no vault token meanwhile"
          : "keeping the current vault token"
              + (kept.expiresAt == null ? "" : " until " + kept.expiresAt), read);
      throw e;
    }
  }

  private State renew(State current, Instant now) {
    TokenRenewal.Renewed r;
    try {
      r = renewal.renew(current, now);
    } catch (VaultRequestException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      // kept and backed off below, as a renewal Vault did not answer, instead of tried again
      // by every caller while the token is due
      UnexpectedFailure.rethrowIfFatal(e);
      throw UnexpectedFailure.ofTokenCall("token renewal", e);
    }
    if (r.spent()) {
      return r.state();
    }
    renewFailures.renewed();
    unanswered = null;
    LOG.log(Level.DEBUG, "renewed vault token, expires {0}", r.state().expiresAt);
    listener.tokenRefreshed(true, r.state().expiresAt);
    return r.state();
  }

  /** The earlier of {@code a} and {@code b}; {@code a} if {@code b} is {@code null} (never). */
  static Instant earliest(Instant a, Instant b) {
    return b == null || a.isBefore(b) ? a : b;
  }

  @Override
  public String toString() {
    return "VaultAuthenticator{" + auth + " at " + connection.address() + "}";
  }
}
