package io.promcc.bench;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.testing.DesiredStateFiles;
import io.promcc.prometheus.AtomicFileStore;
import io.promcc.prometheus.LocalValidation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sides of {@link RenderVsPromtool}: the inputs each needs, written once (untimed), and one
 * timed run of a side. Every run that writes starts from an empty folder, deleted again after the
 * run (untimed). Not thread-safe.
 */
final class RenderSides {
  private final Fleet fleet;
  private final OutputMode mode;
  private final DesiredState state;
  private final Path work;
  private final RenderOptions options;
  private final Path promtoolConfig;
  private int runs;

  private RenderSides(Fleet fleet, OutputMode mode, DesiredState state, Path work,
      RenderOptions options, Path promtoolConfig) {
    this.fleet = fleet;
    this.mode = mode;
    this.state = state;
    this.work = work;
    this.options = options;
    this.promtoolConfig = promtoolConfig;
  }

  /**
   * Writes the inputs below {@code work}: {@code check/} (the planned files, which promtool
   * checks) and, with a promcc jar, {@code input/} (clusters file, base config and a certificate
   * folder with {@code <id>-ca.pem}, {@code -crt.pem} and {@code -key.pem} per cluster).
   */
  static RenderSides prepare(Fleet fleet, OutputMode mode, DesiredState state, Path work,
      RenderOptions options) throws IOException {
    Path check = work.resolve("check");
    DesiredStateFiles.write(state, check);
    if (options.promccJar().isPresent()) {
      Path input = Files.createDirectories(work.resolve("input"));
      Files.writeString(input.resolve("clusters.yml"), clustersFile(fleet.clusters()),
          StandardCharsets.UTF_8);
      Files.writeString(input.resolve("base-config.yml"), Fleet.baseConfigText(),
          StandardCharsets.UTF_8);
      Path certs = Files.createDirectories(input.resolve("certs"));
      for (Map.Entry<ClusterId, CertificateBundle> entry : fleet.certificates().entrySet()) {
        String id = entry.getKey().value();
        CertificateBundle bundle = entry.getValue();
        writeWithMode(certs.resolve(id + "-ca.pem"), bundle.caPem(), 0644);
        writeWithMode(certs.resolve(id + "-crt.pem"), bundle.certificatePem(), 0644);
        writeWithMode(certs.resolve(id + "-key.pem"), bundle.privateKeyPem().reveal(), 0600);
      }
    }
    return new RenderSides(fleet, mode, state, work, options, check.resolve(state.configPath()));
  }

  /** One measured run of a side. {@code cpuNanos} and {@code peakRssKib} are -1 if unknown. */
  record Measured(long wallNanos, long cpuNanos, long peakRssKib, long allocatedBytes) {
    String describe() {
      return Stats.millis(wallNanos) + " wall, "
          + (cpuNanos >= 0 ? Stats.millis(cpuNanos) : "n/a") + " cpu"
          + (peakRssKib > 0 ? ", peak RSS " + (peakRssKib / 1024) + " MiB" : "")
          + (allocatedBytes > 0 ? ", allocated " + (allocatedBytes >> 20) + " MiB" : "");
    }
  }

