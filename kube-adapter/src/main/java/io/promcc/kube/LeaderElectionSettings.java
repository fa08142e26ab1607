package io.promcc.kube;

import io.promcc.core.model.Problems;
import java.time.Duration;

/**
 * A Lease-based leader election among controller replicas of one Prometheus.
 *
 * @param namespace namespace of the Lease (RBAC grants Leases only there)
 * @param leaseName name of the Lease
 * @param identity this replica's identity, unique among replicas (e.g. the Pod name)
 * @param leaseDuration how long a lease holds without renewal; whole seconds (the Lease stores
 *     seconds)
 * @param renewDeadline how long the leader keeps trying to renew before it steps down; also how
 *     long after a successful renewal it still counts itself leader (see
 *     {@link LeaderElection#isLeader()})
 * @param retryPeriod pause between attempts to acquire or renew; also the deadline of one call
 */
public record LeaderElectionSettings(String namespace, String leaseName, String identity,
    Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

  /**
   * @throws io.promcc.core.model.ValidationException listing every problem: names missing or
   *     invalid, or not {@code leaseDuration > renewDeadline > retryPeriod > 0} with the lease in
   *     whole seconds of at least 1 s and at most 2^31-1, and the retry period at most 2^31-1 ms
   */
  public LeaderElectionSettings {
    Problems problems = new Problems("leader election settings");
    SettingsChecks.namespace(problems, "leaderElection.namespace", namespace);
    if (SettingsChecks.present(problems, "leaderElection.leaseName", leaseName)) {
      if (leaseName.isEmpty()) {
        problems.add("leaderElection.leaseName", leaseName, "must not be empty");
      } else if (!SettingsChecks.isSubdomain(leaseName)) {
        problems.add("leaderElection.leaseName", leaseName, "must be a DNS-1123 subdomain");
      }
    }
    SettingsChecks.notBlank(problems, "leaderElection.identity", identity);
    boolean leaseOk = false;
    if (SettingsChecks.present(problems, "leaderElection.leaseDuration", leaseDuration)) {
      leaseOk = leaseDuration.toSeconds() >= 1 && leaseDuration.toNanosPart() == 0;
      if (!leaseOk) {
        problems.add("leaderElection.leaseDuration", SettingsChecks.text(leaseDuration),
            "must be whole seconds, at least 1s");
      } else if (leaseDuration.toSeconds() > Integer.MAX_VALUE) {
        problems.add("leaderElection.leaseDuration", SettingsChecks.text(leaseDuration),
            "must be at most " + Integer.MAX_VALUE + "s (the Lease keeps a 32-bit number of "
                + "seconds)");
      }
    }
    if (SettingsChecks.present(problems, "leaderElection.renewDeadline", renewDeadline)) {
      if (renewDeadline.isNegative() || renewDeadline.isZero()) {
        problems.add("leaderElection.renewDeadline", SettingsChecks.text(renewDeadline),
            "must be positive");
      } else if (leaseDuration != null && renewDeadline.compareTo(leaseDuration) >= 0) {
        problems.add("leaderElection.renewDeadline", SettingsChecks.text(renewDeadline),
            "must be shorter than the lease duration (" + SettingsChecks.text(leaseDuration)
                + ")");
      }
    }
    if (SettingsChecks.present(problems, "leaderElection.retryPeriod", retryPeriod)) {
      if (retryPeriod.isNegative() || retryPeriod.isZero()) {
        problems.add("leaderElection.retryPeriod", SettingsChecks.text(retryPeriod),
            "must be positive");
      } else if (renewDeadline != null && retryPeriod.compareTo(renewDeadline) >= 0) {
        problems.add("leaderElection.retryPeriod", SettingsChecks.text(retryPeriod),
            "must be shorter than the renew deadline (" + SettingsChecks.text(renewDeadline)
                + ")");
      } else if (retryPeriod.compareTo(SettingsChecks.MAX_OKHTTP_TIMEOUT) > 0) {
        // the deadline of each Lease call, which OkHttp refuses past this
        problems.add("leaderElection.retryPeriod", SettingsChecks.text(retryPeriod),
            "must be at most " + SettingsChecks.MAX_OKHTTP_TIMEOUT.toMillis() + "ms (OkHttp's "
                + "longest call timeout)");
      }
    }
    problems.throwIfAny();
  }

  /** client-go's defaults: lease 15 s, renew deadline 10 s, retry 2 s. */
  public static LeaderElectionSettings defaults(String namespace, String leaseName,
      String identity) {
    return new LeaderElectionSettings(namespace, leaseName, identity, Duration.ofSeconds(15),
        Duration.ofSeconds(10), Duration.ofSeconds(2));
  }
}
