package io.promcc.it.demo;

import io.promcc.core.model.GuestCluster;
import io.promcc.it.Args;
import io.promcc.it.ClustersFile;
import io.promcc.it.GuestApi;
import io.promcc.it.LocalModeStack;
import io.promcc.it.PrometheusApi;
import io.promcc.it.PrometheusServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code scripts/demo.sh}'s launcher: local mode on this machine. Starts simulated guest
 * clusters (the Kubernetes API fake, HTTPS requiring a client certificate from the local CA,
 * which also signed their serving certificates), writes a clusters file naming them,
 * {@code promcc run} in local mode over it, and Prometheus 2.53.3 reading what the controller
 * writes; prints where to look, then reports the clusters' targets as they come up and whenever
 * they change. One more guest cluster runs but is not in the file: uncommenting its line adds
 * it.
 *
 * <p>Stops everything it started on SIGTERM or SIGINT, and when the process that started it
 * (the script) is gone. Usage: {@code Demo --dir DIR --app-jar JAR --prometheus BIN
 * [--clusters N] [--prometheus-port P] [--metrics-port P]}; ports 0 mean any free port.
 */
public final class Demo {
  /** Marks a folder as the demo's, so that a rerun may empty it. */
  static final String MARKER = ".promcc-demo";
  /** How long the guest clusters may take to come up before the demo says so. */
  static final Duration UP_WITHIN = Duration.ofMinutes(3);

  private static final List<String> IDS = List.of("demo-a", "demo-b", "demo-c", "demo-d",
      "demo-e", "demo-f");
  private static final List<String> PROVIDERS = List.of("aws", "azure", "kvm");
  private static final List<String> CUSTOMERS = List.of("acme", "initech", "globex");

  private final PrintStream out;
  private volatile boolean stopping;

  private Demo(PrintStream out) {
    this.out = out;
  }

