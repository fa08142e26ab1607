package io.promcc.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of {@link ShapeCost}, as its class comment describes them; {@link #parse} throws
 * {@link IllegalArgumentException} (or {@link IndexOutOfBoundsException} for an option missing
 * its value) for a command line it cannot take. Immutable.
 */
record ShapeCostOptions(String mode, int clusters, int rounds, String a, String b, int reloads,
    Duration settle, Duration reloadGap, boolean etcd, boolean reachable, Path prometheus,
    List<String> prometheusArgs, Map<String, List<String>> sideArgs,
    Map<String, Path> sideBinaries, Path work, Duration readyTimeout) {

  static ShapeCostOptions parse(String[] args) {
    Map<String, String> values = new LinkedHashMap<>(Map.of("--mode", "cost", "--clusters",
        "1000", "--rounds", "3", "--a", "legacy", "--b", "default", "--reloads", "3",
        "--settle", "20s", "--reload-gap", "10s", "--ready-timeout", "10m"));
    List<String> prometheusArgs = new ArrayList<>();
    Map<String, List<String>> sideArgs = Map.of("A", new ArrayList<>(), "B", new ArrayList<>());
    Map<String, Path> sideBinaries = new LinkedHashMap<>();
    boolean etcd = false;
    boolean reachable = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--etcd" -> etcd = true;
        case "--reachable" -> reachable = true;
        case "--prometheus-arg" -> prometheusArgs.add(value != null ? value : args[++i]);
        case "--a-prometheus-arg" -> sideArgs.get("A").add(value != null ? value : args[++i]);
        case "--b-prometheus-arg" -> sideArgs.get("B").add(value != null ? value : args[++i]);
        case "--a-prometheus" -> sideBinaries.put("A", binary(value != null ? value : args[++i]));
        case "--b-prometheus" -> sideBinaries.put("B", binary(value != null ? value : args[++i]));
        case "--mode", "--clusters", "--rounds", "--a", "--b", "--reloads", "--settle",
            "--reload-gap", "--prometheus", "--work", "--ready-timeout" ->
            values.put(arg, value != null ? value : args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!values.containsKey("--prometheus")) {
      throw new IllegalArgumentException("--prometheus PATH is required (the prometheus binary)");
    }
    String mode = values.get("--mode");
    if (!mode.equals("cost") && !mode.equals("lists")) {
      throw new IllegalArgumentException("--mode must be cost or lists, found \"" + mode + "\"");
    }
    return new ShapeCostOptions(mode, Integer.parseInt(values.get("--clusters")),
        Integer.parseInt(values.get("--rounds")), values.get("--a"), values.get("--b"),
        Integer.parseInt(values.get("--reloads")), duration(values.get("--settle")),
        duration(values.get("--reload-gap")), etcd, reachable || mode.equals("lists"),
        binary(values.get("--prometheus")), List.copyOf(prometheusArgs),
        Map.of("A", List.copyOf(sideArgs.get("A")), "B", List.copyOf(sideArgs.get("B"))),
        Map.copyOf(sideBinaries),
        values.containsKey("--work") ? Path.of(values.get("--work")) : null,
        duration(values.get("--ready-timeout")));
  }

  private static Path binary(String path) {
    return Path.of(path).toAbsolutePath();
  }

  private static Duration duration(String text) {
    return MeasuredPrometheus.parseGoDuration(text);
  }

  /**
   * Prometheus' flags for a run of {@code shape}: the common ones, then the side's own (a side's
   * base, {@code base-A} or {@code base-B}, has its side's).
   */
  List<String> prometheusArgs(String shape) {
    List<String> flags = new ArrayList<>(prometheusArgs);
    flags.addAll(sideArgs.getOrDefault(side(shape), List.of()));
    return flags;
  }

  /**
   * The binary of a run of {@code shape}: the side's own ({@code --a-prometheus},
   * {@code --b-prometheus}; a side's base too), else {@code --prometheus}; the one {@code base}
   * of two sides on one binary runs that binary, which need not be {@code --prometheus}.
   */
  Path prometheus(String shape) {
    return sideBinaries.getOrDefault(shape.equals("base") ? "A" : side(shape), prometheus);
  }

  /**
   * The base runs (no clusters) of a round: one {@code base} when both sides run one binary,
   * else {@code base-A} and {@code base-B}, each side's cost per cluster taken above its own.
   */
  List<String> bases() {
    return prometheus("A").equals(prometheus("B")) ? List.of("base")
        : List.of("base-A", "base-B");
  }

  /** The base a side's cost per cluster is taken above. */
  String baseOf(String side) {
    return bases().size() == 1 ? "base" : "base-" + side;
  }

  /** The binaries as the header prints them: one, or each side's. */
  String describeBinaries() {
    return bases().size() == 1 ? prometheus("A").toString()
        : "A: " + prometheus("A") + ", B: " + prometheus("B");
  }

  private static String side(String shape) {
    return shape.startsWith("base-") ? shape.substring("base-".length()) : shape;
  }

  /** The flags as the header prints them: the common ones, then each side's own. */
  String describeArgs() {
    List<String> parts = new ArrayList<>();
    if (!prometheusArgs.isEmpty()) {
      parts.add(String.join(" ", prometheusArgs));
    }
    sideArgs.entrySet().stream().filter(side -> !side.getValue().isEmpty())
        .sorted(Map.Entry.comparingByKey())
        .forEach(side -> parts.add(side.getKey() + " only: "
            + String.join(" ", side.getValue())));
    return String.join("; ", parts);
  }
}
