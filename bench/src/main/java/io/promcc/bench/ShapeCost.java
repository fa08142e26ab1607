package io.promcc.bench;

import io.promcc.core.model.OutputMode;
import io.promcc.core.testing.Profiles;
import io.promcc.kube.GuestClusterFixture;
import io.promcc.kube.fake.FakeKubeApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * What a config shape costs Prometheus, measured side by side with another shape in one run.
 *
 * <p>Mode {@code cost} (the default): for N guest clusters (unreachable API servers unless
 * {@code --reachable}), each shape's planned config is loaded into a fresh Prometheus, in the
 * order base (no clusters), A, B in odd rounds and base, B, A in even ones, so slow drifts of
 * a shared machine and the position in a round hit both shapes alike. Each run measures the
 * wall time from start to ready, then after {@code --settle} Prometheus' own
 * {@code go_goroutines}, {@code process_resident_memory_bytes} and
 * {@code go_memstats_heap_inuse_bytes}, then {@code --reloads} reloads of the unchanged config
 * ({@code POST /-/reload} wall time, and Prometheus' logged {@code totalDuration} and its
 * {@code scrape_sd} and {@code scrape} parts), {@code --reload-gap} apart. It prints every run,
 * then medians, the cost per guest cluster ({@code (shape - base) / N}) and the ratios B/A.
 *
 * <p>Mode {@code lists}: all clusters point at one Kubernetes API fake (seeded like the
 * integration tests' guest cluster); after discovery has settled, one reload of the unchanged
 * config, and the LIST and WATCH requests it causes are counted per resource. Prometheus 2.x
 * restarts every discoverer on reload; pass
 * {@code --prometheus-arg=--enable-feature=new-service-discovery-manager} to see the manager that
 * keeps unchanged ones. Here {@code --settle} is the least time to wait for discovery to settle
 * (before and after the reload) and {@code --reload-gap} how long the counts must stay unchanged.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.promcc.bench.ShapeCost \
 *     --prometheus .tools/prometheus-2.53.3/bin/prometheus [--mode cost|lists]
 *     [--clusters 1000] [--rounds 3] [--a legacy] [--b default] [--reloads 3]
 *     [--settle 20s] [--reload-gap 10s] [--etcd] [--reachable] [--work DIR]
 *     [--prometheus-arg ARG]... [--a-prometheus-arg ARG]... [--b-prometheus-arg ARG]...
 *     [--a-prometheus PATH] [--b-prometheus PATH] [--ready-timeout 10m]
 * </pre>
 * {@code --prometheus-arg} is passed to every Prometheus (base too); {@code --a-prometheus-arg}
 * and {@code --b-prometheus-arg} only to that side's, e.g. to compare a shape on Prometheus'
 * default discovery manager with another on the new one. {@code --a-prometheus} and
 * {@code --b-prometheus} run that side on another binary (e.g. one shape on Prometheus 2.53.3
 * against 3.x); then each round also has a base run per binary ({@code base-A}, {@code base-B},
 * ordered as the sides) and each side's cost per cluster is taken above its own base.
 * Shapes are {@code default}, {@code legacy} or a profile file, optionally followed by
 * {@code @merged} (the default) or {@code @files} (per-cluster files). Nothing here runs during
 * the build; {@code scripts/bench-shapes.sh} builds and runs it.
 */
public final class ShapeCost {
  private ShapeCost() {}

  /** One Prometheus run of a shape in cost mode. */
  record Run(int round, String shape, long jobs, Duration ready, double goroutines, double rss,
      double heapInuse, List<MeasuredPrometheus.Reload> reloads) {}

  public static void main(String[] args) throws Exception {
    ShapeCostOptions options;
    try {
      options = ShapeCostOptions.parse(args);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      System.err.println("ShapeCost: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path work = options.work() != null ? Files.createDirectories(options.work())
        : Files.createTempDirectory("promcc-shapes-");
    FakeKubeApi fake = null;
    try {
      ShapeFleet fleet;
      if (options.reachable()) {
        RequestCounter counter = new RequestCounter();
        fake = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.REQUIRE)
            .onRequest(counter).start();
        GuestClusterFixture.seed(fake);
        fleet = ShapeFleet.reachable(options.clusters(), options.etcd(), fake);
        if (options.mode().equals("lists")) {
          lists(options, fleet, work, counter);
          return;
        }
      } else {
        fleet = ShapeFleet.unreachable(options.clusters(), options.etcd());
      }
      cost(options, fleet, work);
    } finally {
      if (fake != null) {
        fake.close();
      }
      if (options.work() == null) {
        deleteTree(work);
      }
    }
  }

  private static void cost(ShapeCostOptions options, ShapeFleet fleet, Path work)
      throws Exception {
    Map<String, ShapeFleet.Written> written = new LinkedHashMap<>();
    ShapeFleet.Written base = fleet.write(null, work.resolve("base"));
    options.bases().forEach(name -> written.put(name, base));
    written.put("A", write(fleet, options.a(), work.resolve("A")));
    written.put("B", write(fleet, options.b(), work.resolve("B")));
    System.out.printf(Locale.ROOT, "== shape cost: %d clusters (%s, %s), %d rounds, A=%s (%d jobs),"
            + " B=%s (%d jobs), prometheus %s %s%n", fleet.size(),
        options.reachable() ? "reachable fake" : "unreachable API servers",
        options.etcd() ? "with etcd" : "no etcd", options.rounds(), options.a(),
        written.get("A").jobs(), options.b(), written.get("B").jobs(),
        options.describeBinaries(), options.describeArgs());
    System.out.println("round shape   jobs  ready_s  goroutines  rss_MB  heap_inuse_MB"
        + "  reload_wall_s  reload_total_s  reload_scrape_sd_s  reload_scrape_s  reload_rest_s");
    List<Run> runs = new ArrayList<>();
    for (int round = 1; round <= options.rounds(); round++) {
      for (String shape : order(round, options.bases().toArray(String[]::new))) {
        Run run = measure(options, round, shape, written.get(shape), work);
        runs.add(run);
        System.out.printf(Locale.ROOT, "%5d %-6s %5d %8.2f %11.0f %7.1f %14.1f %14.2f %15.2f"
                + " %19.2f %15.2f %14.2f%n", run.round(), shape, run.jobs(), seconds(run.ready()),
            run.goroutines(), run.rss() / 1e6, run.heapInuse() / 1e6,
            median(run.reloads().stream().map(r -> seconds(r.wall())).toList()),
            median(timings(run, "totalDuration")), median(timings(run, "scrape_sd")),
            median(timings(run, "scrape")),
            median(run.reloads().stream().map(ShapeCost::unaccounted).toList()));
      }
    }
    summary(options, fleet.size(), runs);
  }

  /**
   * Writes the fleet in {@code shape}: a profile ({@code default}, {@code legacy} or a profile
   * file), optionally followed by {@code @merged} (the default) or {@code @files} (per-cluster
   * files, {@code scrape_config_files}).
   */
  private static ShapeFleet.Written write(ShapeFleet fleet, String shape, Path dir)
      throws IOException {
    int at = shape.lastIndexOf('@');
    String profile = at < 0 ? shape : shape.substring(0, at);
    String mode = at < 0 ? "merged" : shape.substring(at + 1);
    return fleet.write(Profiles.named(profile), switch (mode) {
      case "merged" -> OutputMode.MERGED;
      case "files" -> OutputMode.PER_CLUSTER_FILES;
      default -> throw new IllegalArgumentException("a shape's output mode must be @merged or "
          + "@files, found \"" + shape + "\"");
    }, dir);
  }

  /** The shapes of a round: A before B in odd rounds, B before A in even ones. */
  private static List<String> order(int round, String... first) {
    List<String> shapes = new ArrayList<>(List.of(first));
    shapes.addAll(round % 2 == 1 ? List.of("A", "B") : List.of("B", "A"));
    return shapes;
  }

  private static Run measure(ShapeCostOptions options, int round, String shape,
      ShapeFleet.Written written, Path work) throws Exception {
    Path data = work.resolve("data-" + shape + "-" + round);
    try (MeasuredPrometheus prometheus = MeasuredPrometheus.start(options.prometheus(shape),
        written.config(), data, options.prometheusArgs(shape), options.readyTimeout())) {
      Thread.sleep(options.settle().toMillis());
      Map<String, Double> metrics = prometheus.selfMetrics();
      List<MeasuredPrometheus.Reload> reloads = new ArrayList<>();
      for (int i = 0; i < options.reloads(); i++) {
        reloads.add(prometheus.reload(options.readyTimeout()));
        Thread.sleep(options.reloadGap().toMillis());
      }
      return new Run(round, shape, written.jobs(), prometheus.startToReady(),
          metrics.getOrDefault("go_goroutines", Double.NaN),
          metrics.getOrDefault("process_resident_memory_bytes", Double.NaN),
          metrics.getOrDefault("go_memstats_heap_inuse_bytes", Double.NaN), reloads);
    } finally {
      deleteTree(data);
    }
  }

  private static void summary(ShapeCostOptions options, int clusters, List<Run> runs) {
    System.out.println("== medians over " + options.rounds() + " rounds; per guest cluster = "
        + "(shape - " + (options.bases().size() == 1 ? "base" : "its side's base") + ") / "
        + clusters);
    System.out.println("metric                          base           A           B       B/A");
    Rows rows = new Rows(runs, options.baseOf("A"), options.baseOf("B"));
    rows.row("goroutines", Run::goroutines, 1, "%.0f");
    rows.row("goroutines per cluster", Run::goroutines, clusters, "%.2f");
    rows.row("rss MB", run -> run.rss() / 1e6, 1, "%.1f");
    rows.row("rss MB per cluster", run -> run.rss() / 1e6, clusters, "%.3f");
    rows.row("heap in use MB per cluster", run -> run.heapInuse() / 1e6, clusters, "%.3f");
    rows.row("start to ready s", run -> seconds(run.ready()), 1, "%.2f");
    rows.row("reload wall s", run -> median(run.reloads().stream()
        .map(r -> seconds(r.wall())).toList()), 1, "%.2f");
    rows.row("reload totalDuration s", run -> median(timings(run, "totalDuration")), 1, "%.2f");
    rows.row("reload scrape_sd s", run -> median(timings(run, "scrape_sd")), 1, "%.2f");
    rows.row("reload scrape s", run -> median(timings(run, "scrape")), 1, "%.2f");
    rows.row("reload rest (parse) s", run -> median(run.reloads().stream()
        .map(ShapeCost::unaccounted).toList()), 1, "%.2f");
  }

  /**
   * The part of a reload's {@code totalDuration} that no component accounts for: reading and
   * parsing the config file (YAML, regular expressions) before the components apply it.
   */
  static double unaccounted(MeasuredPrometheus.Reload reload) {
    double rest = reload.timing("totalDuration").map(ShapeCost::seconds).orElse(Double.NaN);
    for (Map.Entry<String, Duration> timing : reload.timings().entrySet()) {
      if (!timing.getKey().equals("totalDuration")) {
        rest -= seconds(timing.getValue());
      }
    }
    return rest;
  }

  /** A row of medians; with {@code per > 1}, A and B are per cluster above base. */
  /** The summary's rows of medians: side A's and B's costs above their bases' runs. */
  private record Rows(List<Run> runs, String baseA, String baseB) {
    /** A row of medians; with {@code per > 1}, A and B are per cluster above their base. */
    void row(String name, ToDoubleFunction<Run> f, int per, String format) {
      double underA = median(baseA, f);
      double underB = median(baseB, f);
      double a = median("A", f);
      double b = median("B", f);
      if (per > 1) {
        a = (a - underA) / per;
        b = (b - underB) / per;
      }
      String base = String.format(Locale.ROOT, format, underA);
      if (!baseA.equals(baseB)) {
        base += "/" + String.format(Locale.ROOT, format, underB);
      }
      System.out.printf(Locale.ROOT, "%-26s %11s %11s %11s %9.3f%n", name, per > 1 ? "-" : base,
          String.format(Locale.ROOT, format, a), String.format(Locale.ROOT, format, b), b / a);
    }

    private double median(String shape, ToDoubleFunction<Run> f) {
      return ShapeCost.median(runs.stream().filter(r -> r.shape().equals(shape))
          .map(r -> f.applyAsDouble(r)).toList());
    }
  }

  private static void lists(ShapeCostOptions options, ShapeFleet fleet, Path work,
      RequestCounter counter) throws Exception {
    Map<String, ShapeFleet.Written> written = new LinkedHashMap<>();
    written.put("A", write(fleet, options.a(), work.resolve("A")));
    written.put("B", write(fleet, options.b(), work.resolve("B")));
    System.out.printf(Locale.ROOT, "== requests of one reload of an unchanged config: %d clusters"
            + " on one API fake, A=%s (%d jobs), B=%s (%d jobs), prometheus %s %s%n",
        fleet.size(), options.a(), written.get("A").jobs(), options.b(), written.get("B").jobs(),
        options.describeBinaries(), options.describeArgs());
    System.out.println("round shape  lists_at_start  watches_at_start  lists_per_reload"
        + "  watches_per_reload  lists_per_reload_by_resource");
    for (int round = 1; round <= options.rounds(); round++) {
      for (String shape : order(round)) {
        Path data = work.resolve("data-" + shape + "-" + round);
        Map<String, Long> before = counter.snapshot();
        try (MeasuredPrometheus prometheus = MeasuredPrometheus.start(options.prometheus(shape),
            written.get(shape).config(), data, options.prometheusArgs(shape),
            options.readyTimeout())) {
          Map<String, Long> start = RequestCounter.minus(
              counter.settled(options.settle(), options.reloadGap()), before);
          prometheus.reload(options.readyTimeout());
          Map<String, Long> after = RequestCounter.minus(
              counter.settled(options.settle(), options.reloadGap()), before);
          Map<String, Long> delta = RequestCounter.minus(after, start);
          System.out.printf(Locale.ROOT, "%5d %-5s %15d %17d %17d %19d  %s%n", round, shape,
              RequestCounter.total(start, "LIST"), RequestCounter.total(start, "WATCH"),
              RequestCounter.total(delta, "LIST"),
              RequestCounter.total(delta, "WATCH"), RequestCounter.only(delta, "LIST"));
        } finally {
          deleteTree(data);
        }
      }
    }
  }

  private static List<Double> timings(Run run, String name) {
    return run.reloads().stream().map(r -> r.timing(name).map(ShapeCost::seconds)
        .orElse(Double.NaN)).toList();
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
