package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.promcc.core.model.DesiredState;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.Verification;
import io.promcc.prometheus.AtomicFileStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A first config rendered into a temporary output folder, ways to pin, verify and refuse
 * configs there, a fake Prometheus reporting a load, and {@code promcc check} run against it.
 */
abstract class CheckCommandFixture {
  static final Instant BASELINE = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path temp;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  Path clusters;
  Path outDir;
  HttpServer prometheus;
  int exitCode;

  @BeforeEach
  void renderAFirstConfig() throws IOException {
    clusters = Files.writeString(temp.resolve("clusters.yml"), "[]\n");
    outDir = temp.resolve("out");
    assertEquals(0, run("render", "--clusters", clusters.toString(), "--out",
        outDir.toString()), err.toString());
    out.getBuffer().setLength(0);
  }

  @AfterEach
  void stopPrometheus() {
    if (prometheus != null) {
      prometheus.stop(0);
    }
  }

  int run(String... args) {
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    return command.execute(args);
  }

  /** Pins the config on disk (the desired one: nothing changed since the render). */
  void pin(String reason, String message, Optional<Instant> baseline) {
    AtomicFileStore store = new AtomicFileStore(outDir);
    String config = DesiredState.configHashOf(store.readOwned());
    store.mark(new DeliveryMark.Rejected(
        Optional.of(new RejectedConfig(config, reason, message, baseline))));
  }

  /** Records the files on disk as verified, loaded at {@code loadedAt}; returns their config. */
  String verified(Instant loadedAt) {
    AtomicFileStore store = new AtomicFileStore(outDir);
    var owned = store.readOwned();
    store.mark(new DeliveryMark.Verified(new Verification(DesiredState.hashOf(owned),
        DesiredState.configHashOf(owned), loadedAt)));
    return DesiredState.configHashOf(owned);
  }

  /** A base config other than the one rendered, whose config Prometheus is to refuse. */
  Path refusedBaseConfig() throws IOException {
    return Files.writeString(temp.resolve("refused.yml"), "global:\n  scrape_interval: 2m\n");
  }

  /**
   * Renders the config of a base config Prometheus refuses into the output folder, as a
   * rollback whose restore failed leaves it on disk; returns that base config.
   */
  Path refusedOnDisk() throws IOException {
    Path refused = refusedBaseConfig();
    assertEquals(0, run("render", "--clusters", clusters.toString(), "--base-config",
        refused.toString(), "--out", outDir.toString()), err.toString());
    out.getBuffer().setLength(0);
    return refused;
  }

  /**
   * The rendered config verified as loaded at {@code loadedAt}; then a base config whose config
   * Prometheus refused: pinned, and rolled back (the verified files are on disk). Returns the
   * refused base config, the desired one for a check.
   */
  Path verifiedThenRefused(Instant loadedAt) throws IOException {
    verified(loadedAt);
    Path refused = refusedBaseConfig();
    pinRefused(refused);
    return refused;
  }

  /** Pins the config of base config {@code refused} as refused by Prometheus. */
  void pinRefused(Path refused) throws IOException {
    pinConfigOf(refused, RejectedConfig.REJECTED, "bad scrape config");
  }

  /**
   * Pins the config of base config {@code base} (rendered elsewhere) with {@code reason} and
   * {@code detail}, baseline {@code BASELINE} + 10 s.
   */
  void pinConfigOf(Path base, String reason, String detail) throws IOException {
    Path elsewhere = Files.createTempDirectory(temp, "pinned-out");
    assertEquals(0, run("render", "--clusters", clusters.toString(), "--base-config",
        base.toString(), "--out", elsewhere.toString()), err.toString());
    out.getBuffer().setLength(0);
    String config = DesiredState.configHashOf(new AtomicFileStore(elsewhere).readOwned());
    new AtomicFileStore(outDir).mark(new DeliveryMark.Rejected(Optional.of(
        new RejectedConfig(config, reason, detail, Optional.of(BASELINE.plusSeconds(10))))));
  }

  /** A Prometheus whose runtime info reports a successful load at {@code lastConfigTime}. */
  String prometheusLoadedAt(Instant lastConfigTime) throws IOException {
    prometheus = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    prometheus.createContext("/api/v1/status/runtimeinfo",
        RuntimeInfoAnswer.loadedAt(lastConfigTime));
    prometheus.start();
    return "http://127.0.0.1:" + prometheus.getAddress().getPort();
  }

  List<String> check(String... more) {
    List<String> args = new ArrayList<>(List.of("check", "--clusters", clusters.toString(),
        "--out", outDir.toString(), "--state-dir", temp.resolve("state").toString()));
    args.addAll(List.of(more));
    exitCode = run(args.toArray(String[]::new));
    assertEquals("", err.toString());
    return out.toString().lines().toList();
  }
}
