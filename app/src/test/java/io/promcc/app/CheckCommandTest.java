package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.promcc.core.model.DesiredState;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.Verification;
import io.promcc.prometheus.AtomicFileStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code promcc check} says of a desired config that is pinned (rejected before, or not
 * ready in time): what a reconcile does with it, which depends on the pin and on whether a
 * Prometheus is configured.
 */
class CheckCommandTest {
  private static final Instant BASELINE = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path temp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path clusters;
  private Path outDir;
  private HttpServer prometheus;
  private int exitCode;

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

  private int run(String... args) {
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    return command.execute(args);
  }

  /** Pins the config on disk (the desired one: nothing changed since the render). */
  private void pin(String reason, String message, Optional<Instant> baseline) {
    AtomicFileStore store = new AtomicFileStore(outDir);
    String config = DesiredState.configHashOf(store.readOwned());
    store.markRejected(Optional.of(new RejectedConfig(config, reason, message, baseline)));
  }

  /** Records the files on disk as verified, loaded at {@code loadedAt}; returns their config. */
  private String verified(Instant loadedAt) {
    AtomicFileStore store = new AtomicFileStore(outDir);
    var owned = store.readOwned();
    store.markVerified(new Verification(DesiredState.hashOf(owned),
        DesiredState.configHashOf(owned), loadedAt));
    return DesiredState.configHashOf(owned);
  }

  /** A base config other than the one rendered, whose config Prometheus is to refuse. */
  private Path refusedBaseConfig() throws IOException {
    return Files.writeString(temp.resolve("refused.yml"), "global:\n  scrape_interval: 2m\n");
  }

  /**
   * The rendered config verified as loaded at {@code loadedAt}; then a base config whose config
   * Prometheus refused: pinned, and rolled back (the verified files are on disk). Returns the
   * refused base config, the desired one for a check.
   */
  private Path verifiedThenRefused(Instant loadedAt) throws IOException {
    verified(loadedAt);
    Path refused = refusedBaseConfig();
    pinRefused(refused);
    return refused;
  }

  /** Pins the config of base config {@code refused} as refused by Prometheus. */
  private void pinRefused(Path refused) throws IOException {
    Path elsewhere = Files.createTempDirectory(temp, "refused-out");
    assertEquals(0, run("render", "--clusters", clusters.toString(), "--base-config",
        refused.toString(), "--out", elsewhere.toString()), err.toString());
    out.getBuffer().setLength(0);
    String config = DesiredState.configHashOf(new AtomicFileStore(elsewhere).readOwned());
    new AtomicFileStore(outDir).markRejected(Optional.of(new RejectedConfig(config,
        RejectedConfig.REJECTED, "bad scrape config", Optional.of(BASELINE.plusSeconds(10)))));
  }

