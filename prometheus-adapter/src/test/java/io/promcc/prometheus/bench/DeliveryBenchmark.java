package io.promcc.prometheus.bench;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.plan.Observation;
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
import io.promcc.prometheus.PrometheusProcess;
import io.promcc.prometheus.TestCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Time from {@link Reconciler#reconcile} to verified-loaded, next to Prometheus' own reload time
 * ({@code POST /-/reload} alone) for the same file, measured in the same run against the real
 * Prometheus 2.53.3 of the tool cache.
 *
 * <p>Per size N: the planner's default profile for N clusters against
 * {@code https://<id>.example:443} (unreachable), TLS files that exist, keys in the form Vault's
 * PKI issues them: SEC1 with the public key. Cold: reconcile N
 * clusters to a Prometheus running an empty config, then time {@code POST /-/reload} of the same
 * files. Change rounds: our apply adds one cluster (config
 * rewritten, three certificate files written); then the config without it is put back by a plain
 * file write and {@code POST /-/reload} alone is timed (the same change in reverse: reloading an
 * unchanged file is cheaper for Prometheus, which keeps unchanged scrape pools, so it would not be
 * a fair comparison).
 *
 * <p>A size written {@code N/S} (e.g. {@code 10000/10}) splits N clusters into S shards with the
 * core's {@link ShardAssigner}, as a sharded deployment would, and measures each shard against its
 * own Prometheus, one after the other; the totals row adds the shards up.
 *
 * <p>The JVM is warmed up first with a full, unreported run of 20 clusters, as a long-running
 * controller would be: the first apply in a fresh JVM pays class loading and JIT compilation.
 *
 * <p>Run: {@code mvn -pl prometheus-adapter -am -Pbench verify -DskipTests
 * -Dbench.sizes=10,1000,10000/10 -Dbench.rounds=5}. Arguments: sizes (comma-separated), rounds.
 */
public final class DeliveryBenchmark {
  private static final int DISTINCT_BUNDLES = 100;
  private static final int WARM_UP_CLUSTERS = 20;
  private static final int WARM_UP_ROUNDS = 20;

  private DeliveryBenchmark() {}

  /**
   * What one Prometheus (one shard) gave, in nanoseconds. {@code *Inside}: the {@code POST
   * /-/reload} inside our apply, so our own work is ours minus inside, measured in one apply.
   */
  private record Measured(int clusters, int jobs, double mib, int coldFiles, long coldOurs, long coldTheirs,
      long coldInside, List<Long> changeOurs, List<Long> changeTheirs, List<Long> changeInside,
      long noChange) {}

  public static void main(String[] args) throws Exception {
    String[] sizes = (args.length > 0 ? args[0] : "10,1000,10000/10").split(",");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<TestCertificates.Bundle> bundles = new ArrayList<>();
    TestCertificates.Ca ca = TestCertificates.ca("bench-ca");
    for (int i = 0; i < DISTINCT_BUNDLES; i++) {
      bundles.add(TestCertificates.client(ca, "bench-" + i, TestCertificates.ecKeys()));
    }
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    run(ids(WARM_UP_CLUSTERS, "w"), WARM_UP_ROUNDS, bundles, quiet);
    System.out.printf(Locale.ROOT, "cpus=%d, max heap=%d MiB, rounds=%d, warmed up with %d "
            + "clusters and %d rounds%n", Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, rounds, WARM_UP_CLUSTERS, WARM_UP_ROUNDS);
    System.out.println("| clusters | jobs | config MiB | case | ours median ms | prometheus reload"
        + " median ms | overhead ms | overhead % |");
    System.out.println("|---:|---:|---:|---|---:|---:|---:|---:|");
    for (String size : sizes) {
      String[] parts = size.trim().split("/");
      int n = Integer.parseInt(parts[0]);
      int shards = parts.length > 1 ? Integer.parseInt(parts[1]) : 1;
      if (shards == 1) {
        print(run(ids(n, "c"), rounds, bundles, System.out), "");
      } else {
        runSharded(n, shards, rounds, bundles);
      }
    }
  }

  /** N clusters split by the core's shard assignment, each shard against its own Prometheus. */
  private static void runSharded(int n, int shards, int rounds,
      List<TestCertificates.Bundle> bundles) throws IOException, InterruptedException {
    ShardAssigner assigner = new ShardAssigner(shards);
    List<List<String>> byShard = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      byShard.add(new ArrayList<>());
    }
    for (String id : ids(n, "c")) {
      byShard.get(assigner.shardOf(ClusterId.of(id))).add(id);
    }
    List<Measured> all = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      Measured m = run(byShard.get(s), rounds, bundles, System.out);
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
    if (rounds > 0) {
      row(n, jobs, mib, "all " + shards + " shards: change, median of " + changeOurs.size(),
          median(changeOurs), median(changeTheirs));
      List<Long> changeInside = all.stream().flatMap(m -> m.changeInside().stream()).toList();
      long oursSum = changeOurs.stream().mapToLong(Long::longValue).sum();
      long insideSum = changeInside.stream().mapToLong(Long::longValue).sum();
      System.out.printf(Locale.ROOT, "  (all shards, change rounds added up: %s)%n",
          ownWork(List.of(oursSum), List.of(insideSum)));
    }
  }

  private static Measured run(List<String> ids, int rounds, List<TestCertificates.Bundle> bundles,
      PrintStream log) throws IOException, InterruptedException {
    int n = ids.size();
    Path work = Files.createTempDirectory("promcc-bench-");
    Path out = Files.createDirectory(work.resolve("out"));
    int port = PrometheusProcess.freePort();
    PrometheusAdapterSettings settings = PrometheusAdapterSettings.builder(out,
            URI.create("http://127.0.0.1:" + port))
        .readyTimeout(Duration.ofMinutes(10)).reloadTimeout(Duration.ofMinutes(60))
        .requestTimeout(Duration.ofMinutes(1)).build();
    AtomicFileStore store = new AtomicFileStore(settings);
    HttpPrometheusControl control = new HttpPrometheusControl(
        HttpPrometheusControl.newHttpClient(settings), settings, Clock.systemUTC());
    Timings timings = new Timings();
    FakeClusterSource clusters = new FakeClusterSource();
    Map<ClusterId, CertificateBundle> certificates = new TreeMap<>();
    for (int i = 0; i < ids.size(); i++) {
      certificates.put(ClusterId.of(ids.get(i)), bundle(bundles.get(i % bundles.size())));
    }
    certificates.put(ClusterId.of(extra(ids)), bundle(bundles.get(0)));
    FakeCertificateSource certificateSource = new FakeCertificateSource(certificates::get);
    Planner planner = Planner.withDefaults();
    Reconciler reconciler = Reconciler.builder().clusterSource(clusters)
        .certificateSource(certificateSource).planner(planner).store(timings.wrap(store))
        .prometheus(timings.wrap(control)).validator(new LocalValidation(settings))
        .readyTimeout(settings.readyTimeout()).verifyTimeout(settings.reloadTimeout()).build();

    DesiredState empty = plan(planner, List.of(), certificates);
    store.write(empty, FileDiff.between(empty, store.readOwned()));
    try (PrometheusProcess prometheus = PrometheusProcess.start(out.resolve(empty.configPath()),
        work, port, true)) {
      // stop Prometheus even if the harness is interrupted
      Thread stopper = new Thread(prometheus::close);
      Runtime.getRuntime().addShutdownHook(stopper);
      control.awaitReady(Duration.ofMinutes(2));

      DesiredState full = plan(planner, ids, certificates);
      double mib = full.config().size() / 1048576.0;
      int jobs = full.config().text().split("job_name: ", -1).length - 1;
      ids.forEach(id -> clusters.put(cluster(id)));
      timings.reset();
      long t0 = System.nanoTime();
      ReconcileResult cold = reconciler.reconcile();
      long coldOurs = System.nanoTime() - t0;
      require(cold, Outcome.RELOADED, "cold");
      long coldInside = timings.total("prom.reload");
      log.println("  (" + n + " clusters, cold: ours " + Math.round(coldOurs / 1e6)
          + " ms, in ports: " + timings.summary() + "; prometheus' log, totalDuration of each "
          + "load so far: " + loadDurations(prometheus.log()) + ")");
      log.flush();
      long coldTheirs = timeReload(control);

      // Rounds: ours applies A -> B (one cluster added: six jobs, three certificate files);
      // Prometheus' own reload then takes B -> A (the same config change in reverse), with A's
      // config put in place by a plain file write and only POST /-/reload timed.
      DesiredState a = full;
      Path configFile = out.resolve(a.configPath());
      List<Long> oursRounds = new ArrayList<>();
      List<Long> theirsRounds = new ArrayList<>();
      List<Long> insideRounds = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        clusters.put(cluster(extra(ids)));
        timings.reset();
        t0 = System.nanoTime();
        ReconcileResult result = reconciler.reconcile();
        oursRounds.add(System.nanoTime() - t0);
        insideRounds.add(timings.total("prom.reload"));
        log.println("  (round " + r + ", ms in ports: " + timings.summary() + ")");
        require(result, Outcome.RELOADED, "round " + r);
        clusters.remove(ClusterId.of(extra(ids)));
        Path temp = configFile.resolveSibling("bench-config.tmp");
        Files.write(temp, a.config().content());
        Files.move(temp, configFile, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        theirsRounds.add(timeReload(control));
      }

      reconciler.reconcile(); // back in step with the files on disk (untimed)
      timings.reset();
      t0 = System.nanoTime();
      ReconcileResult unchanged = reconciler.reconcile();
      long noChange = System.nanoTime() - t0;
      log.println("  (no change, ms in ports: " + timings.summary() + ")");
      require(unchanged, Outcome.UNCHANGED, "the same state again");
      if (!prometheus.isAlive()) {
        throw new IllegalStateException("prometheus died:\n" + prometheus.log());
      }
      log.println("  (prometheus' own log, totalDuration of each load: "
          + loadDurations(prometheus.log()) + ")");
      Runtime.getRuntime().removeShutdownHook(stopper);
      return new Measured(n, jobs, mib, cold.written().size(), coldOurs, coldTheirs, coldInside,
          oursRounds, theirsRounds, insideRounds, noChange);
    } finally {
      try (Stream<Path> paths = Files.walk(work)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The {@code totalDuration} of every "Completed loading of configuration file" log line. */
  private static List<String> loadDurations(String log) {
    Matcher m = Pattern.compile("Completed loading of configuration file.*?totalDuration=(\\S+)")
        .matcher(log);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static List<String> ids(int n, String prefix) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(String.format(Locale.ROOT, "%s%05d", prefix, i));
    }
    return ids;
  }

  private static void print(Measured m, String label) {
    row(m.clusters(), m.jobs(), m.mib(), label + "cold (" + m.coldFiles() + " files)",
        m.coldOurs(), m.coldTheirs());
    System.out.printf(Locale.ROOT, "  (raw ms: ours %s, prometheus %s; %s)%n",
        ms(List.of(m.coldOurs())), ms(List.of(m.coldTheirs())),
        ownWork(List.of(m.coldOurs()), List.of(m.coldInside())));
    if (!m.changeOurs().isEmpty()) {
      row(m.clusters(), m.jobs(), m.mib(), label + "change: 1 cluster, median of "
          + m.changeOurs().size(), median(m.changeOurs()), median(m.changeTheirs()));
      System.out.printf(Locale.ROOT, "  (raw ms: ours %s, prometheus %s; %s)%n",
          ms(m.changeOurs()), ms(m.changeTheirs()), ownWork(m.changeOurs(), m.changeInside()));
    }
    System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %sno change (no write, no reload) | %.0f "
        + "| - | - | - |%n", m.clusters(), m.jobs(), m.mib(), label, m.noChange() / 1e6);
  }

  /** Ours minus the reload inside the same apply, and its share of that reload, per apply. */
  private static String ownWork(List<Long> ours, List<Long> inside) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < ours.size(); i++) {
      long own = ours.get(i) - inside.get(i);
      parts.add(String.format(Locale.ROOT, "%.0f ms = %.1f%%", own / 1e6,
          100.0 * own / inside.get(i)));
    }
    return "own work " + parts;
  }

  private static void row(int n, int jobs, double mib, String what, double ours, double theirs) {
    double o = ours / 1e6;
    double t = theirs / 1e6;
    System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %s | %.0f | %.0f | %.0f | %.1f%% |%n",
        n, jobs, mib, what, o, t, o - t, 100 * (o - t) / t);
  }

  /** The cluster the change rounds add and remove. */
  private static String extra(List<String> ids) {
    return "x" + (ids.isEmpty() ? "" : ids.get(0));
  }

  private static GuestCluster cluster(String id) {
    return GuestCluster.of(id, "aws", "https://" + id + ".example:443");
  }

  /** A bundle with the key as Vault's PKI returns it (SEC1 with the public key). */
  private static CertificateBundle bundle(TestCertificates.Bundle b) {
    return CertificateBundle.fromPem(b.caPem(), b.certificatePem(),
        Secret.of(b.traditionalKeyPem()));
  }

  private static DesiredState plan(Planner planner, List<String> ids,
      Map<ClusterId, CertificateBundle> certificates) {
    return planner.plan(Observation.of(ids.stream().map(DeliveryBenchmark::cluster).toList(),
        certificates), ControllerSettings.DEFAULTS);
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

  private static String ms(List<Long> nanos) {
    return nanos.stream().map(x -> String.format(Locale.ROOT, "%.0f", x / 1e6)).toList().toString();
  }

  private static double median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2.0;
  }
}
