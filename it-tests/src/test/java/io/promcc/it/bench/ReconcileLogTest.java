package io.promcc.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.it.LogFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's reconciles read from its log. */
class ReconcileLogTest {
  @TempDir
  Path dir;

  @Test
  void readsStartDurationAndOutcomeAndFindsTheReconcileThatCarriedAChange() throws IOException {
    Path log = dir.resolve("promcc.log");
    Files.writeString(log, String.join("\n",
        "2026-12-02T23:01:44.100Z INFO io.promcc.app.run.Controller: sources synced; reconciling",
        "2026-12-02T23:01:45.343Z INFO io.promcc.app.loop.ReconcileLoop: reconcile reloaded: "
            + "4 written, 0 deleted, 6 active, 0 degraded, 0 waiting, 0 rejected, in 230 ms",
        "2026-12-02T23:01:45.900Z INFO io.promcc.app.loop.ReconcileLoop: reconcile unchanged: "
            + "0 written, 0 deleted, 6 active, 0 degraded, 0 waiting, 0 rejected, in 12 ms",
        "2026-12-02T23:01:47.150Z INFO io.promcc.app.loop.ReconcileLoop: reconcile reloaded: "
            + "4 written, 3 deleted, 6 active, 0 degraded, 0 waiting, 0 rejected, in 319 ms",
        ""));
    LogFile file = new LogFile(log);

    assertEquals(List.of(
        new ReconcileLog.Reconcile(Instant.parse("2026-12-02T23:01:45.113Z"),
            Duration.ofMillis(230), "reloaded"),
        new ReconcileLog.Reconcile(Instant.parse("2026-12-02T23:01:45.888Z"),
            Duration.ofMillis(12), "unchanged"),
        new ReconcileLog.Reconcile(Instant.parse("2026-12-02T23:01:46.831Z"),
            Duration.ofMillis(319), "reloaded")), ReconcileLog.of(file));
    // a change made after the first reload's start: carried by the next reload, not by the
    // unchanged reconcile between them
    assertEquals(Optional.of(Instant.parse("2026-12-02T23:01:46.831Z")),
        ReconcileLog.firstReloadSince(file, Instant.parse("2026-12-02T23:01:45.200Z"))
            .map(ReconcileLog.Reconcile::start));
    assertEquals(Optional.empty(),
        ReconcileLog.firstReloadSince(file, Instant.parse("2026-12-02T23:01:47.000Z")));
  }
}
