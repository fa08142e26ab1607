package io.promcc.bench;

import io.promcc.core.testing.PrometheusTools;
import java.nio.file.Path;
import java.util.List;

/**
 * The command line of {@link DeliveryBenchmark}: the sizes ({@code N} or {@code N/SHARDS}), the
 * change rounds, the Prometheus binary (the tool cache's by default) and the warm-up. Immutable.
 */
record DeliveryBenchmarkOptions(List<String> sizes, int rounds, Path prometheus, int warmupClusters,
    int warmupRounds) {
  static final String USAGE = "usage: DeliveryBenchmark [--sizes N[/SHARDS],...] [--rounds R]"
      + " [--prometheus PATH] [--warmup-clusters N] [--warmup-rounds R]";

  /**
   * @throws IllegalArgumentException naming the bad argument
   */
  static DeliveryBenchmarkOptions parse(String... args) {
    List<String> sizes = List.of("10", "1000", "10000/10");
    int rounds = 6;
    Path prometheus = null;
    int warmupClusters = 20;
    int warmupRounds = 20;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!List.of("--sizes", "--rounds", "--prometheus", "--warmup-clusters",
          "--warmup-rounds").contains(arg)) {
        throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException("missing value of " + arg);
      }
      String value = args[++i];
      switch (arg) {
        case "--sizes" -> {
          sizes = List.of(value.split(","));
          for (String size : sizes) {
            if (!size.matches("[1-9][0-9]*(/[1-9][0-9]*)?")) {
              throw new IllegalArgumentException("--sizes must be N or N/SHARDS separated by"
                  + " commas, got \"" + value + "\"");
            }
          }
        }
        case "--rounds" -> rounds = RenderOptions.count(arg, value, 0);
        case "--prometheus" -> prometheus = Path.of(value);
        case "--warmup-clusters" -> warmupClusters = RenderOptions.count(arg, value, 0);
        case "--warmup-rounds" -> warmupRounds = RenderOptions.count(arg, value, 0);
        default -> throw new AssertionError(arg);
      }
    }
    return new DeliveryBenchmarkOptions(sizes, rounds,
        prometheus != null ? prometheus : PrometheusTools.prometheus(), warmupClusters,
        warmupRounds);
  }
}