  /** A side failed: promtool or promcc rejected the files, or produced other files. */
  static final class SideFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SideFailedException(String message) {
      super(message);
    }
  }

  /**
   * Runs {@code side} once.
   *
   * @throws SideFailedException if it failed or its config differs from the planned one
   */
  Measured measure(RenderVsPromtool.Side side) throws IOException, InterruptedException {
    return switch (side) {
      case PROMTOOL -> promtool();
      case PROMCC_RENDER -> promccRender();
      case PLAN_AND_WRITE -> planAndWrite();
      case PLAN -> plan();
    };
  }

  private Measured promtool() throws IOException, InterruptedException {
    TimedProcess.Run run = Promtool.checkConfig(options.promtool(), promtoolConfig,
        options.rssMethod());
    if (!Promtool.succeeded(run)) {
      throw new SideFailedException("promtool check config failed (exit " + run.exitCode()
          + "):\n" + run.output());
    }
    return new Measured(run.nanos(), run.cpuNanos().orElse(-1), run.peakRssKib().orElse(-1), 0);
  }

  private Measured promccRender() throws IOException, InterruptedException {
    Path out = work.resolve("render-out-" + (++runs));
    Path input = work.resolve("input");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", options.promccJar().orElseThrow().toString(), "render",
        "--clusters", input.resolve("clusters.yml").toString(),
        "--base-config", input.resolve("base-config.yml").toString(),
        "--cert-dir", input.resolve("certs").toString(),
        "--out", out.toString(),
        "--output-mode", mode == OutputMode.MERGED ? "merged" : "per-cluster-files"));
    try {
      TimedProcess.Run run = TimedProcess.run(command, options.rssMethod(),
          RenderVsPromtool.processTimeout());
      if (run.exitCode() != 0) {
        throw new SideFailedException("promcc render failed (exit " + run.exitCode() + "):\n"
            + run.output());
      }
      requireSameConfig("promcc render", out);
      return new Measured(run.nanos(), run.cpuNanos().orElse(-1), run.peakRssKib().orElse(-1),
          0);
    } finally {
      deleteRecursively(out);
    }
  }

  private Measured planAndWrite() throws IOException {
    Path out = Files.createDirectories(work.resolve("plan-out-" + (++runs)));
    try {
      Reconciler reconciler = Reconciler.builder()
          .clusterSource(GuestClusterSource.fixed(fleet.clusters()))
          .certificateSource(new FleetCertificates(fleet))
          .planner(fleet.newPlanner()).settings(Fleet.settings(mode))
          .store(new AtomicFileStore(out))
          .validator(new LocalValidation(out, Optional.empty()))
          .build();
      long cpu = RenderVsPromtool.processCpuNanos();
      long start = System.nanoTime();
      ReconcileResult result = reconciler.reconcile();
      long wall = System.nanoTime() - start;
      cpu = RenderVsPromtool.processCpuNanos() - cpu;
      if (result.outcome() != ReconcileResult.Outcome.WRITTEN
          || result.written().size() != state.files().size()) {
        throw new SideFailedException("plan+write: expected all " + state.files().size()
            + " files written, got " + result);
      }
      requireSameConfig("plan+write", out);
      return new Measured(wall, cpu, -1, 0);
    } finally {
      deleteRecursively(out);
    }
  }

  private Measured plan() {
    long bytes = RenderVsPromtool.allocatedBytes();
    long cpu = RenderVsPromtool.processCpuNanos();
    long start = System.nanoTime();
    DesiredState again = fleet.plan(mode);
    long wall = System.nanoTime() - start;
    cpu = RenderVsPromtool.processCpuNanos() - cpu;
    bytes = RenderVsPromtool.allocatedBytes() - bytes;
    if (!again.hash().equals(state.hash())) {
      throw new SideFailedException("plan is not deterministic: hash changed between runs");
    }
    return new Measured(wall, cpu, -1, bytes);
  }

  /** The config files below {@code out} are byte for byte the planned ones. */
  private void requireSameConfig(String side, Path out) throws IOException {
    for (Map.Entry<String, DesiredFile> entry : state.files().entrySet()) {
      if (entry.getValue().kind().isConfig()) {
        Path file = out.resolve(entry.getKey());
        if (!Files.isRegularFile(file)
            || !Arrays.equals(Files.readAllBytes(file), entry.getValue().content())) {
          throw new SideFailedException(side + " wrote another " + entry.getKey()
              + " than the planner makes for the fleet: the sides would not do the same work");
        }
      }
    }
  }

  /** The fleet's certificates, as a certificate source. */
  private static final class FleetCertificates implements CertificateSource {
    private final Fleet fleet;

    FleetCertificates(Fleet fleet) {
      this.fleet = fleet;
    }

    @Override
    public CertificateObservation observe(Collection<GuestCluster> clusters) {
      return CertificateObservation.ofEach(clusters,
          cluster -> fleet.certificates().get(cluster.id()), Optional.empty());
    }
  }

  /**
   * A clusters file ({@code promcc render --clusters}) listing {@code clusters}, every value
   * double-quoted.
   */
  static String clustersFile(List<GuestCluster> clusters) {
    // none is written [], the list of no cluster: an empty file is refused
    StringBuilder yaml = new StringBuilder(clusters.isEmpty() ? "[]\n" : "");
    for (GuestCluster cluster : clusters) {
      yaml.append("- id: ").append(quoted(cluster.id().value())).append('\n')
          .append("  provider: ").append(quoted(cluster.provider())).append('\n')
          .append("  apiServer: ").append(quoted(cluster.apiServer().toString())).append('\n');
      cluster.etcd().ifPresent(etcd ->
          yaml.append("  etcd: ").append(quoted(etcd.toString())).append('\n'));
      if (!cluster.labels().isEmpty()) {
        yaml.append("  labels:\n");
        cluster.labels().forEach((name, value) -> yaml.append("    ").append(name).append(": ")
            .append(quoted(value)).append('\n'));
      }
    }
    return yaml.length() == 0 ? "[]\n" : yaml.toString();
  }

  private static String quoted(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static void writeWithMode(Path file, String text, int mode) throws IOException {
    DesiredStateFiles.writeFile(file, text.getBytes(StandardCharsets.UTF_8), mode);
  }

  /** Deletes {@code root} and everything below it; nothing if it does not exist. */
  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
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
