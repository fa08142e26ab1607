package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A Lease-based leader election among controller replicas of one Prometheus.
 *
 * @param namespace namespace of the Lease (RBAC grants Leases only there)
 * @param leaseName name of the Lease
 * @param identity this replica's identity, unique among replicas (e.g. the Pod name)
 * @param leaseDuration how long a lease holds without renewal; whole seconds (the Lease stores
 *     seconds)
 * @param renewDeadline how long the leader keeps trying to renew before it steps down
 * @param retryPeriod pause between attempts to acquire or renew
 */
public record LeaderElectionSettings(String namespace, String leaseName, String identity,
    Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

  /**
   * @throws IllegalArgumentException unless names are non-blank and
   *     {@code leaseDuration > renewDeadline > retryPeriod > 0}, with the lease at least 1 s in
   *     whole seconds
   */
  public LeaderElectionSettings {
    requireNonNull(namespace, "namespace == null");
    requireNonNull(leaseName, "leaseName == null");
    requireNonNull(identity, "identity == null");
    requireNonNull(leaseDuration, "leaseDuration == null");
    requireNonNull(renewDeadline, "renewDeadline == null");
    requireNonNull(retryPeriod, "retryPeriod == null");
    if (namespace.isBlank() || leaseName.isBlank() || identity.isBlank()) {
      throw new IllegalArgumentException("lease namespace, name and identity must not be blank");
    }
    if (leaseDuration.toSeconds() < 1 || leaseDuration.toNanosPart() != 0) {
      throw new IllegalArgumentException("lease duration must be whole seconds, at least 1s: "
          + leaseDuration);
    }
    if (retryPeriod.isNegative() || retryPeriod.isZero()
        || renewDeadline.compareTo(retryPeriod) <= 0
        || leaseDuration.compareTo(renewDeadline) <= 0) {
      throw new IllegalArgumentException("need lease duration > renew deadline > retry period > 0: "
          + leaseDuration + ", " + renewDeadline + ", " + retryPeriod);
    }
  }

  /** client-go's defaults: lease 15 s, renew deadline 10 s, retry 2 s. */
  public static LeaderElectionSettings defaults(String namespace, String leaseName,
      String identity) {
    return new LeaderElectionSettings(namespace, leaseName, identity, Duration.ofSeconds(15),
        Duration.ofSeconds(10), Duration.ofSeconds(2));
  }
}
