package io.promcc.bench;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.OutputMode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Main-method harness: plans and renders a fleet ({@link Fleet}, 10,000 clusters by default),
 * writes the result (config and certificate files) to a temporary folder, times
 * {@code promtool check config} on it and measures promtool's peak resident set size, then times
 * the same plan and render in this (warm) JVM and prints the ratio of the medians,
 * render time / promtool time. The target is a ratio below 0.05.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.promcc.bench.RenderVsPromtool \
 *     --promtool .tools/prometheus-2.53.3/bin/promtool [--clusters 10000] [--mode merged]
 *     [--render-warmup 3] [--render-runs 7] [--promtool-runs 3] [--rss auto|time|poll] [--keep]
 * </pre>
 *
 * <p>The promtool path may also come from the system property {@code promcc.promtool}; without
 * either, {@code .tools/prometheus-2.53.3/bin/promtool} is looked up from the working directory
 * upwards, then {@code promtool} on the {@code PATH}. Peak RSS comes from GNU
 * {@code /usr/bin/time} when it is installed ({@code --rss auto} or {@code time}), otherwise from
 * polling {@code VmHWM} in {@code /proc/<pid>/status} while promtool runs ({@code --rss poll}).
 *
 * <p>Exit status 0 when every promtool run succeeded (whether or not the target is met), 1 when
 * promtool rejected the config or failed, 2 on bad arguments.
 */
public final class RenderVsPromtool {
  /** Issue target: rendering takes under a twentieth of promtool's check. */
  static final double TARGET_RATIO = 1.0 / 20;

  // A job starts at column 0 ("- job_name: x"), or one line down when the YAML dumper puts a
  // comment or blank line of the base config between "- " and the first key.
  private static final Pattern JOB_NAME = Pattern.compile("(?m)^(?:- |  )job_name: (\\S+)$");
  private static final Pattern VM_HWM = Pattern.compile("(?m)^VmHWM:\\s+(\\d+) kB$");
  private static final Pattern GNU_TIME_REPORT =
      Pattern.compile("(\\d+) (\\d+\\.\\d+) (\\d+\\.\\d+)");
  private static final Path GNU_TIME = Path.of("/usr/bin/time");
  private static final long PROMTOOL_TIMEOUT_SECONDS = 600;

  private RenderVsPromtool() {}

