package io.promcc.kube;

import io.promcc.core.model.Problems;
import io.promcc.core.model.ValidationException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything the Kubernetes adapter needs, as one value for the app's configuration.
 *
 * @param kubeconfig a kubeconfig file; empty means the standard lookup ({@code KUBECONFIG},
 *     {@code ~/.kube/config}, then the in-cluster service account)
 * @param discovery which Services are guest clusters
 * @param secrets where certificate Secrets are
 * @param watch list and watch time limits for all informers
 * @param leaderElection the Lease to compete for; empty when only one replica runs
 * @param clientLookup where the standard lookup looks when there is no {@code kubeconfig}
 */
public record KubeAdapterSettings(Optional<Path> kubeconfig, DiscoverySettings discovery,
    SecretSettings secrets, WatchSettings watch,
    Optional<LeaderElectionSettings> leaderElection, ClientLookup clientLookup) {

  private static final String SUBJECT = "kubernetes adapter settings";

  /**
   * @throws ValidationException listing every problem: a part missing, or an empty kubeconfig
   *     path
   */
  public KubeAdapterSettings {
    Problems problems = new Problems(SUBJECT);
    if (SettingsChecks.present(problems, "kubeconfig", kubeconfig)) {
      kubeconfig.ifPresent(path -> {
        if (path.toString().isBlank()) {
          problems.add("kubeconfig", path.toString(), "must not be empty");
        }
      });
    }
    SettingsChecks.present(problems, "discovery", discovery);
    SettingsChecks.present(problems, "secrets", secrets);
    SettingsChecks.present(problems, "watch", watch);
    SettingsChecks.present(problems, "leaderElection", leaderElection);
    SettingsChecks.present(problems, "clientLookup", clientLookup);
    problems.throwIfAny();
  }

  /** The settings with the standard lookup in this process's environment. */
  public KubeAdapterSettings(Optional<Path> kubeconfig, DiscoverySettings discovery,
      SecretSettings secrets, WatchSettings watch,
      Optional<LeaderElectionSettings> leaderElection) {
    this(kubeconfig, discovery, secrets, watch, leaderElection, ClientLookup.system());
  }

  /**
   * Builds every part with its supplier (typically a constructor call on the user's values) and
   * reports the problems of all parts and of this record together, so a user fixing the
   * configuration sees every mistake at once.
   *
   * @throws ValidationException listing every problem of every part
   */
  public static KubeAdapterSettings collect(Optional<Path> kubeconfig,
      Supplier<DiscoverySettings> discovery, Supplier<SecretSettings> secrets,
      Supplier<WatchSettings> watch, Supplier<Optional<LeaderElectionSettings>> leaderElection) {
    return collect(kubeconfig, ClientLookup.system(), discovery, secrets, watch, leaderElection);
  }

  /**
   * As {@link #collect(Optional, Supplier, Supplier, Supplier, Supplier)}, looking for the
   * client's configuration with {@code clientLookup} when there is no {@code kubeconfig}.
   *
   * @throws ValidationException listing every problem of every part
   */
  public static KubeAdapterSettings collect(Optional<Path> kubeconfig, ClientLookup clientLookup,
      Supplier<DiscoverySettings> discovery, Supplier<SecretSettings> secrets,
      Supplier<WatchSettings> watch, Supplier<Optional<LeaderElectionSettings>> leaderElection) {
    Problems problems = new Problems(SUBJECT);
    DiscoverySettings d = problems.check(discovery);
    SecretSettings s = problems.check(secrets);
    WatchSettings w = problems.check(watch);
    Optional<LeaderElectionSettings> l = problems.check(leaderElection);
    KubeAdapterSettings settings = problems.check(() -> new KubeAdapterSettings(kubeconfig,
        d == null ? DiscoverySettings.defaults() : d, s == null ? SecretSettings.defaults() : s,
        w == null ? WatchSettings.defaults() : w, l == null ? Optional.empty() : l,
        clientLookup));
    problems.throwIfAny();
    return settings;
  }

  /** Standard client lookup, default discovery and Secrets, no leader election. */
  public static KubeAdapterSettings defaults() {
    return new KubeAdapterSettings(Optional.empty(), DiscoverySettings.defaults(),
        SecretSettings.defaults(), WatchSettings.defaults(), Optional.empty());
  }
}
