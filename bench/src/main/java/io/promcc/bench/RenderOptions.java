package io.promcc.bench;

import io.promcc.core.model.OutputMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The command line of {@link RenderVsPromtool}.
 *
 * @param promccJar the {@code promcc.jar} whose {@code render} is timed as a process; empty to
 *     skip that side
 * @param warmup in-JVM warm-up runs of each in-JVM side before the rounds
 * @param rounds rounds; each runs every side once
 * @param work where the files go (a new folder inside it); empty for the system's temp folder
 */
record RenderOptions(Path promtool, Optional<Path> promccJar, int clusters, OutputMode mode,
    int warmup, int rounds, String rssMethod, Optional<Path> work, boolean keep) {
  static final String USAGE = "usage: RenderVsPromtool [--promtool PATH]"
      + " [--promcc-jar PATH|none] [--clusters N] [--mode merged|per-cluster-files]"
      + " [--warmup N] [--rounds N] [--rss auto|time|poll] [--work DIR] [--keep]";

  private static final List<String> WITH_VALUE = List.of("--promtool", "--promcc-jar",
      "--clusters", "--mode", "--warmup", "--rounds", "--rss", "--work");

  /**
   * Parses the arguments; the promtool path may also come from the system property
   * {@code promcc.promtool}. Without either, {@code .tools/prometheus-2.53.3/bin/promtool} and
   * {@code app/target/promcc.jar} are looked up from the working folder upwards (promtool then
   * on the {@code PATH}).
   *
   * @throws IllegalArgumentException naming the bad argument
   */
  static RenderOptions parse(String... args) {
    String promtool = System.getProperty("promcc.promtool");
    String promccJar = null;
    int clusters = 10_000;
    OutputMode mode = OutputMode.MERGED;
    int warmup = 2;
    int rounds = 5;
    String rss = "auto";
    String work = null;
    boolean keep = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--keep")) {
        keep = true;
        continue;
      }
      if (!WITH_VALUE.contains(arg)) {
        throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException("missing value of " + arg);
      }
      String value = args[++i];
      switch (arg) {
        case "--promtool" -> promtool = value;
        case "--promcc-jar" -> promccJar = value;
        case "--clusters" -> clusters = count(arg, value, 1);
        case "--mode" -> mode = switch (value) {
          case "merged" -> OutputMode.MERGED;
          case "per-cluster-files" -> OutputMode.PER_CLUSTER_FILES;
          default -> throw new IllegalArgumentException("--mode must be merged or"
              + " per-cluster-files, got \"" + value + "\"");
        };
        case "--warmup" -> warmup = count(arg, value, 0);
        case "--rounds" -> rounds = count(arg, value, 1);
        case "--rss" -> {
          if (!List.of("auto", "time", "poll").contains(value)) {
            throw new IllegalArgumentException("--rss must be auto, time or poll, got \""
                + value + "\"");
          }
          rss = value;
        }
        case "--work" -> work = value;
        default -> throw new AssertionError(arg);
      }
    }
    Path promtoolPath = promtool != null ? Path.of(promtool)
        : findUpwards(".tools/prometheus-2.53.3/bin/promtool").orElse(Path.of("promtool"));
    Optional<Path> jar = promccJar == null ? findUpwards("app/target/promcc.jar")
        : promccJar.equals("none") ? Optional.empty() : Optional.of(Path.of(promccJar));
    return new RenderOptions(promtoolPath, jar, clusters, mode, warmup, rounds, rss,
        Optional.ofNullable(work).map(Path::of), keep);
  }

  /** A whole number {@code >= min}. */
  static int count(String arg, String value, int min) {
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

  private static Optional<Path> findUpwards(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(relative);
      if (Files.exists(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