  /** Runs the comparison; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException, InterruptedException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("render-vs-promtool: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    System.exit(run(options));
  }

  static int run(Options options) throws IOException, InterruptedException {
    // Fail fast, before minutes of planning, if promtool cannot run.
    String version;
    try {
      version = promtoolVersion(options.promtool());
    } catch (IOException e) {
      System.err.println("render-vs-promtool: cannot run promtool " + options.promtool() + ": "
          + e.getMessage() + " (run scripts/prometheus-tools.sh or pass --promtool)");
      return 1;
    }
    print("promtool", version);
    Fleet fleet = Fleet.of(options.clusters());
    OutputMode mode = options.mode();
    long coldStart = System.nanoTime();
    DesiredState state = fleet.plan(mode);
    long coldNanos = System.nanoTime() - coldStart;

    Path dir = Files.createTempDirectory("promcc-bench-");
    try {
      write(state, dir);
      Sizes sizes = Sizes.of(state);
      print("clusters", fleet.size());
      print("output mode", mode);
      print("jobs (all / owned)", sizes.jobs() + " / " + sizes.ownedJobs());
      print("config size", String.format(Locale.ROOT, "%.1f MB in %d file(s)",
          sizes.configBytes() / 1e6, sizes.configFiles()));
      print("all files", String.format(Locale.ROOT, "%.1f MB in %d files",
          sizes.allBytes() / 1e6, state.files().size()));
      print("first plan+render (cold JVM)", millis(coldNanos));

      // promtool runs while this JVM is idle; the render timings follow after warm-up runs,
      // as in the controller's steady state where the same plan is made again and again.
      List<Long> promtoolNanos = new ArrayList<>();
      List<Long> promtoolRss = new ArrayList<>();
      List<Long> promtoolCpu = new ArrayList<>();
      String measuredBy = "";
      for (int i = 0; i < options.promtoolRuns(); i++) {
        PromtoolRun run = checkConfig(options.promtool(), dir.resolve(state.configPath()),
            options.rssMethod());
        if (run.exitCode() != 0 || !run.output().contains("SUCCESS")) {
          System.err.println("promtool check config failed (exit " + run.exitCode() + "):");
          System.err.println(run.output());
          return 1;
        }
        promtoolNanos.add(run.nanos());
        run.peakRssKib().ifPresent(promtoolRss::add);
        run.cpuNanos().ifPresent(promtoolCpu::add);
        measuredBy = run.measuredBy();
        print("promtool run " + (i + 1), millis(run.nanos()) + " wall, "
            + (run.cpuNanos().isPresent() ? millis(run.cpuNanos().getAsLong()) : "n/a")
            + " cpu, peak RSS "
            + (run.peakRssKib().isPresent() ? mib(run.peakRssKib().getAsLong()) : "n/a"));
      }

      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      for (int i = 0; i < options.renderWarmup(); i++) {
        consume(fleet.plan(mode));
      }
      List<Long> renderNanos = new ArrayList<>();
      List<Long> renderCpu = new ArrayList<>();
      long allocated = 0;
      for (int i = 0; i < options.renderRuns(); i++) {
        long bytesBefore = threads.getCurrentThreadAllocatedBytes();
        long cpuBefore = os.getProcessCpuTime(); // all threads: GC work counts too
        long start = System.nanoTime();
        DesiredState again = fleet.plan(mode);
        renderNanos.add(System.nanoTime() - start);
        renderCpu.add(os.getProcessCpuTime() - cpuBefore);
        allocated = threads.getCurrentThreadAllocatedBytes() - bytesBefore;
        if (!again.hash().equals(state.hash())) {
          throw new IllegalStateException("plan is not deterministic: hash changed between runs");
        }
      }
      long render = median(renderNanos);
      long promtool = median(promtoolNanos);
      double ratio = (double) render / promtool;
      print("plan+render wall (warm, median of " + renderNanos.size() + ")", millis(render)
          + "  " + renderNanos.stream().map(RenderVsPromtool::millis).toList());
      print("plan+render cpu, whole JVM (median)", millis(median(renderCpu)));
      print("plan+render allocated (last run)", mib(allocated / 1024));
      print("promtool wall (median of " + promtoolNanos.size() + ")", millis(promtool));
      print("promtool cpu (median)", promtoolCpu.isEmpty() ? "n/a" : millis(median(promtoolCpu)));
      print("promtool peak RSS (max, via " + measuredBy + ")",
          promtoolRss.isEmpty() ? "n/a" : mib(promtoolRss.stream().mapToLong(Long::longValue)
              .max().orElseThrow()));
      print("ratio render/promtool, wall", ratioText(ratio));
      if (!promtoolCpu.isEmpty()) {
        print("ratio render/promtool, cpu", ratioText(
            (double) median(renderCpu) / median(promtoolCpu)));
      }
      print("target (wall ratio < 1/20 = 0.05)", ratio < TARGET_RATIO ? "MET" : "NOT MET");
      return 0;
    } finally {
      if (options.keep()) {
        print("output kept in", dir);
      } else {
        deleteRecursively(dir);
      }
    }
  }

  /** Writes every file of {@code state} below {@code root} with its mode. */
  static void write(DesiredState state, Path root) throws IOException {
    for (Map.Entry<String, DesiredFile> entry : state.files().entrySet()) {
      Path file = root.resolve(entry.getKey());
      Files.createDirectories(file.getParent());
      Set<PosixFilePermission> permissions = permissions(entry.getValue().mode());
      // created with its mode (less the umask), so a key is never readable by others, not even
      // between creation and chmod
      Files.createFile(file, PosixFilePermissions.asFileAttribute(permissions));
      Files.write(file, entry.getValue().content());
      Files.setPosixFilePermissions(file, permissions);
    }
  }

