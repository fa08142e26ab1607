package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What a {@link ConfigStore} remembers of past deliveries, with the files, so it survives a
 * controller restart.
 *
 * @param verified the last verification, if any
 * @param rejected a configuration Prometheus rejected since, not to be written again until the
 *     desired configuration changes
 */
public record DeliveryRecord(Optional<Verification> verified, Optional<RejectedConfig> rejected) {
  /** Nothing delivered yet. */
  public static final DeliveryRecord EMPTY = new DeliveryRecord(Optional.empty(), Optional.empty());

  /** @throws NullPointerException if an optional is null (empty is nothing) */
  public DeliveryRecord {
    requireNonNull(verified, "verified == null");
    requireNonNull(rejected, "rejected == null");
  }
}
