package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every settings record reports all of its problems at once, worded like Prometheus
 * ({@code <field> <problem>, found "<value>"}).
 */
class SettingsProblemsTest {

  @Test
  void watchSettingsReportEveryProblem() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> new WatchSettings(Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(-1)));
    assertEquals("watch settings", e.subject());
    assertEquals(List.of(
        "watch.requestTimeout must be positive, found \"0s\"",
        "watch.watchTimeout must be at least 1s, found \"500ms\"",
        "watch.watchReadGrace must be positive, found \"-1s\""), e.problems());
  }

  /**
   * A watch of decades: OkHttp refuses a read timeout past 2^31-1 ms (about 24.8 days), so every
   * watch failed ("timeout too large"), and the seconds sent were cast to an int.
   */
  @Test
  void aWatchTimeoutPastWhatAReadTimeoutTakesIsAProblem() {
    ValidationException e = assertThrows(ValidationException.class, () -> new WatchSettings(
        Duration.ofSeconds(60), Duration.ofDays(365 * 100), Duration.ofSeconds(30)));
    assertEquals(List.of("watch.watchTimeout must be at most 2147483647ms with the grace "
        + "(30s; OkHttp's longest read timeout), found \"876000h\""), e.problems());
    new WatchSettings(Duration.ofSeconds(60), Duration.ofMillis(Integer.MAX_VALUE - 30_000),
        Duration.ofSeconds(30));
  }

  /**
   * A Lease of decades: its seconds, cast to an int, came out negative or wrong in the Lease,
   * and a retry period past 2^31-1 ms made the lock's client refuse its call timeout.
   */
  @Test
  void aLeaseTooLongForTheLeaseObjectOrItsCallsIsAProblem() {
    Duration lease = Duration.ofDays(365 * 100);
    ValidationException e = assertThrows(ValidationException.class,
        () -> new LeaderElectionSettings("ns", "lease", "me", lease, lease.dividedBy(2),
            lease.dividedBy(4)));
    assertEquals(List.of(
        "leaderElection.leaseDuration must be at most 2147483647s (the Lease keeps a 32-bit "
            + "number of seconds), found \"876000h\"",
        "leaderElection.retryPeriod must be at most 2147483647ms (OkHttp's longest call "
            + "timeout), found \"219000h\""), e.problems());
  }

  @Test
  void leaderElectionSettingsReportEveryProblem() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> new LeaderElectionSettings("", "Bad_Name", " ", Duration.ofMillis(2500),
            Duration.ofSeconds(3), Duration.ZERO));
    assertEquals(List.of(
        "leaderElection.namespace must not be empty, found \"\"",
        "leaderElection.leaseName must be a DNS-1123 subdomain, found \"Bad_Name\"",
        "leaderElection.identity must not be blank, found \" \"",
        "leaderElection.leaseDuration must be whole seconds, at least 1s, found \"2s500ms\"",
        "leaderElection.renewDeadline must be shorter than the lease duration (2s500ms), "
            + "found \"3s\"",
        "leaderElection.retryPeriod must be positive, found \"0s\""), e.problems());
  }

  @Test
  void secretSettingsReportEveryProblem() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> new SecretSettings("", ImmutableSortedMap.of("clusterID", "fixed"), "ca", "ca", ""));
    assertEquals(List.of(
        "secrets.namespace must not be empty, found \"\"",
        "secrets.labels must name the cluster with \"{cluster}\" in a value, found "
            + "\"clusterID=fixed\"",
        "secrets.certificateKey must differ from the other data keys, found \"ca\"",
        "secrets.privateKeyKey must not be empty, found \"\""), e.problems());
  }

  @Test
  void discoverySettingsReportEveryProblem() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> DiscoverySettings.builder().namespaces(List.of("a", "a", " ")).idAnnotation("")
            .providerKey(Optional.of("")).defaultProvider("").trustedNamespaces(List.of("b"))
            .apiServerAllowList(List.of("10.0.0.0/33", "https://x", "*.example.com", "::1/128"))
            .build());
    assertEquals(List.of(
        "discovery.namespaces must not repeat a name, found \"a\"",
        "discovery.namespaces must be DNS-1123 labels, found \" \"",
        "discovery.idAnnotation must not be empty, found \"\"",
        "discovery.providerKey must not be empty, found \"\"",
        "discovery.defaultProvider must not be empty, found \"\"",
        "discovery.trustedNamespaces must be watched (listed in discovery.namespaces), "
            + "found \"b\"",
        "discovery.apiServerAllowList has a prefix length out of range, found \"10.0.0.0/33\"",
        "discovery.apiServerAllowList must be an ip address, a cidr range, a host name or "
            + "*.suffix, found \"https://x\""), e.problems());
  }

  @Test
  void theAdapterSettingsCollectTheProblemsOfEveryPart() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> KubeAdapterSettings.collect(Optional.of(java.nio.file.Path.of("")),
            () -> DiscoverySettings.defaults().withNamespaces(List.of("Not-A-Label")),
            () -> SecretSettings.defaults().withNamespace("kube system"),
            () -> new WatchSettings(Duration.ofSeconds(-5), Duration.ofMinutes(5),
                Duration.ofSeconds(30)),
            () -> Optional.of(LeaderElectionSettings.defaults("monitoring", "lease", ""))));
    assertEquals("kubernetes adapter settings", e.subject());
    assertEquals(List.of(
        "discovery.namespaces must be DNS-1123 labels, found \"Not-A-Label\"",
        "secrets.namespace must be a DNS-1123 label, found \"kube system\"",
        "watch.requestTimeout must be positive, found \"-5s\"",
        "leaderElection.identity must not be empty, found \"\"",
        "kubeconfig must not be empty, found \"\""), e.problems());
    assertEquals("kubernetes adapter settings is invalid (5 problems)\n"
        + "  - discovery.namespaces must be DNS-1123 labels, found \"Not-A-Label\"\n"
        + "  - secrets.namespace must be a DNS-1123 label, found \"kube system\"\n"
        + "  - watch.requestTimeout must be positive, found \"-5s\"\n"
        + "  - leaderElection.identity must not be empty, found \"\"\n"
        + "  - kubeconfig must not be empty, found \"\"", e.getMessage());
  }

  @Test
  void goodPartsMakeGoodAdapterSettings() {
    KubeAdapterSettings settings = KubeAdapterSettings.collect(Optional.empty(),
        DiscoverySettings::defaults, SecretSettings::defaults, WatchSettings::defaults,
        () -> Optional.of(LeaderElectionSettings.defaults("monitoring", "lease", "pod-0")));
    assertEquals(DiscoverySettings.defaults(), settings.discovery());
    assertEquals("pod-0", settings.leaderElection().orElseThrow().identity());
  }
}