  /** A Prometheus whose runtime info reports a successful load at {@code lastConfigTime}. */
  private String prometheusLoadedAt(Instant lastConfigTime) throws IOException {
    prometheus = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    byte[] body = ("{\"status\":\"success\",\"data\":{\"reloadConfigSuccess\":true,"
        + "\"lastConfigTime\":\"" + lastConfigTime + "\"}}").getBytes(StandardCharsets.UTF_8);
    prometheus.createContext("/api/v1/status/runtimeinfo", exchange -> {
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream stream = exchange.getResponseBody()) {
        stream.write(body);
      }
    });
    prometheus.start();
    return "http://127.0.0.1:" + prometheus.getAddress().getPort();
  }

  private List<String> check(String... more) {
    List<String> args = new ArrayList<>(List.of("check", "--clusters", clusters.toString(),
        "--out", outDir.toString(), "--state-dir", temp.resolve("state").toString()));
    args.addAll(List.of(more));
    exitCode = run(args.toArray(String[]::new));
    assertEquals("", err.toString());
    return out.toString().lines().toList();
  }

  @Test
  void aConfigPrometheusRefusedIsNotReloadedAgainUntilTheDesiredConfigChanges()
      throws IOException {
    pin(RejectedConfig.REJECTED, "bad scrape config", Optional.of(BASELINE));

    List<String> lines = check("--prometheus-url", prometheusLoadedAt(BASELINE.plusSeconds(5)));

    assertTrue(lines.contains("  this config was rejected by prometheus before (bad scrape "
        + "config); a reconcile would not reload it again until the desired config changes"),
        String.join("\n", lines));
  }

  @Test
  void aFirstConfigPinnedNotReadyWithABaselineIsVerifiedIfPrometheusReportsItLoaded()
      throws IOException {
    pin(RejectedConfig.NOT_READY, "not ready within PT5M", Optional.of(BASELINE));

    List<String> lines = check("--prometheus-url", prometheusLoadedAt(BASELINE.plusSeconds(5)));

    assertTrue(lines.contains("  this config was pinned as prometheus-not-ready before (not "
        + "ready within PT5M); a reconcile would not reload it again until the desired config "
        + "changes, but would verify it and lift the pin if prometheus reports a successful "
        + "load later than 2026-03-01T10:00:00Z while its files are on disk"),
        String.join("\n", lines));
  }

  @Test
  void aFirstConfigPinnedNotReadyThatPrometheusLoadedSinceIsSaidToRunIt() throws IOException {
    pin(RejectedConfig.NOT_READY, "not ready within PT5M", Optional.of(BASELINE));

    List<String> lines = check("--prometheus-url", prometheusLoadedAt(BASELINE.plusSeconds(5)));

    assertTrue(lines.contains("prometheus: last load succeeded at 2026-03-01T10:00:05Z; it runs "
        + "the planned config: it loaded it after the pin's baseline 2026-03-01T10:00:00Z, "
        + "with its files on disk, so a reconcile would verify it and lift the pin"),
        String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_CHANGES, exitCode, String.join("\n", lines));
  }

  @Test
  void aFirstConfigPinnedNotReadyThatPrometheusDidNotLoadSinceStaysPinned() throws IOException {
    pin(RejectedConfig.NOT_READY, "not ready within PT5M", Optional.of(BASELINE));

    List<String> lines = check("--prometheus-url", prometheusLoadedAt(BASELINE));

    assertTrue(lines.contains("prometheus: last load succeeded at 2026-03-01T10:00:00Z; it does "
        + "not run the planned config"), String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_PINNED, exitCode, String.join("\n", lines));
  }

  /** Whether the pin is lifted depends on Prometheus' answer: without one, check cannot tell. */
  @Test
  void aFirstConfigPinnedNotReadyWithAPrometheusThatDoesNotAnswerCannotBeTold()
      throws IOException {
    pin(RejectedConfig.NOT_READY, "not ready within PT5M", Optional.of(BASELINE));
    String url;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      url = "http://127.0.0.1:" + closed.getLocalPort(); // nothing listens once closed
    }

    List<String> lines = check("--prometheus-url", url);

    assertTrue(lines.contains("cannot tell whether a reconcile would verify the pinned config "
        + "and lift the pin: that depends on prometheus' answer"), String.join("\n", lines));
    assertEquals(1, exitCode, String.join("\n", lines));
  }

  /**
   * Another config's files were written while the first config was pinned not ready (the
   * desired config had changed, and changed back since): a load says nothing of the pinned one.
   */
  @Test
  void aConfigPinnedNotReadyWhoseFilesAreNotOnDiskIsNotVerifiedByALoad() throws IOException {
    String pinned = DesiredState.configHashOf(new AtomicFileStore(outDir).readOwned());
    assertEquals(0, run("render", "--clusters", clusters.toString(), "--base-config",
        refusedBaseConfig().toString(), "--out", outDir.toString()), err.toString());
    out.getBuffer().setLength(0);
    new AtomicFileStore(outDir).markRejected(Optional.of(new RejectedConfig(pinned,
        RejectedConfig.NOT_READY, "not ready within PT5M", Optional.of(BASELINE))));

    List<String> lines = check("--prometheus-url", prometheusLoadedAt(BASELINE.plusSeconds(5)));

    assertTrue(lines.contains("  this config was pinned as prometheus-not-ready before (not "
        + "ready within PT5M); a reconcile would not reload it again until the desired config "
        + "changes"), String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_PINNED, exitCode, String.join("\n", lines));
  }

  @Test
  void aConfigPinnedNotReadyWithoutABaselineStaysPinned() throws IOException {
    pin(RejectedConfig.NOT_READY, "not ready within PT5M", Optional.empty());

    List<String> lines = check("--prometheus-url", prometheusLoadedAt(BASELINE.plusSeconds(5)));

    assertTrue(lines.contains("  this config was pinned as prometheus-not-ready before (not "
        + "ready within PT5M); a reconcile would not reload it again until the desired config "
        + "changes"), String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_PINNED, exitCode, String.join("\n", lines));
  }

  /**
   * A first config pinned not ready by an earlier promcc, which kept no baseline: Prometheus may
   * have loaded it after all, and nothing tells; a reconcile keeps the pin all the same.
   */
  @Test
  void aConfigPinnedNotReadyWithoutABaselineIsNotSaidToBeNotRun() throws IOException {
    pin(RejectedConfig.NOT_READY, "not ready within PT5M", Optional.empty());

    List<String> lines = check("--prometheus-url", prometheusLoadedAt(BASELINE.plusSeconds(5)));

    assertTrue(lines.contains("prometheus: last load succeeded at 2026-03-01T10:00:05Z; "
        + "promcc cannot tell whether it runs the planned config: the pin, recorded by an "
        + "earlier promcc, has no baseline to tell a load of its files from an earlier one, so "
        + "a reconcile keeps the pin whatever prometheus reports"), String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_PINNED, exitCode, String.join("\n", lines));
  }

  /**
   * The rendered config verified as loaded at {@code loadedAt}; then the config of another base
   * config pinned as not ready (baseline {@code BASELINE} + 10 s) and rolled back. Returns that
   * base config, the desired one for a check.
   */
  private Path verifiedThenPinnedNotReady(Instant loadedAt) throws IOException {
    verified(loadedAt);
    Path pinned = refusedBaseConfig();
    Path elsewhere = Files.createTempDirectory(temp, "pinned-out");
    assertEquals(0, run("render", "--clusters", clusters.toString(), "--base-config",
        pinned.toString(), "--out", elsewhere.toString()), err.toString());
    out.getBuffer().setLength(0);
    String config = DesiredState.configHashOf(new AtomicFileStore(elsewhere).readOwned());
    new AtomicFileStore(outDir).markRejected(Optional.of(new RejectedConfig(config,
        RejectedConfig.NOT_READY, "not ready within PT5M",
        Optional.of(BASELINE.plusSeconds(10)))));
    return pinned;
  }

  /**
   * A config pinned not ready with a verified config to roll back to, whose rollback's reload
   * was never seen (the verified config's load is recorded before the pin's baseline):
   * Prometheus may have loaded the pinned files after all before they were restored, and a
   * reconcile keeps the pin whatever it reports, so check cannot tell either.
   */
  @Test
  void aConfigPinnedNotReadyWhoseRollbackWasNotSeenIsNotSaidToBeNotRun() throws IOException {
    Path pinned = verifiedThenPinnedNotReady(BASELINE);

    List<String> lines = check("--base-config", pinned.toString(), "--prometheus-url",
        prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertTrue(lines.contains("prometheus: last load succeeded at 2026-03-01T10:00:20Z; "
        + "promcc cannot tell whether it runs the planned config: it was pinned as not ready, "
        + "so prometheus may have loaded it after all, and no load of the last verified config "
        + "after the pin's baseline 2026-03-01T10:00:10Z is recorded, so a reconcile keeps the "
        + "pin whatever prometheus reports"), String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_PINNED, exitCode, String.join("\n", lines));
  }

  /**
   * The rollback's reload was seen (the verified config's load is recorded at or after the pin's
   * baseline): Prometheus read the restored files after the pinned ones, and it does not run
   * the pinned config.
   */
  @Test
  void aConfigPinnedNotReadyWhoseRollbackWasSeenIsNotRun() throws IOException {
    Path pinned = verifiedThenPinnedNotReady(BASELINE.plusSeconds(10));

    List<String> lines = check("--base-config", pinned.toString(), "--prometheus-url",
        prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertTrue(lines.contains("prometheus: last load succeeded at 2026-03-01T10:00:20Z; it "
        + "does not run the planned config"), String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_PINNED, exitCode, String.join("\n", lines));
  }

  /** The pin of a config refused before the planned config went back to the verified one. */
  @Test
  void aPinOfAnotherConfigIsReportedAndLiftingItIsAChange() throws IOException {
    verifiedThenRefused(BASELINE);
    String refused = new AtomicFileStore(outDir).record().rejected().orElseThrow().configHash();

    List<String> lines = check("--prometheus-url", prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertTrue(lines.contains("  config " + refused.substring(0, 12) + " was rejected by "
        + "prometheus before (bad scrape config): that pin is of another config than the "
        + "planned one, and a reconcile lifts it once it delivers the planned config"),
        String.join("\n", lines));
    assertEquals("a reconcile would change something", lines.get(lines.size() - 1),
        String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_CHANGES, exitCode, String.join("\n", lines));
  }

  /** A reconcile lifts it only once Prometheus is found running the planned config. */
  @Test
  void aPinOfAnotherConfigWithAPrometheusThatDoesNotAnswerCannotBeTold() throws IOException {
    verifiedThenRefused(BASELINE);
    String url;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      url = "http://127.0.0.1:" + closed.getLocalPort(); // nothing listens once closed
    }

    List<String> lines = check("--prometheus-url", url);

    assertTrue(lines.stream().anyMatch(line -> line.endsWith("that pin is of another config "
        + "than the planned one, and a reconcile lifts it once it delivers the planned config")),
        String.join("\n", lines));
    assertEquals(1, exitCode, String.join("\n", lines));
  }

  @Test
  void withoutAPrometheusLiftingAPinOfAnotherConfigIsAChange() throws IOException {
    verifiedThenRefused(BASELINE);

    List<String> lines = check();

    assertTrue(lines.stream().anyMatch(line -> line.endsWith("that pin is of another config "
        + "than the planned one, and a reconcile lifts it once it delivers the planned config")),
        String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_CHANGES, exitCode, String.join("\n", lines));
  }

  /**
   * A cluster without certificate files, which a run would request: the run plans another
   * config, with its jobs, which the pin does not hold, so it does not finish the rollback.
   */
  @Test
  void clustersARunWouldRequestCertificatesForLeaveThePin() throws IOException {
    verified(BASELINE);
    Path refused = refusedBaseConfig();
    // the refused files stayed on disk: the rollback's restore failed
    assertEquals(0, run("render", "--clusters", clusters.toString(), "--base-config",
        refused.toString(), "--out", outDir.toString()), err.toString());
    out.getBuffer().setLength(0);
    pinRefused(refused);
    Files.writeString(clusters, "- id: alpha\n  provider: aws\n"
        + "  apiServer: https://alpha.example\n");

    List<String> lines = check("--base-config", refused.toString(), "--prometheus-url",
        prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertTrue(lines.contains("  this config was rejected by prometheus before (bad scrape "
        + "config); a run would request certificates and add their clusters' jobs: another "
        + "config, which the pin does not hold, and a reconcile lifts the pin once it delivers "
        + "that config"), String.join("\n", lines));
    assertTrue(lines.stream().noneMatch(line -> line.startsWith("  would restore")),
        String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_CHANGES, exitCode, String.join("\n", lines));
  }

  @Test
  void underAPinWithAPrometheusTheRefusedConfigIsNotListedAsWritten() throws IOException {
    Path refused = verifiedThenRefused(BASELINE);

    List<String> lines = check("--base-config", refused.toString(), "--prometheus-url",
        prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertTrue(lines.stream().anyMatch(line -> line.startsWith("  this config was rejected")),
        String.join("\n", lines));
    assertTrue(lines.stream().noneMatch(line -> line.startsWith("  would write")),
        String.join("\n", lines));
  }

  @Test
  void aRollbackThatDidNotFinishIsListedAsTheRestoreAReconcileWouldMake() throws IOException {
    String verified = verified(BASELINE);
    Path refused = refusedBaseConfig();
    // the refused files stayed on disk: the rollback's restore failed
    assertEquals(0, run("render", "--clusters", clusters.toString(), "--base-config",
        refused.toString(), "--out", outDir.toString()), err.toString());
    out.getBuffer().setLength(0);
    pinRefused(refused);

    List<String> lines = check("--base-config", refused.toString(), "--prometheus-url",
        prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertTrue(lines.contains("  would restore the last verified config "
        + verified.substring(0, 12) + " and reload it (the config on disk was not the last "
        + "verified one)"), String.join("\n", lines));
    assertTrue(lines.stream().noneMatch(line -> line.startsWith("  would write")),
        String.join("\n", lines));
  }

  @Test
  void aRefusedConfigWithNothingToRepairIsPinnedAndAReconcileWouldChangeNothing()
      throws IOException {
    Path refused = verifiedThenRefused(BASELINE);

    List<String> lines = check("--base-config", refused.toString(), "--prometheus-url",
        prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertEquals("pinned: a reconcile would change nothing; the planned config is not "
        + "delivered while it is pinned", lines.get(lines.size() - 1), String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_PINNED, exitCode, String.join("\n", lines));
  }

  @Test
  void aRollbackToFinishIsAChange() throws IOException {
    verified(BASELINE);
    Path refused = refusedBaseConfig();
    assertEquals(0, run("render", "--clusters", clusters.toString(), "--base-config",
        refused.toString(), "--out", outDir.toString()), err.toString());
    out.getBuffer().setLength(0);
    pinRefused(refused);

    List<String> lines = check("--base-config", refused.toString(), "--prometheus-url",
        prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertEquals("a reconcile would change something", lines.get(lines.size() - 1));
    assertEquals(CheckCommand.EXIT_CHANGES, exitCode, String.join("\n", lines));
  }

  @Test
  void withoutAPrometheusLiftingThePinIsAChangeEvenWithTheFilesOnDisk() {
    pin(RejectedConfig.REJECTED, "bad scrape config", Optional.of(BASELINE));

    List<String> lines = check();

    assertEquals("a reconcile would change something", lines.get(lines.size() - 1),
        String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_CHANGES, exitCode, String.join("\n", lines));
  }

  @Test
  void withoutAPrometheusAPinnedConfigIsWrittenAndUnpinned() {
    pin(RejectedConfig.REJECTED, "bad scrape config", Optional.of(BASELINE));

    List<String> lines = check();

    assertTrue(lines.contains("  this config was rejected by prometheus before (bad scrape "
        + "config); without --prometheus-url a reconcile would lift the pin and treat it like "
        + "any other config"), String.join("\n", lines));
  }
}
