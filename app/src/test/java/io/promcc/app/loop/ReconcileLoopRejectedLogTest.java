package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the loop's line of a {@code rejected} reconcile says of its retry: an edit of the base
 * config or profile ends its backoff (operations.md, when the controller reconciles), so the
 * line says so, as a {@code source-not-ready} one names the source's next change.
 */
class ReconcileLoopRejectedLogTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final LogCapture log = LogCapture.of(ReconcileLoop.class);

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  private static ReconcileResult result(Outcome outcome, String message) {
    return new ReconcileResult(outcome, message, Optional.empty(), Optional.empty(), List.of(),
        List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(), false,
        false, false, Optional.empty(), new TreeMap<>());
  }

  private static final ReconcileResult REJECTED = result(Outcome.REJECTED,
      "prometheus rejected config 0123abcd: bad relabel config; restored and reloaded the last "
          + "verified config 4567ef01");

  private ReconcileLoop loop(Supplier<ReconcileResult> reconcile) {
    return new ReconcileLoop(reconcile, r -> { }, new Pacing(Duration.ofMillis(25),
        Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofMinutes(5)), clock,
        new SplittableRandom(1));
  }

  private List<String> reconcileLines() {
    return log.messages().stream().filter(l -> l.startsWith("reconcile ")).toList();
  }

  @Test
  void aRejectedRunSaysItIsRetriedAlsoAtTheNextEditOfTheBaseConfigOrProfile() {
    ReconcileLoop loop = loop(() -> REJECTED);

    loop.tick();
    clock.advance(Duration.ofSeconds(61));
    loop.tick(); // a repeat: its short line says so too

    List<String> lines = reconcileLines();
    assertEquals(2, lines.size(), log.messages().toString());
    assertTrue(lines.get(0).matches("reconcile rejected \\(prometheus rejected config 0123abcd: "
        + ".*; retrying in \\d+ ms \\(1 in a row\\) or at the next edit of the base config or "
        + "profile"), lines.get(0));
    assertTrue(lines.get(1).matches("reconcile rejected as before; retrying in \\d+ ms \\(2 in "
        + "a row\\) or at the next edit of the base config or profile"), lines.get(1));
  }

  @Test
  void aRejectedRunTheBaseConfigWasEditedDuringSaysItIsRetriedNow() {
    AtomicReference<ReconcileLoop> looped = new AtomicReference<>();
    ReconcileLoop loop = loop(() -> {
      looped.get().plannerChanged("base config changed"); // read while the run ran
      return REJECTED;
    });
    looped.set(loop);

    loop.tick();

    List<String> lines = reconcileLines();
    assertEquals(1, lines.size(), log.messages().toString());
    assertTrue(lines.get(0).endsWith("; retrying now: the base config or profile changed "
        + "meanwhile (1 in a row)"), lines.get(0));
  }

  @Test
  void editsWithinTheSpacingOfAnEarlyRetrySayWhenTheNextMayCome() {
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<ReconcileLoop> looped = new AtomicReference<>();
    ReconcileLoop loop = loop(() -> {
      if (calls.incrementAndGet() == 2) {
        looped.get().plannerChanged("base config changed"); // read while the early retry ran
      }
      return REJECTED;
    });
    looped.set(loop);
    loop.tick();
    loop.plannerChanged("base config changed");
    clock.advance(Duration.ofMillis(25));
    loop.tick(); // brought forward by the edit
    clock.advance(Duration.ofSeconds(29));
    loop.tick(); // its backoff, at most 2 s, had passed: the edit during it was taken; its own
    // backoff, 2 to 4 s, ends after the 30 s since the early retry, 1 s from now

    List<String> lines = reconcileLines();
    assertEquals(3, calls.get(), log.messages().toString());
    assertTrue(lines.get(1).matches("reconcile rejected as before; retrying in \\d+ ms \\(2 in "
        + "a row\\): the base config or profile changed meanwhile, and an edit brings a retry "
        + "forward once per 30 s"), lines.get(1));
    assertTrue(lines.get(2).matches("reconcile rejected as before; retrying in \\d+ ms \\(3 in "
        + "a row\\) or at an edit of the base config or profile from 1000 ms on \\(an edit "
        + "brings a retry forward once per 30 s\\)"), lines.get(2));
  }

  /** Other failures are not ended by an edit, and their lines do not say they are. */
  @Test
  void otherFailuresDoNotSayAnEditEndsTheirBackoff() {
    AtomicInteger calls = new AtomicInteger();
    List<ReconcileResult> results = List.of(result(Outcome.FAILED, "cannot write \"/out\""),
        result(Outcome.PROMETHEUS_UNAVAILABLE, "connection refused"),
        result(Outcome.SOURCE_NOT_READY, "cannot list services: http status 500"));
    ReconcileLoop loop = loop(() -> results.get(calls.getAndIncrement()));

    for (int i = 0; i < results.size(); i++) {
      loop.tick();
      clock.advance(Duration.ofSeconds(61));
    }

    List<String> lines = reconcileLines();
    assertEquals(3, lines.size(), log.messages().toString());
    lines.forEach(line -> assertFalse(line.contains("base config"), line));
  }
}
