package io.promcc.it.bench;

import io.promcc.it.Args;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The command line of {@link LocalModeBench} ({@code scripts/bench-run.sh} passes it on); its
 * {@link #toString()} is the options as the results name them. Immutable.
 */
record LocalModeBenchOptions(Path work, Path appJar, Path prometheus, int startupRuns,
    int startupClusters, int clusters, int changes, Duration poll, Duration idle, int burst,
    Duration burstWithin, Duration settle, String guests, Optional<String> prometheusFlag) {
  static LocalModeBenchOptions parse(String[] arguments) {
    Args args = Args.parse(arguments, Set.of("work", "app-jar", "prometheus", "startup-runs",
        "startup-clusters", "clusters", "changes", "poll", "idle", "burst", "burst-within",
        "settle", "guests", "prometheus-flag"));
    LocalModeBenchOptions options = new LocalModeBenchOptions(args.path("work"),
        args.path("app-jar"), args.path("prometheus"), args.number("startup-runs", 10, 1, 1000),
        args.number("startup-clusters", 3, 1, 20), args.number("clusters", 100, 1, 10_000),
        args.number("changes", 50, 1, 10_000), args.duration("poll", Duration.ofMillis(20)),
        args.duration("idle", Duration.ofMinutes(10)), args.number("burst", 200, 1, 999),
        args.duration("burst-within", Duration.ofSeconds(2)),
        args.duration("settle", Duration.ofSeconds(20)),
        args.choice("guests", "shared", List.of("shared", "refused")),
        args.text("prometheus-flag"));
    args.check();
    return options;
  }

  @Override
  public String toString() {
    return "--startup-runs " + startupRuns + " --startup-clusters " + startupClusters
        + " --clusters " + clusters + " --changes " + changes + " --poll " + poll.toMillis()
        + "ms --idle " + idle.toSeconds() + "s --burst " + burst + " --burst-within "
        + burstWithin.toMillis() + "ms --settle " + settle.toSeconds() + "s --guests " + guests
        + prometheusFlag.map(flag -> " --prometheus-flag=" + flag).orElse("");
  }
}
