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
 * @param reloadAsked the reload asked for the configuration files on disk, if it was recorded
 *     and no configuration file changed since
 */
public record DeliveryRecord(Optional<Verification> verified, Optional<RejectedConfig> rejected,
    Optional<ReloadAsked> reloadAsked) {
  /** Nothing delivered yet. */
  public static final DeliveryRecord EMPTY = new DeliveryRecord(Optional.empty(), Optional.empty());

  /** @throws NullPointerException if an optional is null (empty is nothing) */
  public DeliveryRecord {
    requireNonNull(verified, "verified == null");
    requireNonNull(rejected, "rejected == null");
    requireNonNull(reloadAsked, "reloadAsked == null");
  }

  /** A record with no reload asked. */
  public DeliveryRecord(Optional<Verification> verified, Optional<RejectedConfig> rejected) {
    this(verified, rejected, Optional.empty());
  }
}
