package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import java.net.URI;

/**
 * What {@code promcc check} says of Vault, in one line: one login as a run makes it first (a
 * {@code lookup-self} of the operator's token with token auth, a Kubernetes or AppRole login
 * otherwise), its requests bounded by the connection's request timeout, and a token that login
 * made revoked right after (the authenticator's close), so that the check leaves none behind.
 * Vault reachable, unsealed and the login taken is one line; each failure is named by its
 * kind (sealed, not reachable, the login refused), with Vault's own words. Not thread-safe: one
 * check per authenticator, which it closes.
 */
public final class VaultReach {
  private VaultReach() {}

  /**
   * The outcome of a check.
   *
   * @param works whether the login was taken
   * @param line what {@code promcc check} prints, beginning {@code vault at "<address>": }
   */
  public record Result(boolean works, String line) {
    public Result {
      requireNonNull(line, "line == null");
    }
  }

  /** One login through {@code authenticator} to Vault at {@code address}, closed after. */
  public static Result check(VaultAuthenticator authenticator, URI address) {
    requireNonNull(authenticator, "authenticator == null");
    String vault = "vault at " + Quoting.quote(address.toString()) + ": ";
    try (authenticator) {
      authenticator.token();
      return new Result(true, vault + "reachable and unsealed, and the login works");
    } catch (VaultRequestException e) {
      String what = switch (e.failure()) {
        case SEALED -> "sealed";
        case UNREACHABLE, TLS -> "not reachable";
        case PERMISSION_DENIED, TOKEN_INVALID, BAD_REQUEST, NOT_FOUND -> "the login was refused";
        case CREDENTIALS_UNREADABLE -> "the login's credential cannot be read";
        default -> "the login failed";
      };
      return new Result(false, vault + what + " (" + e.getMessage() + ")");
    }
  }
}
