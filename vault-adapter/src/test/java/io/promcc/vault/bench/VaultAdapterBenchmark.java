package io.promcc.vault.bench;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.vault.CertificateListener;
import io.promcc.vault.IssueMode;
import io.promcc.vault.RenewalPolicy;
import io.promcc.vault.VaultAuthSettings;
import io.promcc.vault.VaultAuthenticator;
import io.promcc.vault.VaultCertificateSource;
import io.promcc.vault.VaultConnection;
import io.promcc.vault.VaultSettings;
import io.promcc.vault.fake.FakeVault;
import io.promcc.core.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Main-method benchmark: certificates for N clusters (default 1,000) against the Vault fake, for
 * several settings side by side in one JVM, then a second pass with nothing due. Prints a
 * Markdown table. The command is in docs/benchmarks.md, section "vault-adapter".
 */
public final class VaultAdapterBenchmark {
  private VaultAdapterBenchmark() {}

  private record Scenario(String name, IssueMode mode, int concurrency, Duration latency) {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    MutableClock clock = MutableClock.startingNow();
    try (FakeVault vault = FakeVault.start(clock)) {
      List<GuestCluster> clusters = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String id = String.format("c%05d", i);
        vault.pkiRole("pki-" + id, "role-" + id).keyType("ec").allowAnyName(true);
        clusters.add(GuestCluster.of(id, "bench", "https://" + id + ".example"));
      }
      String token = vault.createToken(Duration.ofDays(30), true, Duration.ZERO).reveal();
      Map<String, String> environment = Map.of("BENCH_VAULT_TOKEN", token);

      // warm-up: JIT, class loading, connection pool
      run(vault, clock, environment, clusters.subList(0, Math.min(200, n)),
          new Scenario("warm-up", IssueMode.SIGN, 4, Duration.ZERO), false);

      List<Scenario> scenarios = List.of(
          new Scenario("sign, EC P-256", IssueMode.SIGN, 4, Duration.ZERO),
          new Scenario("sign, EC P-256", IssueMode.SIGN, 1, Duration.ZERO),
          new Scenario("sign, EC P-256", IssueMode.SIGN, 16, Duration.ZERO),
          new Scenario("issue", IssueMode.ISSUE, 4, Duration.ZERO),
          new Scenario("sign, 5 ms Vault latency", IssueMode.SIGN, 4, Duration.ofMillis(5)),
          new Scenario("sign, 5 ms Vault latency", IssueMode.SIGN, 1, Duration.ofMillis(5)),
          new Scenario("sign, 5 ms Vault latency", IssueMode.SIGN, 16, Duration.ofMillis(5)));
      System.out.printf("load average before: %s%n", loadAverage());
      System.out.printf("clusters: %d, cores: %d%n%n", n, Runtime.getRuntime().availableProcessors());
      System.out.println("| scenario | concurrency | pass 1 time | pass 1 Vault requests | "
          + "certificates/s | pass 2 time | pass 2 Vault requests |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|");
      for (Scenario scenario : scenarios) {
        run(vault, clock, environment, clusters, scenario, true);
      }
      System.out.printf("%nload average after: %s%n", loadAverage());
    }
  }

  /** The host's load, so that readers can judge numbers from a shared machine. */
  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static void run(FakeVault vault, MutableClock clock, Map<String, String> environment,
      List<GuestCluster> clusters, Scenario scenario, boolean print) {
    vault.latency(scenario.latency());
    VaultSettings settings = VaultSettings.builder(vault.address(),
            VaultAuthSettings.Token.fromEnvironment("BENCH_VAULT_TOKEN"))
        .allowInsecureHttp(true) // the fake on loopback
        .mode(scenario.mode()).maxConcurrentRequests(scenario.concurrency()).build();
    VaultConnection connection = VaultConnection.create(settings);
    VaultCertificateSource source = new VaultCertificateSource(settings, connection,
        new VaultAuthenticator(settings.auth(), connection, RenewalPolicy.of(settings), clock,
            environment::get, CertificateListener.NONE),
        clock, new SplittableRandom(1), CertificateListener.NONE);

    vault.clearRequests();
    long start = System.nanoTime();
    CertificateObservation first = source.observe(clusters);
    long firstNanos = System.nanoTime() - start;
    int firstRequests = vault.requests().size();
    if (first.bundles().size() != clusters.size()) {
      throw new IllegalStateException("pass 1 issued " + first.bundles().size() + ": "
          + first.problems());
    }

    vault.clearRequests();
    clock.advance(Duration.ofHours(1)); // nothing is due an hour into a 168 h certificate
    start = System.nanoTime();
    CertificateObservation second = source.observe(clusters);
    long secondNanos = System.nanoTime() - start;
    int secondRequests = vault.requests().size();
    if (second.bundles().size() != clusters.size() || secondRequests != 0) {
      throw new IllegalStateException("pass 2 asked Vault " + secondRequests + " times");
    }
    source.close();
    if (print) {
      System.out.printf("| %s | %d | %.2f s | %d | %.0f | %.1f ms | %d |%n", scenario.name(),
          scenario.concurrency(), firstNanos / 1e9, firstRequests,
          clusters.size() / (firstNanos / 1e9), secondNanos / 1e6, secondRequests);
    }
  }
}
