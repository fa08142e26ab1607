package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.RejectedConfig;
import io.promcc.prometheus.AtomicFileStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What {@code promcc check} says of a config pinned as not ready in time: whether a reconcile
 * would verify it and lift the pin depends on the pin's baseline, the files on disk and what
 * Prometheus reports.
 */
class CheckCommandNotReadyPinTest extends CheckCommandFixture {
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
    refusedOnDisk();
    new AtomicFileStore(outDir).mark(new DeliveryMark.Rejected(Optional.of(new RejectedConfig(
        pinned, RejectedConfig.NOT_READY, "not ready within PT5M", Optional.of(BASELINE)))));

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
    pinConfigOf(pinned, RejectedConfig.NOT_READY, "not ready within PT5M");
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
}
