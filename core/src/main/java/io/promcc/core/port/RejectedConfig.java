package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A configuration Prometheus rejected (or did not come up with), remembered so that the same
 * configuration is not written and reloaded again until the desired configuration changes.
 *
 * @param configHash hash of the rejected configuration files alone (certificates left out, so a
 *     renewal does not make a rejected config look new)
 * @param reason short machine-friendly reason: {@code prometheus-rejected} or
 *     {@code prometheus-not-ready}
 * @param message what Prometheus said, or what was seen; one line
 * @param baseline Prometheus' {@code lastConfigTime} read once the rejected configuration files
 *     were complete on disk, before their reload (Prometheus' clock, whole seconds): a
 *     successful load later than it read those files if they are still on disk. Empty if not
 *     known (a pin recorded by an earlier promcc)
 */
public record RejectedConfig(String configHash, String reason, String message,
    Optional<Instant> baseline) {
  /** Prometheus answered the reload with an error. */
  public static final String REJECTED = "prometheus-rejected";
  /** Prometheus did not become ready within the ready timeout after the config changed. */
  public static final String NOT_READY = "prometheus-not-ready";

  /**
   * Folds {@code message} to one line.
   *
   * @throws NullPointerException if a part is null
   */
  public RejectedConfig {
    requireNonNull(configHash, "configHash == null");
    requireNonNull(reason, "reason == null");
    requireNonNull(message, "message == null");
    requireNonNull(baseline, "baseline == null");
    message = message.replace('\n', ' ').replace('\r', ' ');
  }

  /** A rejection whose baseline is not known. */
  public RejectedConfig(String configHash, String reason, String message) {
    this(configHash, reason, message, Optional.empty());
  }
}
