package io.promcc.bench;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import io.promcc.prometheus.AtomicFileStore;
import io.promcc.prometheus.LocalValidation;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The controller's own cost at scale, without Prometheus: one reconciler over the real file
 * store and validation, clusters and certificates from in-memory sources. Prints, per output
 * mode: the first reconcile (every file written), a reconcile with nothing changed (the full
 * observe, plan, validate and diff), and one cluster changed among N (its files written), with
 * the time of each phase, the files written, and heap and RSS after a GC.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.promcc.bench.ReconcileScale 10000 5}
 * (clusters, rounds). Alone on the machine; it states the load average.
 */
public final class ReconcileScale {
  private ReconcileScale() {}

  public static void main(String[] args) throws IOException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf(Locale.ROOT, "clusters=%d rounds=%d cpus=%d max heap=%d MiB load=%.2f%n",
        n, rounds, Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    for (OutputMode mode : OutputMode.values()) {
      run(n, rounds, mode);
    }
  }

  private static void run(int n, int rounds, OutputMode mode) throws IOException {
    Path dir = Files.createTempDirectory("promcc-scale-");
    try {
      Fleet fleet = Fleet.of(n);
      FakeClusterSource clusters = new FakeClusterSource(fleet.clusters()
          .toArray(GuestCluster[]::new));
      FakeCertificateSource certificates =
          new FakeCertificateSource(id -> TestCertificates.bundle());
      Planner planner = new Planner(ScrapeProfile.defaultProfile(),
          BaseConfig.parse(Fleet.baseConfigText(), "base-config.yml"));
      Reconciler reconciler = Reconciler.builder().clusterSource(clusters)
          .certificateSource(certificates).planner(planner).settings(Fleet.settings(mode))
          .store(new AtomicFileStore(dir))
          .validator(new LocalValidation(dir, Optional.empty())).build();
      report(mode, "first (all written)", reconciler.reconcile());
      for (int r = 0; r < rounds; r++) {
        report(mode, "nothing changed", reconciler.reconcile());
      }
      GuestCluster first = fleet.clusters().get(0);
      for (int r = 0; r < rounds; r++) {
        clusters.put(first.withLabels(Map.of("round", Integer.toString(r))));
        report(mode, "one cluster changed", reconciler.reconcile());
      }
      System.gc();
      Runtime rt = Runtime.getRuntime();
      System.out.printf(Locale.ROOT, "  %s: heap used after GC %d MiB, RSS %s%n",
          mode, (rt.totalMemory() - rt.freeMemory()) >> 20, rss());
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void report(OutputMode mode, String what, ReconcileResult result) {
    List<String> phases = new ArrayList<>();
    result.durations().forEach((phase, d) -> phases.add(phase.label() + " " + d.toMillis()));
    System.out.printf(Locale.ROOT, "  %-17s %-20s %6d ms  %s written=%d (%s)%n", mode, what,
        result.duration().toMillis(), result.outcome().label(), result.written().size(),
        String.join(", ", phases));
  }

  private static String rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return line.substring(6).strip();
        }
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "unknown";
  }

}
