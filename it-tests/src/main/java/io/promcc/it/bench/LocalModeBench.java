package io.promcc.it.bench;

import static io.promcc.it.bench.BenchMachine.loadAverage;
import static io.promcc.it.bench.BenchMachine.prometheusVersion;

import io.promcc.it.ClustersFile;
import io.promcc.it.ControllerProcess;
import io.promcc.it.Exposition;
import io.promcc.it.GuestApi;
import io.promcc.it.LocalModeStack;
import io.promcc.it.Ports;
import io.promcc.it.ProfileJobs;
import io.promcc.it.Wait;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Local mode measured end to end, as issue 10's "Measure" asks (results for
 * {@code docs/benchmarks.md}); behind {@code scripts/bench-run.sh}. Each measure runs the real
 * controller ({@code promcc.jar run} as its own process) and the real Prometheus:
 *
 * <ol>
 *   <li><b>start</b>: JVM start to the first verified reconcile, with 3 guest clusters new to
 *       it (Prometheus already running): from just before the process starts to its
 *       {@code /metrics} showing {@code promcc_config_in_sync 1} after a successful reload,
 *       polled every 20 ms; repeated {@code --startup-runs} times;
 *   <li><b>change</b>: with {@code --clusters} clusters loaded, a cluster added to the clusters
 *       file (replacing the one added before) until {@code /api/v1/status/config} holds its jobs
 *       ({@link LoadedConfig}: Prometheus' log polled every {@code --poll}, the config asked
 *       once per load), and to the end of that load as Prometheus logged it; {@code --changes}
 *       times; median and p99, beside Prometheus' own reload time of each change (its log's
 *       {@code totalDuration}) and the differences;
 *       the next change starts once the controller finished the apply ({@link Applied});
 *   <li><b>idle</b>: reloads (the controller's {@code promcc_reloads_total}, the files it wrote,
 *       and Prometheus' own log of loaded configs) over {@code --idle}: must be 0;
 *   <li><b>burst</b>: {@code --burst} changes of the clusters file within {@code --burst-within}
 *       (each adds a cluster), then {@code --settle} for a late reload: at most 2 reloads, and
 *       every added cluster loaded.
 * </ol>
 *
 * The guest clusters of change, idle and burst all point at one seeded guest API
 * ({@code --guests shared}), or at a loopback port nothing listens on ({@code refused}: no
 * discovery load at all). Writes {@code results.md} into {@code --work}. Exit code 0, or 3 if
 * a must of idle or burst does not hold.
 */
public final class LocalModeBench {
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration METRICS_POLL = Duration.ofMillis(20);

  private final LocalModeBenchOptions options;
  private final List<LocalModeStack> open = new CopyOnWriteArrayList<>();
  private final StringBuilder report = new StringBuilder();

  private LocalModeBench(LocalModeBenchOptions options) {
    this.options = options;
  }

  /** Entry point; see the class comment and {@code scripts/bench-run.sh}. */
  public static void main(String[] arguments) throws Exception {
    LocalModeBenchOptions options;
    try {
      options = LocalModeBenchOptions.parse(arguments);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage().replace("\n", "\nbench: "));
      System.exit(2);
      return;
    }
    LocalModeBench bench = new LocalModeBench(options);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::closeAll, "bench-stop"));
    boolean held = bench.run();
    System.exit(held ? 0 : 3);
  }

  private boolean run() throws IOException {
    Files.createDirectories(options.work());
    try (var entries = Files.list(options.work())) {
      if (entries.findAny().isPresent()) {
        throw new IOException("work folder " + options.work() + " is not empty");
      }
    }
    line("# Local mode benchmark, " + Instant.now());
    line("");
    line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, load average "
        + loadAverage() + " at the start; Java " + System.getProperty("java.version")
        + "; Prometheus " + prometheusVersion(options.prometheus()) + ". Options: " + options
        + ".");
    line("");
    line("| measure | size | result | must |");
    line("|---|---|---|---|");
    start();
    boolean held;
    Fleet fleet = fleet();
    try (LocalModeStack stack = fleet.stack()) {
      change(fleet);
      held = idle(fleet);
      held &= burst(fleet);
    }
    line("");
    line("Load average at the end: " + loadAverage() + ".");
    Files.writeString(options.work().resolve("results.md"), report, StandardCharsets.UTF_8);
    System.out.println("bench: results in " + options.work().resolve("results.md"));
    return held;
  }

  /** JVM start to the first verified reconcile, with Prometheus already running. */
  private void start() throws IOException {
    LocalModeStack stack = stack("start");
    List<GuestApi> apis = new ArrayList<>();
    for (int i = 0; i < options.startupClusters(); i++) {
      apis.add(stack.startGuest());
    }
    // Prometheus needs a config the controller wrote before it can run at all
    stack.startController();
    stack.startPrometheus();
    awaitInSync(stack.controller());
    stack.controller().stop();
    List<Duration> firstReconcile = new ArrayList<>();
    List<Duration> firstMetrics = new ArrayList<>();
    for (int run = 1; run <= options.startupRuns(); run++) {
      List<ClustersFile.Entry> entries = new ArrayList<>();
      for (int i = 0; i < apis.size(); i++) {
        GuestApi api = apis.get(i);
        entries.add(api.entry(api.cluster("start" + run + "-" + i, "aws", Map.of(), false)));
      }
      stack.clustersFile().write(entries);
      ControllerProcess controller = stack.startController();
      long[] metricsAt = {-1};
      Wait.until(STEP_TIMEOUT, METRICS_POLL, "a verified reconcile", () -> {
        String page = controller.metrics();
        if (metricsAt[0] < 0) {
          metricsAt[0] = System.nanoTime();
        }
        return Exposition.value(page, "promcc_config_in_sync").orElse(0) == 1
            && Exposition.value(page, "promcc_reloads_total{result=\"success\"}").orElse(0) >= 1;
      }, () -> controller.log().tail(30));
      firstReconcile.add(Duration.ofNanos(System.nanoTime() - controller.startedNanos()));
      firstMetrics.add(Duration.ofNanos(metricsAt[0] - controller.startedNanos()));
      controller.stop();
      progress("start run " + run + ": " + Stats.seconds(last(firstReconcile)));
    }
    line("| JVM start to first verified reconcile (process start to /metrics answering: "
        + Stats.of(firstMetrics).median().toMillis() + " ms median) | " + apis.size()
        + " clusters, " + firstReconcile.size() + " runs | " + Stats.of(firstReconcile)
        + " | |");
    stack.close();
    open.remove(stack);
  }

  /**
   * The base fleet of change, idle and burst: its stack, its clusters, and where new clusters
   * point (the shared guest API, or else a refused address).
   */
  private record Fleet(LocalModeStack stack, List<ClustersFile.Entry> base,
      Optional<GuestApi> shared, String refused) {
    ClustersFile.Entry entry(String id) {
      return shared.map(api -> api.entry(api.cluster(id, "aws", Map.of(), false)))
          .orElseGet(() -> new ClustersFile.Entry(id, "aws", refused, Map.of(),
              Optional.empty()));
    }

    int size() {
      return base.size();
    }
  }

  /** A stack in the work folder's {@code folder}, Prometheus scraping every 30 s. */
  private LocalModeStack stack(String folder) {
    LocalModeStack.Builder builder = LocalModeStack.builder(options.work().resolve(folder),
        options.appJar(), options.prometheus()).scrapeInterval(Duration.ofSeconds(30));
    options.prometheusFlag().ifPresent(builder::prometheusFlag);
    return track(builder.create());
  }

  /** Starts the base fleet, loaded and verified. */
  private Fleet fleet() {
    LocalModeStack stack = stack("fleet");
    Optional<GuestApi> shared = options.guests().equals("shared")
        ? Optional.of(stack.startGuest()) : Optional.empty();
    // nothing listens there: discovery fails at once and costs nothing
    String refused = "https://127.0.0.1:" + Ports.free();
    List<ClustersFile.Entry> base = new ArrayList<>();
    Fleet fleet = new Fleet(stack, base, shared, refused);
    for (int i = 0; i < options.clusters(); i++) {
      base.add(fleet.entry(String.format("c%03d", i)));
    }
    stack.clustersFile().write(base);
    stack.startController();
    stack.startPrometheus();
    awaitLoaded(stack, base.get(base.size() - 1).id());
    awaitInSync(stack.controller());
    progress(base.size() + " clusters loaded");
    return fleet;
  }

  /** Clusters-file change to the new cluster's jobs in Prometheus' loaded config. */
  private void change(Fleet fleet) throws IOException {
    LocalModeStack stack = fleet.stack();
    List<Duration> latencies = new ArrayList<>();
    List<Duration> logged = new ArrayList<>();
    List<Duration> reloadTimes = new ArrayList<>();
    int multiLoad = 0;
    for (int i = 0; i < options.changes(); i++) {
      String id = String.format("n%03d", i);
      List<ClustersFile.Entry> entries = new ArrayList<>(fleet.base());
      entries.add(fleet.entry(id));
      Applied before = Applied.mark(stack.controller(), stack.prometheus());
      int loadsBefore = ReloadTimes.of(stack.prometheus().log()).size();
      String job = "job_name: " + ProfileJobs.prefixOf(id);
      String previous = i == 0 ? "" : "job_name: " + ProfileJobs.prefixOf(
          String.format("n%03d", i - 1));
      long written = System.nanoTime();
      Instant writtenAt = Instant.now();
      stack.clustersFile().write(entries);
      LoadedConfig.await(stack.prometheus(), before.prometheusLoads(), job, STEP_TIMEOUT,
          options.poll(), () -> stack.controller().log().tail(20));
      latencies.add(Duration.ofNanos(System.nanoTime() - written));
      // the next change starts once the controller finished this apply (every reconcile that
      // reloaded returned), not at its first reload
      long loads = before.await(stack.controller(), stack.prometheus(), STEP_TIMEOUT,
          () -> previous.isEmpty() || !stack.prometheus().loadedConfig().contains(previous));
      multiLoad += loads > 1 ? 1 : 0;
      ReloadTimes.Load load = ReloadTimes.lastAfter(stack.prometheus().log(), loadsBefore)
          .orElseThrow(() -> new IllegalStateException("no reload time logged for " + id));
      reloadTimes.add(load.took());
      logged.add(Duration.between(writtenAt, load.end()));
      progress("change " + (i + 1) + ": " + Stats.seconds(last(latencies)) + " (Prometheus' "
          + "reload " + Stats.seconds(last(reloadTimes)) + ")");
    }
    ChangeReport.lines(latencies, logged, reloadTimes, multiLoad, "clusters-file change to the "
        + "new cluster's jobs loaded (seen by the harness: Prometheus' log polled every "
        + options.poll().toMillis() + " ms, then its status/config once per load)",
        (fleet.size() + 1) + " clusters, " + latencies.size() + " changes").forEach(this::line);
  }

  /** Reloads and writes while nothing changes: must be none. */
  private boolean idle(Fleet fleet) throws IOException {
    LocalModeStack stack = fleet.stack();
    Counters before = Counters.of(stack);
    long end = System.nanoTime() + options.idle().toNanos();
    while (System.nanoTime() - end < 0) {
      if (!stack.controller().isAlive() || !stack.prometheus().isAlive()) {
        throw new IllegalStateException("a process ended while idle: " + stack.controller()
            + ", " + stack.prometheus());
      }
      LockSupport.parkNanos(Math.min(Duration.ofSeconds(5).toNanos(), end - System.nanoTime()));
    }
    Counters after = Counters.of(stack);
    Counters delta = after.minus(before);
    boolean held = delta.promccReloads() == 0 && delta.prometheusLoads() == 0
        && delta.filesWritten() == 0;
    line("| reloads while idle | " + (fleet.size() + 1) + " clusters, "
        + options.idle().toSeconds() + " s | " + delta + " | 0: " + (held ? "held" : "NOT HELD")
        + " |");
    progress("idle: " + delta);
    return held;
  }

  /** A burst of changes: at most 2 reloads, every cluster of it loaded. */
  private boolean burst(Fleet fleet) throws IOException {
    LocalModeStack stack = fleet.stack();
    Counters before = Counters.of(stack);
    List<ClustersFile.Entry> entries = new ArrayList<>(fleet.base());
    long spacing = options.burstWithin().toNanos() / options.burst();
    long first = System.nanoTime();
    String lastId = "";
    for (int i = 0; i < options.burst(); i++) {
      lastId = String.format("b%03d", i);
      entries.add(fleet.entry(lastId));
      stack.clustersFile().write(entries);
      long next = first + (i + 1) * spacing;
      LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
    }
    Duration writing = Duration.ofNanos(System.nanoTime() - first);
    awaitLoaded(stack, lastId);
    Duration loaded = Duration.ofNanos(System.nanoTime() - first);
    long end = System.nanoTime() + options.settle().toNanos();
    while (System.nanoTime() - end < 0) {
      LockSupport.parkNanos(end - System.nanoTime());
    }
    Counters delta = Counters.of(stack).minus(before);
    long burstLoaded = countClusters(stack.prometheus().loadedConfig(), "b");
    boolean held = delta.promccReloads() <= 2 && delta.prometheusLoads() <= 2
        && burstLoaded == options.burst();
    line("| reloads for a burst of changes | " + options.burst() + " changes written in "
        + Stats.seconds(writing) + " over " + fleet.size() + " clusters | " + delta + "; "
        + burstLoaded + " added clusters loaded " + Stats.seconds(loaded) + " after the first "
        + "write | <= 2: " + (held ? "held" : "NOT HELD") + " |");
    progress("burst: " + delta);
    return held;
  }

  private void awaitLoaded(LocalModeStack stack, String id) {
    String job = "job_name: " + ProfileJobs.prefixOf(id);
    Wait.until(STEP_TIMEOUT, Duration.ofMillis(500), id + "'s jobs loaded",
        () -> stack.prometheus().loadedConfig().contains(job),
        () -> stack.controller().log().tail(20));
  }

  private static void awaitInSync(ControllerProcess controller) {
    Wait.until(STEP_TIMEOUT, METRICS_POLL, "promcc_config_in_sync 1", controller::inSync,
        () -> controller.log().tail(20));
  }

  /** Distinct clusters whose ID starts with {@code prefix} among the loaded jobs. */
  static long countClusters(String loadedConfig, String prefix) {
    Matcher m = Pattern.compile("job_name: " + Pattern.quote(ProfileJobs.PREFIX + "-" + prefix)
        + "(\\d+)-").matcher(loadedConfig);
    Set<String> ids = new TreeSet<>();
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids.size();
  }

  private LocalModeStack track(LocalModeStack stack) {
    open.add(stack);
    return stack;
  }

  private void closeAll() {
    for (LocalModeStack stack : open) {
      try {
        stack.close();
      } catch (RuntimeException e) {
        System.err.println("bench: " + e.getMessage());
      }
    }
    open.clear();
  }

  private void line(String text) {
    report.append(text).append('\n');
    System.out.println(text);
  }

  private static void progress(String text) {
    System.err.println("bench: " + text);
  }

  private static Duration last(List<Duration> values) {
    return values.get(values.size() - 1);
  }
}
