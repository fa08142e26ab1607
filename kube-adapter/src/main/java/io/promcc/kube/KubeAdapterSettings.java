package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything the Kubernetes adapter needs, as one value for the app's configuration.
 *
 * @param kubeconfig a kubeconfig file; empty means the standard lookup ({@code KUBECONFIG},
 *     {@code ~/.kube/config}, then the in-cluster service account)
 * @param discovery which Services are guest clusters
 * @param secrets where certificate Secrets are
 * @param watch list and watch time limits for all informers
 * @param leaderElection the Lease to compete for; empty when only one replica runs
 */
public record KubeAdapterSettings(Optional<Path> kubeconfig, DiscoverySettings discovery,
    SecretSettings secrets, WatchSettings watch,
    Optional<LeaderElectionSettings> leaderElection) {

  public KubeAdapterSettings {
    requireNonNull(kubeconfig, "kubeconfig == null");
    requireNonNull(discovery, "discovery == null");
    requireNonNull(secrets, "secrets == null");
    requireNonNull(watch, "watch == null");
    requireNonNull(leaderElection, "leaderElection == null");
  }

  /** Standard client lookup, default discovery and Secrets, no leader election. */
  public static KubeAdapterSettings defaults() {
    return new KubeAdapterSettings(Optional.empty(), DiscoverySettings.defaults(),
        SecretSettings.defaults(), WatchSettings.defaults(), Optional.empty());
  }
}
