package io.promcc.bench;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.reconcile.Phase;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.testing.MutableClock;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import io.promcc.prometheus.AtomicFileStore;
import io.promcc.prometheus.LocalValidation;
import io.promcc.vault.IssueMode;
import io.promcc.vault.VaultCertificateSource;
import io.promcc.vault.fake.FakeVault;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The controller's own cost at scale, without Prometheus: one reconciler over the real file
 * store and validation, clusters and certificates from in-memory sources. Prints, per output
 * mode: the first reconcile (every file written), a reconcile with nothing changed (the full
 * observe, plan, diff and validate), and one cluster changed among N (its files written), with
 * the time from the call to its return, each phase's, what passed outside the phases (building
 * the result), the files written with their bytes and the bytes written to the ownership
 * manifest and its journal; then the median and the slowest of the first five rounds, and the
 * median, p90 and p99 of the rest with the median of what each allocated, the five slowest of
 * the rest with their phases and the collectors' time in each (what the tail is made of), and
 * heap and RSS after a GC.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.promcc.bench.ReconcileScale 10000 5}
 * (clusters, rounds, and optionally one output mode: {@code merged} or {@code per_cluster_files},
 * then the certificate source: {@code fake}, in memory, the default, or {@code vault}, the real
 * source against the Vault fake, its first reconcile issuing every certificate).
 * Alone on the machine; it states the load average at its start and end. Without a mode it runs
 * both modes one after the other: to compare them, run one mode per process, alternating.
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
    List<OutputMode> modes = args.length > 2
        ? List.of(OutputMode.valueOf(args[2].toUpperCase(Locale.ROOT)))
        : List.of(OutputMode.values());
    boolean vault = args.length > 3 && args[3].equals("vault");
    if (args.length > 3 && !vault && !args[3].equals("fake")) {
      throw new IllegalArgumentException("certificates: fake or vault, got " + args[3]);
    }
    Fleet fleet = Fleet.of(n);
    for (OutputMode mode : modes) {
      if (vault) {
        runWithVault(fleet, rounds, mode);
      } else {
        run(fleet, rounds, mode, new FakeCertificateSource(id -> TestCertificates.bundle()));
      }
    }
    System.out.printf(Locale.ROOT, "load at the end=%.2f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /**
   * With the certificates of the Vault fake through the real source (default settings, sign
   * mode, 16 requests at a time for the first reconcile's issue): every later reconcile passes
   * over the source's cached certificates with nothing due, as a running controller does.
   */
  private static void runWithVault(Fleet fleet, int rounds, OutputMode mode) throws IOException {
    MutableClock clock = MutableClock.startingNow();
    try (FakeVault vault = FakeVault.start(clock)) {
      VaultAtScale.roles(vault, fleet.clusters());
      try (VaultCertificateSource source = VaultAtScale.source(vault, clock,
          VaultAtScale.settings(vault, IssueMode.SIGN, 16))) {
        run(fleet, rounds, mode, source);
        System.out.printf(Locale.ROOT, "  %s: Vault requests in all rounds: %d%n", mode,
            vault.requests().size());
      }
    }
  }

  private static void run(Fleet fleet, int rounds, OutputMode mode,
      CertificateSource certificates) throws IOException {
    Path dir = Files.createTempDirectory("promcc-scale-");
    try {
      FakeClusterSource clusters = new FakeClusterSource(fleet.clusters()
          .toArray(GuestCluster[]::new));
      Planner planner = new Planner(ScrapeProfile.defaultProfile(),
          BaseConfig.parse(Fleet.baseConfigText(), "base-config.yml"));
      Reconciler reconciler = Reconciler.builder().clusterSource(clusters)
          .certificateSource(certificates).planner(planner).settings(Fleet.settings(mode))
          .store(new AtomicFileStore(dir))
          .validator(new LocalValidation(dir, Optional.empty())).build();
      report(dir, mode, "first (all written)", reconciler);
      List<Round> unchanged = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        unchanged.add(report(dir, mode, "nothing changed", reconciler));
      }
      GuestCluster first = fleet.clusters().get(0);
      List<Round> changed = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        clusters.put(first.withLabels(Map.of("round", Integer.toString(r))));
        changed.add(report(dir, mode, "one cluster changed", reconciler));
      }
      summarize(mode, "nothing changed", unchanged);
      summarize(mode, "one cluster changed", changed);
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

  /**
   * One reconcile: its time from call to return, the bytes it allocated, the collection time the
   * JVM's collectors reported meanwhile (G1: its pauses), and each phase's time.
   */
  private record Round(long wallNanos, long allocatedBytes, long collectorMillis,
      Map<Phase, Duration> phases) {

    String describe() {
      return Stats.millis(wallNanos) + " (" + phaseList(phases) + "; collectors "
          + collectorMillis + " ms)";
    }
  }

  /**
   * Medians of a series of rounds: the first five (what a controller that has just started
   * runs, its code not compiled yet, with the slowest of them, which a median hides: right
   * after the first reconcile the store reads back every file it wrote), and the rest (the
   * compiled code of a running controller), with the median of each phase.
   */
  private static void summarize(OutputMode mode, String what, List<Round> rounds) {
    if (rounds.isEmpty()) {
      return;
    }
    int early = Math.min(5, rounds.size());
    List<Round> rest = rounds.subList(early, rounds.size());
    List<Long> earlyWall = wall(rounds.subList(0, early));
    long slowestEarly = Stats.max(earlyWall);
    System.out.printf(Locale.ROOT, "  %s summary, %s: rounds 1-%d median %s, slowest %s (round"
        + " %d)%s%n", mode, what, early, Stats.millis(Stats.median(earlyWall)),
        Stats.millis(slowestEarly), earlyWall.indexOf(slowestEarly) + 1, rest.isEmpty() ? ""
            : "; rounds " + (early + 1) + "-" + rounds.size() + " median "
                + Stats.millis(Stats.median(wall(rest))) + ", p90 "
                + Stats.millis(Stats.percentile(wall(rest), 90)) + ", p99 "
                + Stats.millis(Stats.percentile(wall(rest), 99)) + " (" + phaseMedians(rest)
                + "), allocated median " + String.format(Locale.ROOT, "%.1f MB",
                    Stats.median(rest.stream().map(Round::allocatedBytes).toList()) / 1e6));
    if (rest.size() >= 20) {
      // what the tail is made of: the slowest rounds, each with its phases and collector time
      List<Round> slowest = rest.stream()
          .sorted(Comparator.comparingLong(Round::wallNanos).reversed()).limit(5).toList();
      System.out.printf(Locale.ROOT, "  %s %s, slowest rounds: %s; collectors ran in %d of %d"
          + " rounds%n", mode, what, String.join("; ", slowest.stream()
              .map(Round::describe).toList()),
          rest.stream().filter(r -> r.collectorMillis() > 0).count(), rest.size());
    }
  }

  private static List<Long> wall(List<Round> rounds) {
    return rounds.stream().map(Round::wallNanos).toList();
  }

  private static String phaseMedians(List<Round> rounds) {
    List<String> out = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      if (rounds.stream().anyMatch(r -> r.phases().containsKey(phase))) {
        out.add(phase.label() + " " + Stats.millis(Stats.median(rounds.stream()
            .map(r -> r.phases().getOrDefault(phase, Duration.ZERO).toNanos()).toList())));
      }
    }
    return String.join(", ", out);
  }

  /** Runs one reconcile and prints what it did. */
  private static Round report(Path dir, OutputMode mode, String what, Reconciler reconciler)
      throws IOException {
    ManifestStatus before = ManifestStatus.of(dir);
    long allocatedBefore = allocated();
    long collectorBefore = collectorMillis();
    long start = System.nanoTime();
    ReconcileResult result = reconciler.reconcile();
    long wallNanos = System.nanoTime() - start;
    long collector = collectorMillis() - collectorBefore;
    long allocatedBytes = allocated() - allocatedBefore;
    long bytes = 0;
    for (String path : result.written()) {
      bytes += Files.size(dir.resolve(path));
    }
    long manifest = ManifestStatus.of(dir).bytesWrittenSince(before);
    System.out.printf(Locale.ROOT, "  %-17s %-20s %6d ms  %s written=%d files %d B + manifest"
        + " %d B (%s; outside the phases %d)%n", mode, what, wallNanos / 1_000_000,
        result.outcome().label(), result.written().size(), bytes, manifest,
        phaseList(result.durations()), (wallNanos - result.duration().toNanos()) / 1_000_000);
    return new Round(wallNanos, allocatedBytes, collector, result.durations());
  }

  /** {@code observe 12, plan 3, ...}: each phase that ran with its milliseconds. */
  private static String phaseList(Map<Phase, Duration> phases) {
    List<String> out = new ArrayList<>();
    phases.forEach((phase, d) -> out.add(phase.label() + " " + d.toMillis()));
    return String.join(", ", out);
  }

  /** The collection time all collectors have reported so far, in milliseconds. */
  private static long collectorMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, collector.getCollectionTime());
    }
    return sum;
  }

  /** Bytes allocated so far by the threads alive now (the reconciler's own included). */
  private static long allocated() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, bytes);
    }
    return sum;
  }

  /** The ownership manifest's file and its journal: which inode, how many bytes. */
  private record ManifestStatus(Object manifest, long manifestBytes, Object journal,
      long journalBytes) {
    static ManifestStatus of(Path dir) throws IOException {
      Path manifest = dir.resolve(AtomicFileStore.MANIFEST);
      Path journal = dir.resolve(AtomicFileStore.JOURNAL);
      return new ManifestStatus(inode(manifest), Files.exists(manifest) ? Files.size(manifest) : 0,
          inode(journal), Files.exists(journal) ? Files.size(journal) : 0);
    }

    private static Object inode(Path file) throws IOException {
      return Files.exists(file) ? Files.readAttributes(file, BasicFileAttributes.class).fileKey()
          : null;
    }

    /**
     * At least the bytes written to the manifest since {@code before}: the manifest file if it
     * was replaced (once, though it may have been twice), what the journal grew by (all of it,
     * if it is a new one).
     */
    long bytesWrittenSince(ManifestStatus before) {
      long written = Objects.equals(manifest, before.manifest) ? 0 : manifestBytes;
      return written + (journal == null ? 0 : Objects.equals(journal, before.journal)
          ? journalBytes - before.journalBytes : journalBytes);
    }
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
