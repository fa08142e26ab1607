package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

/**
 * A configuration Prometheus rejected (or did not come up with), remembered so that the same
 * configuration is not written and reloaded again until the desired configuration changes.
 *
 * @param configHash hash of the rejected configuration files alone (certificates left out, so a
 *     renewal does not make a rejected config look new)
 * @param reason short machine-friendly reason: {@code prometheus-rejected} or
 *     {@code prometheus-not-ready}
 * @param message what Prometheus said, or what was seen; one line
 */
public record RejectedConfig(String configHash, String reason, String message) {
  /** Prometheus answered the reload with an error. */
  public static final String REJECTED = "prometheus-rejected";
  /** Prometheus did not become ready within the ready timeout after the config changed. */
  public static final String NOT_READY = "prometheus-not-ready";

  public RejectedConfig {
    requireNonNull(configHash, "configHash == null");
    requireNonNull(reason, "reason == null");
    requireNonNull(message, "message == null");
    message = message.replace('\n', ' ').replace('\r', ' ');
  }
}
