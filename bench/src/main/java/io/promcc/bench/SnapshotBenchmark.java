package io.promcc.bench;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.core.port.SourceNotReadyException;
import io.promcc.kube.DiscoverySettings;
import io.promcc.kube.ServiceClusterSource;
import io.promcc.kube.WatchSettings;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * What {@link ServiceClusterSource#snapshot()} itself costs, warm, for N guest-cluster Services
 * (1,000 by default, each with an etcd annotation) served by the Kubernetes API fake of
 * kube-adapter's tests and kept by the source's real informers. Three cases, interleaved in one
 * JVM after a warm-up:
 * <ul>
 *   <li><b>unchanged</b>: no Service changed since the last snapshot (every outcome memoised:
 *       what nearly every reconcile sees);
 *   <li><b>one changed</b>: one Service's etcd annotation changed (one Service mapped again);
 *   <li><b>all changed</b>: every Service's etcd annotation changed (every Service mapped again:
 *       the cost without the memo).
 * </ul>
 * Before a timed snapshot the harness waits, untimed, until the source's change listener has
 * heard of every change (the informer's cache holds them then). Only {@code snapshot()} is timed.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.promcc.bench.SnapshotBenchmark [--services 1000]
 *     [--rounds 300] [--all-changed-every 10] [--warmup 300]
 * </pre>
 */
public final class SnapshotBenchmark {
  private static final Duration WAIT = Duration.ofMinutes(2);

  private SnapshotBenchmark() {}

  /** The command line. */
  record Options(int services, int rounds, int allChangedEvery, int warmup) {
    static final String USAGE = "usage: SnapshotBenchmark [--services N] [--rounds R]"
        + " [--all-changed-every K] [--warmup W]";

    /**
     * @throws IllegalArgumentException naming the bad argument
     */
    static Options parse(String... args) {
      Map<String, Integer> values = new LinkedHashMap<>();
      values.put("--services", 1000);
      values.put("--rounds", 300);
      values.put("--all-changed-every", 10);
      values.put("--warmup", 300);
      for (int i = 0; i < args.length; i++) {
        if (!values.containsKey(args[i])) {
          throw new IllegalArgumentException("unknown argument \"" + args[i] + "\"");
        }
        if (i + 1 == args.length) {
          throw new IllegalArgumentException("missing value of " + args[i]);
        }
        values.put(args[i], RenderOptions.count(args[i], args[i + 1],
            args[i].equals("--warmup") ? 0 : 1));
        i++;
      }
      return new Options(values.get("--services"), values.get("--rounds"),
          values.get("--all-changed-every"), values.get("--warmup"));
    }
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("snapshot-benchmark: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    run(options);
  }

  /** Runs the benchmark; returns the medians in nanoseconds: unchanged, one, all changed. */
  static long[] run(Options options) {
    System.out.println("start: " + Stats.machine());
    int n = options.services();
    int[] etcdPorts = new int[n];
    try (FakeKubeApi fake = FakeKubeApi.start()) {
      for (int i = 0; i < n; i++) {
        etcdPorts[i] = 2379;
        fake.store().create(ApiResource.SERVICES, null, service(i, etcdPorts[i]));
      }
      AtomicLong heard = new AtomicLong();
      ServiceClusterSource source = new ServiceClusterSource(fake.newClient(),
          DiscoverySettings.defaults(), WatchSettings.defaults());
      try {
        source.addChangeListener(heard::incrementAndGet);
        source.start();
        await("the source synced with " + n + " clusters", () -> {
          try {
            return source.hasSynced() && source.snapshot().clusters().size() == n;
          } catch (SourceNotReadyException e) {
            return false;
          }
        });
        Runnable changeOne = new Runnable() {
          private int next;

          @Override
          public void run() {
            int i = next++ % n;
            long before = heard.get();
            etcdPorts[i] = etcdPorts[i] == 2379 ? 2380 : 2379;
            fake.store().update(ApiResource.SERVICES, id(i), service(i, etcdPorts[i]));
            await("the change of " + id(i) + " heard", () -> heard.get() > before);
          }
        };
        Runnable changeAll = () -> {
          long before = heard.get();
          for (int i = 0; i < n; i++) {
            etcdPorts[i] = etcdPorts[i] == 2379 ? 2380 : 2379;
            fake.store().update(ApiResource.SERVICES, id(i), service(i, etcdPorts[i]));
          }
          await("all " + n + " changes heard", () -> heard.get() >= before + n);
        };

        for (int w = 0; w < options.warmup(); w++) {
          timed(source, n);
          if (w % 10 == 0) {
            changeOne.run();
            timed(source, n);
          }
        }
        List<Long> unchanged = new ArrayList<>();
        List<Long> one = new ArrayList<>();
        List<Long> all = new ArrayList<>();
        for (int r = 0; r < options.rounds(); r++) {
          if (r % 2 == 0) {
            unchanged.add(timed(source, n));
            changeOne.run();
            one.add(timed(source, n));
          } else {
            changeOne.run();
            one.add(timed(source, n));
            unchanged.add(timed(source, n));
          }
          if (r % options.allChangedEvery() == 0) {
            changeAll.run();
            all.add(timed(source, n));
          }
        }
        // the snapshot really follows the changes: every cluster's etcd port is the last set
        ClusterSnapshot last = source.snapshot();
        for (GuestCluster cluster : last.clusters()) {
          int i = Integer.parseInt(cluster.id().value().substring(1), 36);
          int expected = etcdPorts[i];
          if (cluster.etcd().map(e -> e.getPort() != expected).orElse(true)) {
            throw new IllegalStateException("snapshot does not show the last change of "
                + cluster.id().value() + ": " + cluster.etcd());
          }
        }
        long[] medians = {Stats.median(unchanged), Stats.median(one), Stats.median(all)};
        System.out.printf(Locale.ROOT, "services %d, rounds %d (all changed in %d of them), "
            + "warm-up %d%n", n, options.rounds(), all.size(), options.warmup());
        System.out.println("| case | snapshot() median | per Service | max | runs |");
        System.out.println("|---|---:|---:|---:|---:|");
        row("unchanged (all memoised)", unchanged, n);
        row("one Service changed", one, n);
        row("all Services changed (none memoised)", all, n);
        System.out.printf(Locale.ROOT, "ratio all changed / unchanged: %.1fx%n",
            (double) medians[2] / medians[0]);
        System.out.println("end: " + Stats.machine());
        return medians;
      } finally {
        source.close();
      }
    }
  }

  private static void row(String what, List<Long> nanos, int n) {
    long median = Stats.median(nanos);
    System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %d |%n", what, Stats.micros(median),
        Stats.micros(median / n), Stats.micros(Stats.max(nanos)), nanos.size());
  }

  private static long timed(ServiceClusterSource source, int n) {
    long start = System.nanoTime();
    ClusterSnapshot snapshot = source.snapshot();
    long nanos = System.nanoTime() - start;
    if (snapshot.clusters().size() != n) {
      throw new IllegalStateException("snapshot has " + snapshot.clusters().size()
          + " clusters, expected " + n);
    }
    return nanos;
  }

  /** Cluster {@code i}'s ID: {@code s} and {@code i} in base 36, four digits. */
  static String id(int i) {
    String digits = Integer.toString(i, 36);
    return "s" + "0".repeat(Math.max(0, 4 - digits.length())) + digits;
  }

  /**
   * Guest cluster {@code i}'s Service as the providers label it: {@code master} in the namespace
   * named after the cluster, with an etcd annotation on port {@code etcdPort} (changing the port
   * changes what the Service means, so the source maps it again and tells its listeners).
   */
  static V1Service service(int i, int etcdPort) {
    String id = id(i);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "master");
    labels.put("giantswarm.io/cluster", id);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(DiscoverySettings.DEFAULT_ID_ANNOTATION, id);
    annotations.put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "etcd." + id + ".example.com:" + etcdPort);
    return new V1Service()
        .metadata(new V1ObjectMeta().namespace(id).name("master").labels(labels)
            .annotations(annotations))
        .spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().name("https").port(443))));
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("timed out after " + WAIT.toSeconds()
            + " s waiting for " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }
}
