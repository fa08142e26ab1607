package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * When the loop reconciles: at once, after the settle or the debounce, at least every max
 * delay, at the resync period, and when a result asks to run again.
 */
class ReconcileLoopTimingTest extends ReconcileLoopFixture {
  @Test
  void theFirstReconcileRunsAtOnce() {
    ReconcileLoop loop = loop(always(Outcome.RELOADED));
    assertTrue(loop.tick());
    assertFalse(loop.tick(), "nothing due until a trigger or the resync");
  }

  @Test
  void aTriggerRunsAfterTheDebounceFromTheLastTrigger() {
    ReconcileLoop loop = loop(always(Outcome.UNCHANGED));
    loop.tick();
    Instant start = clock.instant();
    loop.trigger("a");
    clock.advance(Duration.ofMillis(200));
    loop.trigger("b");
    clock.advance(Duration.ofMillis(200));
    assertFalse(loop.tick(), "the second trigger restarted the debounce");
    clock.advance(Duration.ofMillis(50));
    assertTrue(loop.tick());
    assertEquals(start.plusMillis(450), runs.get(1));
  }

  /** A loop with the controller's pacing, its first run done a minute ago. */
  private ReconcileLoop settlingAfterAQuietMinute() {
    ReconcileLoop loop = loop(always(Outcome.RELOADED), SETTLING);
    loop.tick();
    clock.advance(Duration.ofMinutes(1));
    return loop;
  }

  @Test
  void aLoneTriggerAfterAQuietSpellRunsAfterTheSettle() {
    ReconcileLoop loop = settlingAfterAQuietMinute();
    Instant start = clock.instant();
    loop.trigger("service a");
    clock.advance(SETTLE.minusMillis(1));
    assertFalse(loop.tick(), "before the settle");
    clock.advance(Duration.ofMillis(1));
    assertTrue(loop.tick());
    assertEquals(start.plus(SETTLE), runs.get(1));

    clock.advance(DEBOUNCE); // quiet again: the trigger before was a debounce ago
    Instant again = clock.instant();
    loop.trigger("service b");
    clock.advance(SETTLE);
    assertTrue(loop.tick());
    assertEquals(again.plus(SETTLE), runs.get(2));
  }

  @Test
  void aSecondTriggerWithinTheSettleMakesABurstThatWaitsForTheDebounce() {
    ReconcileLoop loop = settlingAfterAQuietMinute();
    loop.trigger("service a");
    clock.advance(Duration.ofMillis(10));
    Instant second = clock.instant();
    loop.trigger("secret a");
    runFor(loop, Duration.ofSeconds(1), Duration.ofMillis(1));
    assertEquals(List.of(second.plus(DEBOUNCE)), runs.subList(1, runs.size()));
  }

  @Test
  void aTriggerWithinTheDebounceOfTheOneBeforeWaitsForTheDebounceEvenAfterARun() {
    ReconcileLoop loop = settlingAfterAQuietMinute();
    Instant first = clock.instant();
    loop.trigger("batch 1");
    runFor(loop, Duration.ofMillis(100), Duration.ofMillis(1)); // the lone trigger's run
    Instant second = clock.instant();
    loop.trigger("batch 2");
    runFor(loop, Duration.ofSeconds(1), Duration.ofMillis(1));
    assertEquals(List.of(first.plus(SETTLE), second.plus(DEBOUNCE)),
        runs.subList(1, runs.size()));
  }

  @Test
  void withASettleABurstOf200ChangesWithinTwoSecondsIsStillAtMostTwoRuns() {
    ReconcileLoop loop = settlingAfterAQuietMinute();
    for (int i = 0; i < 200; i++) {
      loop.trigger("service " + i);
      clock.advance(Duration.ofMillis(10));
      loop.tick();
    }
    runFor(loop, Duration.ofSeconds(30), Duration.ofMillis(10));
    assertEquals(2, runs.size(), "one run for the whole burst: " + runs);
  }

  @Test
  void aSteadyStreamOfTriggersRunsAtLeastEveryMaxDelay() {
    ReconcileLoop loop = loop(always(Outcome.UNCHANGED));
    loop.tick();
    Instant start = clock.instant();
    for (int i = 0; i < 50; i++) { // a change every 100 ms for 5 s
      loop.trigger("change " + i);
      clock.advance(Duration.ofMillis(100));
      loop.tick();
    }
    assertEquals(List.of(start.plusSeconds(2), start.plusSeconds(4)), runs.subList(1, runs.size()));
  }

  @Test
  void aBurstOf200ChangesWithinTwoSecondsCausesAtMostTwoRuns() {
    ReconcileLoop loop = loop(always(Outcome.RELOADED));
    loop.tick();
    for (int i = 0; i < 200; i++) {
      loop.trigger("service " + i);
      clock.advance(Duration.ofMillis(10));
      loop.tick();
    }
    runFor(loop, Duration.ofSeconds(30), Duration.ofMillis(10));
    assertTrue(runs.size() - 1 <= 2, "runs after the burst: " + (runs.size() - 1));
    assertTrue(runs.size() - 1 >= 1);
  }

  @Test
  void withoutTriggersItRunsOnlyAtTheResyncPeriod() {
    ReconcileLoop loop = loop(always(Outcome.UNCHANGED));
    loop.tick();
    Instant start = clock.instant();
    runFor(loop, Duration.ofMinutes(11), Duration.ofSeconds(1));
    assertEquals(List.of(start.plus(RESYNC), start.plus(RESYNC).plus(RESYNC)),
        runs.subList(1, runs.size()));
  }

  @Test
  void aResultThatAsksToRunAgainIsRunThen() {
    Instant renewal = clock.instant().plusSeconds(90);
    ReconcileLoop loop = loop(() -> result(Outcome.WRITTEN, Optional.of(renewal)));
    loop.tick();
    runFor(loop, Duration.ofSeconds(100), Duration.ofSeconds(1));
    assertEquals(renewal, runs.get(1));
  }

  @Test
  void aResultThatAsksToRunAgainAtAMomentPastRunsAgainNoSoonerThanTheDebounce() {
    // a source asking for a moment already reached, again and again, must not spin the loop
    ReconcileLoop loop = loop(() -> result(Outcome.UNCHANGED,
        Optional.of(clock.instant().minusSeconds(1))));

    for (int i = 0; i < 1_000; i++) {
      loop.tick(); // the clock stands still
    }
    assertEquals(1, runs.size(), "runs without time passing");

    runFor(loop, Duration.ofSeconds(1), Duration.ofMillis(10));
    assertEquals(5, runs.size(), "runs in the next second, one per debounce: " + runs);
  }
}
