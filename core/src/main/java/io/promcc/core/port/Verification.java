package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Proof that Prometheus loaded a file set: which set, and when Prometheus says it loaded it.
 *
 * @param stateHash {@link io.promcc.core.model.DesiredState#hash()} of the whole file set
 * @param configHash hash of the configuration files alone; certificates may change without a
 *     reload (Prometheus re-reads TLS files), the configuration may not
 * @param loadedAt a bound from Prometheus' own answers that its {@code lastConfigTime} for the
 *     verified load is at or after (whole seconds, Prometheus' clock): after an HTTP reload the
 *     {@code lastConfigTime} read before it, after a signal reload the newer one seen
 */
public record Verification(String stateHash, String configHash, Instant loadedAt) {
  /** @throws NullPointerException if a part is null */
  public Verification {
    requireNonNull(stateHash, "stateHash == null");
    requireNonNull(configHash, "configHash == null");
    requireNonNull(loadedAt, "loadedAt == null");
  }

  /** The same verification for another file set of the same configuration. */
  public Verification withStateHash(String newStateHash) {
    return new Verification(newStateHash, configHash, loadedAt);
  }
}
