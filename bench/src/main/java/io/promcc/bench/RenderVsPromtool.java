package io.promcc.bench;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.OutputMode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Main-method harness: rendering a fleet ({@link Fleet}, 10,000 clusters by default) against
 * {@code promtool check config} on the result, every side measured in the same run, alternating.
 * The target is rendering in under a twentieth of promtool's time.
 *
 * <p>Sides, each timed wall and CPU (user + system of the whole process, GC included):
 * <ul>
 *   <li>{@code promtool}: {@code promtool check config} on the rendered files, as its own
 *       process (peak RSS too);
 *   <li>{@code promcc render}: {@code java -jar promcc.jar render --clusters --base-config
 *       --cert-dir --out} into an empty folder, as its own process: what a user waits for (JVM
 *       start, reading 3 certificate files per cluster, planning, validating, writing every file
 *       atomically). Skipped with {@code --promcc-jar none};
 *   <li>{@code plan+write}: the same reconcile in this warm JVM ({@code Reconciler} with the
 *       real {@code AtomicFileStore} and {@code LocalValidation}) into an empty folder: the
 *       controller's own cost of a full render, files included;
 *   <li>{@code plan}: {@code Planner.plan} in memory, nothing written (the earlier measure).
 * </ul>
 * Round {@code r} runs the sides in an order rotated by {@code r}, so each side runs in every
 * position (equally often when the rounds are a multiple of the sides); medians over the rounds
 * are reported with each side's ratio to promtool.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.promcc.bench.RenderVsPromtool \
 *     --promtool .tools/prometheus-2.53.3/bin/promtool [--promcc-jar app/target/promcc.jar|none]
 *     [--clusters 10000] [--mode merged] [--warmup 2] [--rounds 5] [--rss auto|time|poll]
 *     [--work DIR] [--keep]
 * </pre>
 *
 * <p>Exit status 0 when every run succeeded (whether or not the target is met), 1 when promtool
 * or promcc rejected the config or failed, 2 on bad arguments.
 */
public final class RenderVsPromtool {
  /** Issue target: rendering takes under a twentieth of promtool's check. */
  static final double TARGET_RATIO = 1.0 / 20;
  private static final Duration PROCESS_TIMEOUT = Duration.ofMinutes(10);

  /** The sides, in the order of round 0. */
  enum Side {
    PROMTOOL("promtool check config"),
    PROMCC_RENDER("promcc render (process)"),
    PLAN_AND_WRITE("plan+write (warm JVM)"),
    PLAN("plan (in memory)");

    final String label;

    Side(String label) {
      this.label = label;
    }
  }

  private RenderVsPromtool() {}

  /** Runs the comparison; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException, InterruptedException {
    RenderOptions options;
    try {
      options = RenderOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("render-vs-promtool: " + e.getMessage());
      System.err.println(RenderOptions.USAGE);
      System.exit(2);
      return;
    }
    System.exit(run(options));
  }

  /** The sides of round {@code round}: {@code sides} rotated left by {@code round}. */
  static List<Side> order(List<Side> sides, int round) {
    List<Side> order = new ArrayList<>();
    for (int i = 0; i < sides.size(); i++) {
      order.add(sides.get((i + round) % sides.size()));
    }
    return order;
  }

  static int run(RenderOptions options) throws IOException, InterruptedException {
    print("start", Stats.machine());
    // Fail fast, before minutes of planning, if promtool cannot run.
    String version;
    try {
      version = Promtool.version(options.promtool());
    } catch (IOException e) {
      System.err.println("render-vs-promtool: cannot run promtool " + options.promtool() + ": "
          + e.getMessage() + " (run scripts/prometheus-tools.sh or pass --promtool)");
      return 1;
    }
    print("promtool", version);
    if (options.promccJar().isPresent() && !Files.isRegularFile(options.promccJar().get())) {
      System.err.println("render-vs-promtool: no promcc jar at " + options.promccJar().get()
          + " (build it with mvn -pl app -am package -DskipTests, or pass --promcc-jar none)");
      return 1;
    }
    Fleet fleet = Fleet.of(options.clusters());
    OutputMode mode = options.mode();
    long coldStart = System.nanoTime();
    DesiredState state = fleet.plan(mode);
    long coldNanos = System.nanoTime() - coldStart;

    // a folder of its own, also inside a --work folder given, deleted at the end unless --keep
    Path work = options.work().isPresent()
        ? Files.createTempDirectory(Files.createDirectories(options.work().get()),
            "render-vs-promtool-")
        : Files.createTempDirectory("promcc-bench-");
    try {
      RenderSides sides = RenderSides.prepare(fleet, mode, state, work, options);
      Sizes sizes = Sizes.of(state);
      print("clusters", fleet.size());
      print("output mode", mode);
      print("jobs (all / owned)", sizes.jobs() + " / " + sizes.ownedJobs());
      print("config size", String.format(Locale.ROOT, "%.1f MB in %d file(s)",
          sizes.configBytes() / 1e6, sizes.configFiles()));
      print("all files", String.format(Locale.ROOT, "%.1f MB in %d files",
          sizes.allBytes() / 1e6, state.files().size()));
      print("first plan (cold JVM)", Stats.millis(coldNanos));

      // Warm-up of the in-JVM sides, as in the controller's steady state where the same plan is
      // made again and again; the processes start cold every time, as they do for a user.
      for (int i = 0; i < options.warmup(); i++) {
        sides.measure(Side.PLAN_AND_WRITE);
        sides.measure(Side.PLAN);
      }
      List<Side> all = new ArrayList<>(List.of(Side.values()));
      if (options.promccJar().isEmpty()) {
        all.remove(Side.PROMCC_RENDER);
      }
      Map<Side, List<RenderSides.Measured>> results = new EnumMap<>(Side.class);
      for (int round = 0; round < options.rounds(); round++) {
        for (Side side : order(all, round)) {
          RenderSides.Measured measured = sides.measure(side);
          results.computeIfAbsent(side, s -> new ArrayList<>()).add(measured);
          print("round " + (round + 1) + ", " + side.label, measured.describe());
        }
      }
      report(results);
      print("end", Stats.machine());
      return 0;
    } catch (RenderSides.SideFailedException e) {
      System.err.println("render-vs-promtool: " + e.getMessage());
      return 1;
    } finally {
      if (options.keep()) {
        print("files kept in", work);
      } else {
        RenderSides.deleteRecursively(work);
      }
    }
  }