  /** The POSIX permissions of an octal mode such as {@code 0600}. */
  static Set<PosixFilePermission> permissions(int mode) {
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (0400 >> i)) != 0) {
        result.add(bits[i]);
      }
    }
    return result;
  }

  /** One {@code promtool check config} run. */
  record PromtoolRun(int exitCode, String output, long nanos, OptionalLong peakRssKib,
      OptionalLong cpuNanos, String measuredBy) {}

  static PromtoolRun checkConfig(Path promtool, Path config, String rssMethod)
      throws IOException, InterruptedException {
    boolean useTime = rssMethod.equals("time")
        || (rssMethod.equals("auto") && Files.isExecutable(GNU_TIME));
    Path timeReport = useTime ? Files.createTempFile("promcc-bench-time-", ".txt") : null;
    try {
      List<String> command = new ArrayList<>();
      if (useTime) {
        command.addAll(List.of(GNU_TIME.toString(), "-f", "%M %U %S", "-o",
            timeReport.toString()));
      }
      command.addAll(List.of(promtool.toString(), "check", "config", config.toString()));
      Path log = Files.createTempFile("promcc-bench-promtool-", ".log");
      try {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        long deadline = start + TimeUnit.SECONDS.toNanos(PROMTOOL_TIMEOUT_SECONDS);
        long peak = -1;
        long cpu = -1;
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        // Poll VmHWM (the kernel's own high-water mark) and the CPU time until exit; the last
        // readings before exit miss at most promtool's final few milliseconds.
        while (!process.waitFor(useTime ? 100 : 5, TimeUnit.MILLISECONDS)) {
          if (!useTime) {
            peak = Math.max(peak, readVmHwm(status).orElse(-1));
            cpu = Math.max(cpu, process.info().totalCpuDuration().map(Duration::toNanos)
                .orElse(-1L));
          }
          if (System.nanoTime() > deadline) {
            process.destroyForcibly();
            throw new IllegalStateException("promtool did not finish within "
                + PROMTOOL_TIMEOUT_SECONDS + " s");
          }
        }
        long nanos = System.nanoTime() - start;
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (useTime) {
          long[] report = parseGnuTimeReport(Files.readString(timeReport, StandardCharsets.UTF_8));
          return new PromtoolRun(process.exitValue(), output, nanos, OptionalLong.of(report[0]),
              OptionalLong.of(report[1]), "/usr/bin/time");
        }
        return new PromtoolRun(process.exitValue(), output, nanos,
            peak >= 0 ? OptionalLong.of(peak) : OptionalLong.empty(),
            cpu >= 0 ? OptionalLong.of(cpu) : OptionalLong.empty(), "/proc polling");
      } finally {
        Files.deleteIfExists(log);
      }
    } finally {
      if (timeReport != null) {
        Files.deleteIfExists(timeReport);
      }
    }
  }

  /** The first line of {@code promtool --version}. */
  static String promtoolVersion(Path promtool) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(promtool.toString(), "--version")
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("\"--version\" failed: " + output.strip());
    }
    return output.lines().findFirst().orElse("").strip();
  }

  /** VmHWM in KiB from a readable {@code /proc/<pid>/status}; empty once the process is gone. */
  static OptionalLong readVmHwm(Path status) {
    try {
      return parseVmHwm(Files.readString(status, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return OptionalLong.empty(); // the process exited between the check and the read
    }
  }

  /** The {@code VmHWM} line of a {@code /proc/<pid>/status} text, in KiB. */
  static OptionalLong parseVmHwm(String status) {
    Matcher matcher = VM_HWM.matcher(status);
    return matcher.find() ? OptionalLong.of(Long.parseLong(matcher.group(1))) : OptionalLong.empty();
  }

  /**
   * Max RSS in KiB and user + system CPU time in nanoseconds from GNU time's
   * {@code -f "%M %U %S"} report. The numbers are on the last line (a failed command adds a
   * "Command exited with non-zero status" line before it).
   *
   * @throws IllegalArgumentException if the report does not end in such a line
   */
  static long[] parseGnuTimeReport(String report) {
    String[] lines = report.strip().split("\n");
    Matcher matcher = GNU_TIME_REPORT.matcher(lines[lines.length - 1].strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("unexpected /usr/bin/time report \"" + report + "\"");
    }
    long cpuNanos = Math.round((Double.parseDouble(matcher.group(2))
        + Double.parseDouble(matcher.group(3))) * 1e9);
    return new long[] {Long.parseLong(matcher.group(1)), cpuNanos};
  }

  /** The median; for an even count, the lower of the two middle values. */
  static long median(List<Long> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted[(sorted.length - 1) / 2];
  }

  /** Job and byte counts of a planned state. */
  record Sizes(int jobs, int ownedJobs, long configBytes, int configFiles, long allBytes) {
    static Sizes of(DesiredState state) {
      int jobs = 0;
      int owned = 0;
      long configBytes = 0;
      int configFiles = 0;
      long allBytes = 0;
      String ownedPrefix = Fleet.settings(OutputMode.MERGED).jobPrefix() + "-";
      for (DesiredFile file : state.files().values()) {
        allBytes += file.size();
        if (file.kind() == FileKind.MAIN_CONFIG || file.kind() == FileKind.SCRAPE_CONFIG) {
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

  /** Parsed command line. */
  record Options(Path promtool, int clusters, OutputMode mode, int renderWarmup, int renderRuns,
      int promtoolRuns, String rssMethod, boolean keep) {
    static final String USAGE = "usage: RenderVsPromtool [--promtool PATH] [--clusters N]"
        + " [--mode merged|per-cluster-files] [--render-warmup N] [--render-runs N]"
        + " [--promtool-runs N] [--rss auto|time|poll] [--keep]";

    /**
     * @throws IllegalArgumentException naming the bad argument
     */
    static Options parse(String... args) {
      String promtool = System.getProperty("promcc.promtool");
      int clusters = 10_000;
      OutputMode mode = OutputMode.MERGED;
      int renderWarmup = 3;
      int renderRuns = 7;
      int promtoolRuns = 3;
      String rss = "auto";
      boolean keep = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--keep")) {
          keep = true;
          continue;
        }
        if (!Arrays.asList("--promtool", "--clusters", "--mode", "--render-warmup",
            "--render-runs", "--promtool-runs", "--rss").contains(arg)) {
          throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
        }
        if (i + 1 == args.length) {
          throw new IllegalArgumentException("missing value of " + arg);
        }
        String value = args[++i];
        switch (arg) {
          case "--promtool" -> promtool = value;
          case "--clusters" -> clusters = count(arg, value, 1);
          case "--mode" -> mode = switch (value) {
            case "merged" -> OutputMode.MERGED;
            case "per-cluster-files" -> OutputMode.PER_CLUSTER_FILES;
            default -> throw new IllegalArgumentException("--mode must be merged or"
                + " per-cluster-files, got \"" + value + "\"");
          };
          case "--render-warmup" -> renderWarmup = count(arg, value, 0);
          case "--render-runs" -> renderRuns = count(arg, value, 1);
          case "--promtool-runs" -> promtoolRuns = count(arg, value, 1);
          case "--rss" -> {
            if (!List.of("auto", "time", "poll").contains(value)) {
              throw new IllegalArgumentException("--rss must be auto, time or poll, got \""
                  + value + "\"");
            }
            rss = value;
          }
          default -> throw new AssertionError(arg);
        }
      }
      Path promtoolPath = promtool != null ? Path.of(promtool) : defaultPromtool();
      return new Options(promtoolPath, clusters, mode, renderWarmup, renderRuns, promtoolRuns,
          rss, keep);
    }

    private static int count(String arg, String value, int min) {
      try {
        int n = Integer.parseInt(value);
        if (n >= min) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(arg + " must be an integer >= " + min + ", got \""
          + value + "\"");
    }

    private static Path defaultPromtool() {
      for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
        Path candidate = dir.resolve(".tools/prometheus-2.53.3/bin/promtool");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
      return Path.of("promtool"); // found on the PATH by ProcessBuilder, or a clear error
    }
  }

  private static void consume(DesiredState state) {
    if (state.files().isEmpty()) {
      throw new IllegalStateException("empty plan");
    }
  }

  private static void print(String what, Object value) {
    System.out.printf(Locale.ROOT, "%-45s %s%n", what + ":", value);
  }

  private static String ratioText(double ratio) {
    return String.format(Locale.ROOT, "%.4f (1/%.1f)", ratio, 1 / ratio);
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private static String mib(long kib) {
    return String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
  }

  private static void deleteRecursively(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
