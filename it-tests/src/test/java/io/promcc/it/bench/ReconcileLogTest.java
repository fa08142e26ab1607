package io.promcc.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.it.LogFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's reconciles read from its log. */
class ReconcileLogTest {
  @TempDir
  Path dir;

  @Test
  void readsEachReconcileWithItsPhasesAndFindsTheOneThatCarriedAChange() throws IOException {
    Path log = dir.resolve("promcc.log");
    Files.writeString(log, String.join("\n",
        "2026-12-02T23:01:44.100Z INFO io.promcc.app.run.Controller: sources synced; reconciling",
        "2026-12-02T23:01:45.343Z INFO io.promcc.app.loop.ReconcileLoop: reconcile reloaded: "
            + "4 written, 0 deleted, 6 active, 0 degraded, 0 waiting, 0 rejected, in 230 ms",
        "2026-12-02T23:01:45.900Z INFO io.promcc.app.loop.ReconcileLoop: reconcile unchanged: "
            + "0 written, 0 deleted, 6 active, 0 degraded, 0 waiting, 0 rejected, in 12 ms",
        "2026-12-02T23:01:47.150Z INFO io.promcc.app.loop.ReconcileLoop: reconcile reloaded: "
            + "4 written, 3 deleted, 6 active, 0 degraded, 0 waiting, 0 rejected, in 319 ms "
            + "(observe 12, plan 3, diff 1, validate 2, write 20, reload 270, verify 11)",
        ""));
    LogFile file = new LogFile(log);
    Map<String, Duration> phases = new LinkedHashMap<>();
    phases.put("observe", Duration.ofMillis(12));
    phases.put("plan", Duration.ofMillis(3));
    phases.put("diff", Duration.ofMillis(1));
    phases.put("validate", Duration.ofMillis(2));
    phases.put("write", Duration.ofMillis(20));
    phases.put("reload", Duration.ofMillis(270));
    phases.put("verify", Duration.ofMillis(11));

    assertEquals(List.of(
        new ReconcileLog.Reconcile(Instant.parse("2026-12-02T23:01:45.113Z"),
            Duration.ofMillis(230), "reloaded", Map.of()),
        new ReconcileLog.Reconcile(Instant.parse("2026-12-02T23:01:45.888Z"),
            Duration.ofMillis(12), "unchanged", Map.of()),
        new ReconcileLog.Reconcile(Instant.parse("2026-12-02T23:01:46.831Z"),
            Duration.ofMillis(319), "reloaded", phases)), ReconcileLog.of(file));
    ReconcileLog.Reconcile last = ReconcileLog.of(file).get(2);
    assertEquals(List.copyOf(phases.keySet()), List.copyOf(last.phases().keySet()));
    assertEquals(Duration.ofMillis(38), last.before("reload"));
    assertEquals(Duration.ofMillis(319), last.before("none such"));
    // a change made after the first reload's start: carried by the next reload, not by the
    // unchanged reconcile between them
    assertEquals(Optional.of(Instant.parse("2026-12-02T23:01:46.831Z")),
        ReconcileLog.firstReloadSince(file, Instant.parse("2026-12-02T23:01:45.200Z"))
            .map(ReconcileLog.Reconcile::start));
    assertEquals(Optional.empty(),
        ReconcileLog.firstReloadSince(file, Instant.parse("2026-12-02T23:01:47.000Z")));
  }
}
