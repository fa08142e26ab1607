package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.github.jopenlibs.vault.json.Json;
import io.promcc.core.model.Secret;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * The revocation ({@code revoke-self}) of a token a login of {@link VaultAuthenticator}'s
 * created, as a new login replaces it or the controller stops: best effort, bounded by a short
 * timeout, a failure warned of (the token then ends with its ttl), never thrown but a
 * {@link VirtualMachineError} other than a stack overflow. Stateless; thread-safe as its
 * connection is.
 */
final class TokenRevocation {
  private static final System.Logger LOG = System.getLogger(VaultAuthenticator.class.getName());
  /** The longest a revoke-self may hold up a replacement or a close. */
  private static final Duration REVOKE_TIMEOUT = Duration.ofSeconds(5);

  private final VaultConnection connection;

  TokenRevocation(VaultConnection connection) {
    this.connection = requireNonNull(connection, "connection == null");
  }

  /** Revokes {@code token}; {@code why} says why in the log lines. */
  void revoke(Secret token, String why) {
    try {
      connection.post("auth/token/revoke-self", token, Json.object(), REVOKE_TIMEOUT);
      LOG.log(Level.DEBUG, "revoked the previous vault token: {0}", why);
    } catch (VaultRequestException e) {
      // it expires on its own at the end of its ttl
      warnNotRevoked(why, e);
    } catch (RuntimeException | Error e) {
      // the http client's own exception, a defect: still best effort, so that close() ends
      // and a new login's token reaches its caller; named by type and place, not its text
      UnexpectedFailure.rethrowIfFatal(e);
      warnNotRevoked(why, UnexpectedFailure.ofTokenCall("token revocation", e));
    }
  }

  private static void warnNotRevoked(String why, VaultRequestException e) {
    LOG.log(Level.WARNING, "could not revoke the previous vault token ({0}); it stays valid "
        + "until its ttl ends: {1}", why, e.getMessage());
  }
}
