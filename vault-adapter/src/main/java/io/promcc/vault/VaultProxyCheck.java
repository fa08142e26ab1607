package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.InvalidValueException;
import java.net.URI;
import java.util.function.Function;

/**
 * The check of the proxy the environment names for Vault, as {@link VaultConnection#create}
 * makes it, without connecting: for {@code promcc check}'s settings problems, which name a
 * proxy that the start would refuse. Stateless; thread-safe.
 */
public final class VaultProxyCheck {
  private VaultProxyCheck() {}

  /**
   * Checks the proxy that {@code env} (a variable's value, null or empty if unset) names for
   * Vault at {@code address}, if a request to Vault would use it.
   *
   * @throws InvalidValueException naming the variable, its URL without user information, and
   *     why promcc cannot use it
   */
  public static void check(URI address, Function<String, String> env) {
    VaultProxy.fromEnvironment(requireNonNull(address, "address == null"),
        requireNonNull(env, "env == null"));
  }
}
