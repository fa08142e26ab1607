package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ScrapeDiscovery;
import io.promcc.core.testing.LogCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code failed} reconcile whose desired state a check refused ({@code promtool check config},
 * or the planner's check of the planned config): as after a {@code rejected} one, an edit of the
 * base config or profile, usually the operator's fix, ends its backoff, at most once per
 * {@link Schedule#EARLY_RETRY_SPACING}; a failure to write keeps its backoff. Simulated time.
 */
class ReconcileLoopRefusedDesiredTest extends ReconcileLoopFixture {
  private static final Duration TICK = Duration.ofMillis(10);
  private final LogCapture log = LogCapture.of(ReconcileLoop.class);

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  /** What promtool said of the desired config: nothing was written. */
  static ReconcileResult refused() {
    return new ReconcileResult(Outcome.FAILED, "desired state is invalid (1 problem) - promtool "
        + "check config failed (exit 1): FAILED: not a valid duration string", Optional.empty(),
        Optional.empty(), List.of(), List.of(), List.of(), new TreeMap<>(), List.of(),
        List.of(), new TreeMap<>(), false, false, false, Optional.empty(), new TreeMap<>(),
        false, List.of(), ScrapeDiscovery.NOT_CHECKED, true);
  }

  /** Runs until {@code count} runs were made, ticking every 10 ms (a backoff ends meanwhile). */
  private void runUntil(ReconcileLoop loop, int count) {
    for (int i = 0; i < 20_000 && runs.size() < count; i++) {
      if (!loop.tick()) {
        clock.advance(TICK);
      }
    }
    assertEquals(count, runs.size());
  }

  @Test
  void anEditOfTheBaseConfigOrProfileEndsTheBackoffOfARefusedDesiredState() {
    AtomicBoolean fixed = new AtomicBoolean(false);
    ReconcileLoop loop = loop(() -> fixed.get() ? result(Outcome.RELOADED, Optional.empty())
        : refused(), SETTLING);
    runUntil(loop, 4); // the clock stopped right after the fourth: a backoff of 4 s to 8 s

    loop.trigger("certificates changed"); // says nothing of the refused files
    clock.advance(SETTLE);
    assertFalse(loop.tick(), "a certificates change ended the backoff of a refused config");

    fixed.set(true);
    loop.plannerChanged("base config changed");
    clock.advance(DEBOUNCE); // a second change within the settle: a burst
    assertTrue(loop.tick(), "the run after the base config's fix waited for the backoff");
    assertTrue(loop.status().lastResult().orElseThrow().success());
  }

  @Test
  void anEditWhileARefusedRunRanMakesItsRetryNow() {
    AtomicReference<ReconcileLoop> looped = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    ReconcileLoop loop = loop(() -> {
      if (calls.incrementAndGet() == 1) {
        looped.get().plannerChanged("profile changed"); // read while the run planned
        return refused();
      }
      return result(Outcome.RELOADED, Optional.empty());
    }, SETTLING);
    looped.set(loop);
    assertTrue(loop.tick());

    clock.advance(SETTLE);
    assertTrue(loop.tick(), "the edit read during the refused run waited for the backoff");
    assertTrue(log.messages().stream().anyMatch(l -> l.matches("reconcile failed \\(.*promtool"
        + ".*; retrying now: the base config or profile changed meanwhile \\(1 in a row\\)")),
        log.messages().toString());
  }

  @Test
  void theLineOfARefusedRunSaysItIsRetriedAlsoAtTheNextEdit() {
    ReconcileLoop loop = loop(ReconcileLoopRefusedDesiredTest::refused, SETTLING);
    loop.tick();
    clock.advance(Duration.ofSeconds(61));
    loop.tick(); // a repeat: its short line says so too

    List<String> lines = log.messages().stream().filter(l -> l.startsWith("reconcile "))
        .toList();
    assertEquals(2, lines.size(), log.messages().toString());
    assertTrue(lines.get(0).matches("reconcile failed \\(.*promtool.*; retrying in \\d+ ms "
        + "\\(1 in a row\\) or at the next edit of the base config or profile"), lines.get(0));
    assertTrue(lines.get(1).matches("reconcile failed as before; retrying in \\d+ ms \\(2 in "
        + "a row\\) or at the next edit of the base config or profile"), lines.get(1));
  }

  @Test
  void aBurstOfRefusedEditsRunsABoundedNumberOfChecks() {
    ReconcileLoop loop = loop(ReconcileLoopRefusedDesiredTest::refused, SETTLING);
    for (int s = 0; s < 120; s++) { // an editor saving a bad edit every second
      loop.plannerChanged("base config changed");
      runFor(loop, Duration.ofSeconds(1), TICK);
    }
    // the first run, the early retries (one per 30 s: at most 4 more) and the retries at the
    // backoff's end (after 1, 2, 4, 8, 16, 32 s at the most: at most 7 in 2 minutes)
    int bound = 1 + 4 + 7;
    assertTrue(runs.size() <= bound, runs.size() + " promtool runs for 120 bad edits, more "
        + "than " + bound);
  }

  @Test
  void anEditLeavesTheBackoffOfAFailedWriteAsItIs() {
    ReconcileLoop loop = loop(always(Outcome.FAILED), SETTLING);
    runUntil(loop, 4);
    Instant fourth = runs.get(3);

    loop.plannerChanged("base config changed");
    clock.advance(SETTLE);
    assertFalse(loop.tick(), "an edit ended the backoff of a failed write");
    assertEquals(fourth, runs.get(3));
  }
}