  /** Entry point; see the class comment. */
  public static void main(String[] args) {
    // the launcher's own log lines (the local CA it makes for the simulated guests) as its other
    // lines, not in the JDK's format over two lines in the machine's time zone and language;
    // read by the JDK's formatter when it is first used, so before anything logs
    System.setProperty("java.util.logging.SimpleFormatter.format", "demo: %5$s%6$s%n");
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      System.err.println("usage: Demo --dir DIR --app-jar JAR --prometheus BIN [--clusters N] "
          + "[--prometheus-port P] [--metrics-port P]");
      System.exit(2);
      return;
    }
    try {
      new Demo(System.out).run(options);
    } catch (RuntimeException | IOException e) {
      System.err.println("demo: " + e.getMessage());
      System.exit(1);
    }
  }

  private void run(Options options) throws IOException {
    long started = System.nanoTime();
    prepare(options.dir());
    LocalModeStack stack = LocalModeStack.builder(options.dir(), options.appJar(),
            options.prometheus())
        .scrapeInterval(Duration.ofSeconds(5))
        .prometheusPort(options.prometheusPort())
        .statusPort(options.metricsPort())
        .scrapeController(true)
        .create();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping = true;
      out.println("demo: stopping promcc, Prometheus and the guest clusters ...");
      try {
        stack.close();
        out.println("demo: stopped");
      } catch (RuntimeException e) {
        out.println("demo: stopped, but " + e.getMessage());
      }
      out.flush();
      stopped.countDown();
    }, "demo-stop"));
    watchParent();

    Map<String, GuestCluster> clusters = new LinkedHashMap<>();
    Map<String, GuestApi> apis = new LinkedHashMap<>();
    List<ClustersFile.Entry> entries = new ArrayList<>();
    for (int i = 0; i <= options.clusters(); i++) {
      GuestApi api = stack.startGuest();
      String id = IDS.get(i);
      GuestCluster cluster = api.cluster(id, PROVIDERS.get(i % PROVIDERS.size()),
          Map.of("customer", CUSTOMERS.get(i % CUSTOMERS.size())), i == 0);
      clusters.put(id, cluster);
      apis.put(id, api);
      entries.add(api.entry(cluster));
    }
    ClustersFile.Entry spare = entries.remove(entries.size() - 1);
    stack.clustersFile().write(entries, "# Guest cluster " + spare.id() + " runs too; uncomment "
        + "the next line to add it, delete an entry to remove a cluster ([] for none):\n# "
        + spare.line() + "\n");
    stack.start();

    Path root = Path.of("").toAbsolutePath();
    String firstId = entries.get(0).id();
    String query = "up{cluster_id=\"" + firstId + "\"}";
    String prometheus = stack.prometheus().url().toString();
    out.println();
    out.println("promcc demo: local mode with " + entries.size() + " simulated guest clusters "
        + "(Ctrl-C stops everything)");
    out.println("  Prometheus:     " + prometheus);
    out.println("  targets:        " + prometheus + "/targets");
    out.println("  promcc metrics: " + stack.controller().statusUrl() + "/metrics   (also "
        + "/healthz and /readyz)");
    out.println("  clusters file:  " + relative(root, stack.clustersFile().path()));
    out.println("  try the query:  " + query);
    out.println("                  " + prometheus + "/graph?g0.tab=1&g0.expr="
        + URLEncoder.encode(query, StandardCharsets.UTF_8));
    out.println("  add a cluster:  uncomment the last line of the clusters file (" + spare.id()
        + "); delete an entry to remove one. Jobs follow within seconds.");
    out.println("  logs:           " + relative(root, stack.controller().log().path()) + ", "
        + relative(root, stack.prometheus().log().path()));
    out.println();
    out.flush();

    monitor(stack, clusters, apis, entries, started, stopped);
  }

  /**
   * Prints the guest clusters' targets once all of the file's clusters are up, and again
   * whenever they change, until the demo stops.
   */
  private void monitor(LocalModeStack stack, Map<String, GuestCluster> clusters,
      Map<String, GuestApi> apis, List<ClustersFile.Entry> initial, long started,
      CountDownLatch stopped) {
    long deadline = started + UP_WITHIN.toNanos();
    boolean allUp = false;
    boolean warned = false;
    String last = "";
    while (!stopping) {
      try {
        Map<String, int[]> counts = upCounts(stack.prometheus());
        if (!allUp) {
          allUp = initial.stream().allMatch(e -> {
            int[] c = counts.get(e.id());
            int expected = apis.get(e.id()).expectedUp(clusters.get(e.id())).size();
            return c != null && c[0] == expected && c[1] == expected;
          });
          if (allUp) {
            out.printf("demo: all %d guest clusters are up after %d s: %s%n", initial.size(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), summary(counts));
            last = summary(counts);
          } else if (!warned && System.nanoTime() - deadline > 0) {
            warned = true;
            out.println("demo: not every target is up after " + UP_WITHIN.toMinutes()
                + " minutes: " + summary(counts) + "; see the logs above");
          }
        } else if (!summary(counts).equals(last)) {
          last = summary(counts);
          out.println("demo: targets up: " + last);
        }
        out.flush();
      } catch (IOException | RuntimeException e) {
        if (!stopping) {
          out.println("demo: cannot ask Prometheus (" + e.getMessage() + "); retrying");
        }
      }
      try {
        if (stopped.await(2, TimeUnit.SECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Per cluster ID: active targets whose last scrape succeeded, active targets in all. From the
   * targets, not from {@code up}: Prometheus writes no staleness markers for the targets of a
   * job that a reload removed, so their {@code up} series stay in queries for five minutes.
   */
  private static Map<String, int[]> upCounts(PrometheusServer prometheus) throws IOException {
    Map<String, int[]> counts = new TreeMap<>();
    for (PrometheusApi.Target target : prometheus.activeTargets()) {
      String id = target.labels().get("cluster_id");
      if (id == null || !"guest".equals(target.labels().get("cluster_type"))) {
        continue;
      }
      int[] count = counts.computeIfAbsent(id, any -> new int[2]);
      count[1]++;
      if (target.health().equals("up")) {
        count[0]++;
      }
    }
    return counts;
  }

  private static String summary(Map<String, int[]> counts) {
    if (counts.isEmpty()) {
      return "no guest cluster";
    }
    List<String> parts = new ArrayList<>();
    counts.forEach((id, c) -> parts.add(id + " " + c[0] + "/" + c[1]));
    return String.join(", ", parts);
  }

  /**
   * Ends this JVM (and so, through the shutdown hook, everything it started) when the process
   * that started it is gone: a script killed with SIGKILL cannot clean up after itself.
   */
  private void watchParent() {
    ProcessHandle.current().parent().ifPresent(parent -> {
      Thread watcher = new Thread(() -> {
        try {
          parent.onExit().get();
        } catch (InterruptedException e) {
          return;
        } catch (java.util.concurrent.ExecutionException e) {
          // cannot watch it: the script's own cleanup has to do
          return;
        }
        if (!stopping) {
          out.println("demo: the process that started the demo is gone; stopping");
          System.exit(1);
        }
      }, "demo-parent-watch");
      watcher.setDaemon(true);
      watcher.start();
    });
  }

  /** Empties {@code dir} if it is the demo's (or makes it), refusing any other folder. */
  static void prepare(Path dir) throws IOException {
    if (Files.exists(dir)) {
      boolean empty;
      try (Stream<Path> entries = Files.list(dir)) {
        empty = entries.findAny().isEmpty();
      }
      if (!empty && !Files.exists(dir.resolve(MARKER))) {
        throw new IOException("folder " + dir + " is not empty and not the demo's (no " + MARKER
            + "); choose another with PROMCC_DEMO_DIR");
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
          if (!path.equals(dir)) {
            Files.delete(path);
          }
        }
      }
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(MARKER), "scripts/demo.sh empties this folder when it starts\n");
  }

  private static String relative(Path root, Path path) {
    return path.startsWith(root) ? root.relativize(path).toString() : path.toString();
  }

  /** The command line. */
  record Options(Path dir, Path appJar, Path prometheus, int clusters, int prometheusPort,
      int metricsPort) {
    static Options parse(String[] arguments) {
      Args args = Args.parse(arguments, Set.of("dir", "app-jar", "prometheus", "clusters",
          "prometheus-port", "metrics-port"));
      Options options = new Options(args.path("dir"), args.path("app-jar"),
          args.path("prometheus"), args.number("clusters", 2, 1, IDS.size() - 1),
          args.number("prometheus-port", 9090, 0, 65535),
          args.number("metrics-port", 9420, 0, 65535));
      args.check();
      return options;
    }
  }
}
