package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.ValidationException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The check of the API server's proxy (its cluster's {@code proxy-url}, else the environment's),
 * judged as the making of the client judges it ({@link ApiServerLookup}), without connecting
 * and without making the client or its credentials: for {@code promcc check}'s settings
 * problems, which name a proxy that the start would refuse. A configuration that is not found
 * or cannot be read is not this check's problem: the making of the client names it. Stateless;
 * thread-safe.
 */
public final class ApiServerProxyCheck {
  private ApiServerProxyCheck() {}

  /**
   * Checks the proxy of the API server that {@code kubeconfig}, else {@code lookup}'s places,
   * configure, if a call to the API server would use it.
   *
   * @throws ValidationException whose one problem names the proxy's URL (without user
   *     information), where it came from, and why promcc cannot use it
   */
  public static void check(Optional<Path> kubeconfig, ClientLookup lookup) {
    requireNonNull(kubeconfig, "kubeconfig == null");
    requireNonNull(lookup, "lookup == null");
    try {
      ApiServerLookup.proxy(kubeconfig, lookup);
    } catch (KubeClientException e) {
      throw new ValidationException("kubernetes api proxy", List.of(e.getMessage()));
    }
  }
}
