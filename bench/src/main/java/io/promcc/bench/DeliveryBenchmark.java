package io.promcc.bench;

import static io.promcc.bench.DeliveryTable.ownWork;
import static io.promcc.bench.DeliveryTable.print;
import static io.promcc.bench.DeliveryTable.row;

import io.promcc.bench.DeliveryTable.Measured;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ShardAssigner;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.prometheus.AtomicFileStore;
import io.promcc.prometheus.HttpPrometheusControl;
import io.promcc.prometheus.LocalValidation;
import io.promcc.prometheus.PrometheusAdapterSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Time from {@link Reconciler#reconcile} to verified-loaded, next to Prometheus' own reload time
 * ({@code POST /-/reload} alone) for the same config change, measured in the same run against the
 * real Prometheus 2.53.3 of the tool cache.
 *
 * <p>Per size N: the {@link Fleet}'s clusters (provider, two labels and an etcd endpoint each, so
 * the planner's default profile makes every one of its jobs), planned by the real planner
 * ({@link Planner#withDefaults()}: default profile, empty base config, default settings) and
 * delivered by the real {@code AtomicFileStore}, {@code LocalValidation} and
 * {@code HttpPrometheusControl}; the API servers do not resolve (fine for reload timing). TLS
 * files exist: core's two test bundles, keys in the form Vault's PKI issues them (SEC1).
 *
 * <ul>
 *   <li><b>Cold</b>: ours reconciles N clusters into a Prometheus running the empty config; then
 *       the empty config is put back (untimed) and Prometheus' own side puts the full config in
 *       place by a plain file write and times {@code POST /-/reload}: the same change, empty to N.
 *   <li><b>Change</b> rounds: one cluster added or removed. Even rounds: ours adds it (its config
 *       and three certificate files written), then Prometheus' own side removes it (the config
 *       without it written, {@code POST /-/reload} timed). Odd rounds the other way round:
 *       Prometheus' side adds it, ours removes it. Each side always reloads a changed config
 *       (reloading an unchanged file is cheaper, as Prometheus keeps unchanged scrape pools).
 *   <li><b>No change</b>: a reconcile when nothing changed (no write, no reload).
 * </ul>
 * Ours is timed around the whole {@code reconcile()}: observing, planning, validating, writing,
 * the reload and every wait of the verification inside it; the harness waits for nothing before
 * a timed step. Each port call inside ours is timed too ({@link PortTimings}): own work is ours
 * minus the {@code POST /-/reload} inside that same apply.
 *
 * <p>A size written {@code N/S} (e.g. {@code 10000/10}) splits N clusters into S shards with the
 * core's {@link ShardAssigner}, as a sharded deployment would, and measures each shard against its
 * own Prometheus, one after the other; the totals row adds the shards up.
 *
 * <p>The JVM is warmed up first with a full, unreported run of 20 clusters and 20 rounds, as a
 * long-running controller would be: the first apply in a fresh JVM pays class loading and JIT
 * compilation.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.promcc.bench.DeliveryBenchmark \
 *     [--sizes 10,1000,10000/10] [--rounds 6] [--prometheus PATH] [--warmup-clusters 20]
 *     [--warmup-rounds 20]
 * </pre>
 */
public final class DeliveryBenchmark {
  private DeliveryBenchmark() {}

  public static void main(String[] args) throws Exception {
    DeliveryBenchmarkOptions options;
    try {
      options = DeliveryBenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("delivery-benchmark: " + e.getMessage());
      System.err.println(DeliveryBenchmarkOptions.USAGE);
      System.exit(2);
      return;
    }
    run(options);
  }

  /** Runs every size; returns how many Prometheus servers (shards included) were measured. */
  static int run(DeliveryBenchmarkOptions options) throws IOException, InterruptedException {
    List<CertificateBundle> bundles = VaultShapedBundles.all();
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    System.out.println("start: " + Stats.machine());
    if (options.warmupClusters() > 0) {
      run(options, clusters(0, options.warmupClusters()), options.warmupRounds(), bundles, quiet);
    }
    System.out.printf(Locale.ROOT, "max heap %d MiB, change rounds %d, warmed up with %d "
            + "clusters and %d rounds%n", Runtime.getRuntime().maxMemory() >> 20,
        options.rounds(), options.warmupClusters(), options.warmupRounds());
    System.out.println("| clusters | jobs | config MiB | case | ours median ms | prometheus reload"
        + " median ms | overhead ms | overhead % |");
    System.out.println("|---:|---:|---:|---|---:|---:|---:|---:|");
    int measured = 0;
    for (String size : options.sizes()) {
      String[] parts = size.split("/");
      int n = Integer.parseInt(parts[0]);
      int shards = parts.length > 1 ? Integer.parseInt(parts[1]) : 1;
      if (shards == 1) {
        print(run(options, clusters(0, n), options.rounds(), bundles, System.out), "");
      } else {
        runSharded(options, n, shards, bundles);
      }
      measured += shards;
    }
    System.out.println("end: " + Stats.machine());
    return measured;
  }

  /** Fleet clusters {@code from} to {@code from + n - 1}. */
  private static List<GuestCluster> clusters(int from, int n) {
    List<GuestCluster> clusters = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      clusters.add(Fleet.cluster(i));
    }
    return clusters;
  }

  /** N clusters split by the core's shard assignment, each shard against its own Prometheus. */
  private static void runSharded(DeliveryBenchmarkOptions options, int n, int shards,
      List<CertificateBundle> bundles) throws IOException, InterruptedException {
    ShardAssigner assigner = new ShardAssigner(shards);
    List<List<GuestCluster>> byShard = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      byShard.add(new ArrayList<>());
    }
    for (GuestCluster cluster : clusters(0, n)) {
      byShard.get(assigner.shardOf(cluster.id())).add(cluster);
    }
    List<Measured> all = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      Measured m = run(options, byShard.get(s), options.rounds(), bundles, System.out);
      print(m, "shard " + (s + 1) + "/" + shards + ", ");
      all.add(m);
    }
    long coldOurs = all.stream().mapToLong(Measured::coldOurs).sum();
    long coldTheirs = all.stream().mapToLong(Measured::coldTheirs).sum();
    List<Long> changeOurs = all.stream().flatMap(m -> m.changeOurs().stream()).toList();
    List<Long> changeTheirs = all.stream().flatMap(m -> m.changeTheirs().stream()).toList();
    double mib = all.stream().mapToDouble(Measured::mib).sum();
    int jobs = all.stream().mapToInt(Measured::jobs).sum();
    int files = all.stream().mapToInt(Measured::coldFiles).sum();
    long coldInside = all.stream().mapToLong(Measured::coldInside).sum();
    row(n, jobs, mib, "all " + shards + " shards: cold, sum (" + files + " files)", coldOurs,
        coldTheirs);
    System.out.printf(Locale.ROOT, "  (all shards, cold: %s)%n",
        ownWork(List.of(coldOurs), List.of(coldInside)));
    if (!changeOurs.isEmpty()) {
      row(n, jobs, mib, "all " + shards + " shards: change, median of " + changeOurs.size(),
          Stats.median(changeOurs), Stats.median(changeTheirs));
      List<Long> changeInside = all.stream().flatMap(m -> m.changeInside().stream()).toList();
      long oursSum = changeOurs.stream().mapToLong(Long::longValue).sum();
      long insideSum = changeInside.stream().mapToLong(Long::longValue).sum();
      System.out.printf(Locale.ROOT, "  (all shards, change rounds added up: %s)%n",
          ownWork(List.of(oursSum), List.of(insideSum)));
    }
  }

  private static Measured run(DeliveryBenchmarkOptions options, List<GuestCluster> fleet,
      int rounds, List<CertificateBundle> bundles, PrintStream log)
      throws IOException, InterruptedException {
    int n = fleet.size();
    Path work = Files.createTempDirectory("promcc-bench-delivery-");
    Path out = Files.createDirectory(work.resolve("out"));
    // the cluster the change rounds add and remove: the next one of the fleet's numbering
    GuestCluster extra = Fleet.cluster(1_000_000 + n);
    Map<ClusterId, CertificateBundle> certificates = new TreeMap<>();
    for (int i = 0; i < fleet.size(); i++) {
      certificates.put(fleet.get(i).id(), bundles.get(i % bundles.size()));
    }
    certificates.put(extra.id(), bundles.get(0));
    Planner planner = Planner.withDefaults();
    DesiredState empty = planner.plan(List.of(), Map.of(), ControllerSettings.DEFAULTS);
    AtomicFileStore initial = new AtomicFileStore(out); // Prometheus starts on the empty config
    initial.write(empty, FileDiff.between(empty, initial.readOwned()));
    Path configFile = out.resolve(empty.configPath());
    try (MeasuredPrometheus prometheus = MeasuredPrometheus.start(options.prometheus(),
        configFile, work.resolve("data"), List.of(), Duration.ofMinutes(10))) {
      // stop Prometheus even if the harness is interrupted
      Thread stopper = new Thread(prometheus::close);
      Runtime.getRuntime().addShutdownHook(stopper);
      PrometheusAdapterSettings settings = PrometheusAdapterSettings.builder(out,
              prometheus.url())
          .readyTimeout(Duration.ofMinutes(10)).reloadTimeout(Duration.ofMinutes(60))
          .requestTimeout(Duration.ofMinutes(1)).build();
      AtomicFileStore store = new AtomicFileStore(settings);
      HttpPrometheusControl control = new HttpPrometheusControl(
          HttpPrometheusControl.newHttpClient(settings), settings, Clock.systemUTC());
      PortTimings timings = new PortTimings();
      FakeClusterSource clusters = new FakeClusterSource();
      Reconciler reconciler = Reconciler.builder().clusterSource(clusters)
          .certificateSource(new FakeCertificateSource(certificates::get)).planner(planner)
          .store(timings.wrap(store)).prometheus(timings.wrap(control))
          .validator(new LocalValidation(settings))
          .readyTimeout(settings.readyTimeout()).verifyTimeout(settings.reloadTimeout()).build();

      DesiredState full = planner.plan(fleet, certificates, ControllerSettings.DEFAULTS);
      List<GuestCluster> withExtra = new ArrayList<>(fleet);
      withExtra.add(extra);
      DesiredState fullWithExtra = planner.plan(withExtra, certificates,
          ControllerSettings.DEFAULTS);
      double mib = full.config().size() / 1048576.0;
      int jobs = full.config().text().split("job_name: ", -1).length - 1;

      // cold: ours, empty -> N
      fleet.forEach(clusters::put);
      timings.reset();
      long t0 = System.nanoTime();
      ReconcileResult cold = reconciler.reconcile();
      long coldOurs = System.nanoTime() - t0;
      require(cold, Outcome.RELOADED, "cold");
      long coldInside = timings.total("prom.reload");
      log.println("  (" + n + " clusters, cold: ours " + Math.round(coldOurs / 1e6)
          + " ms, in ports: " + timings.summary() + "; phases: " + phases(cold) + ")");
      // cold: Prometheus' own, empty -> N (back to empty first, untimed)
      replaceConfig(configFile, empty);
      control.reload();
      replaceConfig(configFile, full);
      long coldTheirs = timeReload(control);
      log.println("  (prometheus' own log, totalDuration of each load so far: "
          + loadDurations(prometheus) + ")");
      log.flush();

      // change rounds, alternating which side adds the extra cluster and which removes it
      List<Long> oursRounds = new ArrayList<>();
      List<Long> theirsRounds = new ArrayList<>();
      List<Long> insideRounds = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        boolean oursAdds = r % 2 == 0;
        if (!oursAdds) {
          replaceConfig(configFile, fullWithExtra); // its certificate files are still there
          theirsRounds.add(timeReload(control));
          clusters.remove(extra.id());
        } else {
          clusters.put(extra);
        }
        timings.reset();
        t0 = System.nanoTime();
        ReconcileResult result = reconciler.reconcile();
        oursRounds.add(System.nanoTime() - t0);
        insideRounds.add(timings.total("prom.reload"));
        log.println("  (round " + r + ", ours " + (oursAdds ? "adds" : "removes")
            + " a cluster, ms in ports: " + timings.summary() + "; phases: " + phases(result)
            + ")");
        require(result, Outcome.RELOADED, "round " + r);
        if (oursAdds) {
          replaceConfig(configFile, full);
          theirsRounds.add(timeReload(control));
          clusters.remove(extra.id());
        }
      }

      reconciler.reconcile(); // back in step with the files on disk (untimed)
      timings.reset();
      t0 = System.nanoTime();
      ReconcileResult unchanged = reconciler.reconcile();
      long noChange = System.nanoTime() - t0;
      log.println("  (no change, ms in ports: " + timings.summary() + ")");
      require(unchanged, Outcome.UNCHANGED, "the same state again");
      if (!prometheus.isAlive()) {
        throw new IllegalStateException("prometheus died:\n" + prometheus.logText());
      }
      log.println("  (prometheus' own log, totalDuration of each load: "
          + loadDurations(prometheus) + ")");
      Runtime.getRuntime().removeShutdownHook(stopper);
      return new Measured(n, jobs, mib, cold.written().size(), coldOurs, coldTheirs, coldInside,
          oursRounds, theirsRounds, insideRounds, noChange);
    } finally {
      RenderSides.deleteRecursively(work);
    }
  }

  /** The config file of {@code state} put in place by a plain atomic write (no store). */
  private static void replaceConfig(Path configFile, DesiredState state) throws IOException {
    Path temp = configFile.resolveSibling("bench-config.tmp");
    Files.write(temp, state.config().content());
    Files.move(temp, configFile, StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Prometheus' own {@code totalDuration} of every load so far. */
  private static List<String> loadDurations(MeasuredPrometheus prometheus) throws IOException {
    return prometheus.completedLoads().stream()
        .map(load -> load.containsKey("totalDuration")
            ? Stats.millis(load.get("totalDuration").toNanos()) : "?")
        .toList();
  }

  private static String phases(ReconcileResult result) {
    List<String> parts = new ArrayList<>();
    result.durations().forEach((phase, took) -> parts.add(phase.name().toLowerCase(Locale.ROOT)
        + " " + took.toMillis()));
    return String.join(", ", parts) + " ms";
  }

  private static void require(ReconcileResult result, Outcome expected, String what) {
    if (result.outcome() != expected) {
      throw new IllegalStateException(what + ": expected " + expected + ", got " + result);
    }
  }

  /** POST /-/reload alone, until Prometheus answers (it answers after loading). */
  private static long timeReload(HttpPrometheusControl control) {
    long t0 = System.nanoTime();
    control.reload();
    return System.nanoTime() - t0;
  }
}