  private static void report(Map<Side, List<RenderSides.Measured>> results) {
    long promtoolWall = Stats.median(walls(results.get(Side.PROMTOOL)));
    List<Long> promtoolCpus = cpus(results.get(Side.PROMTOOL));
    System.out.println();
    System.out.println("| side | wall (median) | CPU (median) | wall / promtool | CPU / promtool"
        + " | runs (wall ms) |");
    System.out.println("|---|---:|---:|---:|---:|---|");
    for (Map.Entry<Side, List<RenderSides.Measured>> entry : results.entrySet()) {
      List<Long> walls = walls(entry.getValue());
      List<Long> cpus = cpus(entry.getValue());
      long wall = Stats.median(walls);
      String cpu = cpus.isEmpty() ? "n/a" : Stats.millis(Stats.median(cpus));
      String cpuRatio = cpus.isEmpty() || promtoolCpus.isEmpty() ? "n/a"
          : Stats.ratio(Stats.median(cpus), Stats.median(promtoolCpus));
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", entry.getKey().label,
          Stats.millis(wall), cpu, Stats.ratio(wall, promtoolWall), cpuRatio,
          Stats.rawMillis(walls));
    }
    System.out.println();
    results.get(Side.PROMTOOL).stream().map(RenderSides.Measured::peakRssKib)
        .filter(rss -> rss > 0).max(Long::compare)
        .ifPresent(rss -> print("promtool peak RSS (max)", (rss / 1024) + " MiB"));
    if (results.containsKey(Side.PROMCC_RENDER)) {
      results.get(Side.PROMCC_RENDER).stream().map(RenderSides.Measured::peakRssKib)
          .filter(rss -> rss > 0).max(Long::compare)
          .ifPresent(rss -> print("promcc render peak RSS (max)", (rss / 1024) + " MiB"));
    }
    results.get(Side.PLAN).stream().mapToLong(RenderSides.Measured::allocatedBytes).max()
        .ifPresent(bytes -> print("plan allocated (max of a run)", (bytes >> 20) + " MiB"));
    for (Side side : List.of(Side.PLAN, Side.PLAN_AND_WRITE, Side.PROMCC_RENDER)) {
      if (results.containsKey(side)) {
        double ratio = (double) Stats.median(walls(results.get(side))) / promtoolWall;
        print("target, " + side.label + " (wall ratio < 1/20)",
            ratio < TARGET_RATIO ? "MET" : "NOT MET");
      }
    }
  }

  private static List<Long> walls(List<RenderSides.Measured> runs) {
    return runs.stream().map(RenderSides.Measured::wallNanos).toList();
  }

  private static List<Long> cpus(List<RenderSides.Measured> runs) {
    return runs.stream().map(RenderSides.Measured::cpuNanos).filter(cpu -> cpu >= 0).toList();
  }

  /** Job and byte counts of a planned state. */
  record Sizes(int jobs, int ownedJobs, long configBytes, int configFiles, long allBytes) {
    // a job starts at column 0 ("- job_name: x"), or one line down when the YAML dumper puts a
    // comment or blank line of the base config between "- " and the first key
    private static final Pattern JOB_NAME = Pattern.compile("(?m)^(?:- |  )job_name: (\\S+)$");

    static Sizes of(DesiredState state) {
      int jobs = 0;
      int owned = 0;
      long configBytes = 0;
      int configFiles = 0;
      long allBytes = 0;
      String ownedPrefix = Fleet.settings(OutputMode.MERGED).jobPrefix() + "-";
      for (DesiredFile file : state.files().values()) {
        allBytes += file.size();
        if (file.kind().isConfig()) {
          configFiles++;
          configBytes += file.size();
          Matcher matcher = JOB_NAME.matcher(file.text());
          while (matcher.find()) {
            jobs++;
            if (matcher.group(1).startsWith(ownedPrefix)) {
              owned++;
            }
          }
        }
      }
      return new Sizes(jobs, owned, configBytes, configFiles, allBytes);
    }
  }

  static void print(String what, Object value) {
    System.out.printf(Locale.ROOT, "%-45s %s%n", what + ":", value);
  }

  /** Allocation of this thread so far, for the in-memory side. */
  static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  /** CPU time of this whole process so far (all threads, GC included). */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static Duration processTimeout() {
    return PROCESS_TIMEOUT;
  }
}
