package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** After a failed run the loop backs off; what ends the backoff and what does not. */
class ReconcileLoopBackoffTest extends ReconcileLoopFixture {
  @Test
  void failuresBackOffExponentiallyWithJitterUpToAMinuteAndTriggersWait() {
    AtomicBoolean failing = new AtomicBoolean(true);
    ReconcileLoop loop = loop(() -> result(failing.get() ? Outcome.PROMETHEUS_UNAVAILABLE
        : Outcome.RELOADED, Optional.empty()));
    for (int i = 0; i < 30 * 60; i++) { // triggers keep coming: they must not defeat the backoff
      loop.trigger("change");
      loop.tick();
      clock.advance(Duration.ofSeconds(1));
    }
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < runs.size(); i++) {
      gaps.add(Duration.between(runs.get(i - 1), runs.get(i)).toSeconds());
    }
    // the n-th delay is drawn from [d/2, d] with d = min(60 s, 2^(n-1) s); a trigger each
    // second keeps pushing the debounce, so a retry comes at the later of the backoff and the
    // max delay after the first trigger (2 s), ticked each second
    long[] caps = {1, 2, 4, 8, 16, 32, 60};
    for (int i = 0; i < gaps.size(); i++) {
      long cap = caps[Math.min(i, caps.length - 1)];
      assertTrue(gaps.get(i) >= cap / 2 && gaps.get(i) <= Math.max(cap, 3) + 1,
          "gap " + i + ": " + gaps);
    }
    assertTrue(gaps.stream().skip(8).allMatch(g -> g >= 30), gaps.toString());
    assertEquals(Optional.empty(), loop.status().lastSuccessAt());

    failing.set(false);
    runFor(loop, Duration.ofSeconds(61), Duration.ofSeconds(1));
    assertTrue(loop.status().lastResult().orElseThrow().success());
    assertEquals(0, loop.status().failuresInARow());
    int before = runs.size();
    loop.trigger("change after recovery");
    clock.advance(DEBOUNCE);
    assertTrue(loop.tick(), "no backoff after a success");
    assertEquals(before + 1, runs.size());
  }

  @Test
  void aRunTheSourceWasNotReadyForRunsAgainAtTheSourcesNextTriggerNotAfterTheBackoff() {
    AtomicBoolean ready = new AtomicBoolean(false);
    ReconcileLoop loop = loop(() -> result(ready.get() ? Outcome.RELOADED
        : Outcome.SOURCE_NOT_READY, Optional.empty()), SETTLING);
    runFor(loop, Duration.ofMinutes(3), Duration.ofMillis(100)); // no trigger: backoff grows
    assertTrue(loop.status().failuresInARow() >= 6, "failures: " + runs.size());

    // the source recovers and says so (its listener): the retry is due at once, not only when
    // a backoff of up to a minute has passed
    ready.set(true);
    loop.clustersChanged("guest clusters changed");
    clock.advance(SETTLE);
    assertTrue(loop.tick(), "the run after the source's trigger waited for the backoff");
    assertTrue(loop.status().lastResult().orElseThrow().success());
  }

  @Test
  void aTriggerWhileARunTheSourceWasNotReadyForRanEndsTheBackoffToo() {
    // the source recovers while the retry reads it
    assertAChangeDuringTheRetryEndsItsBackoff(Outcome.SOURCE_NOT_READY,
        loop -> loop.clustersChanged("guest clusters changed"),
        "the trigger during the failed run waited for the backoff");
  }

  @Test
  void aChangeOfAnotherSourceDoesNotEndTheBackoffOfARunTheClusterSourceWasNotReadyFor() {
    AtomicInteger calls = new AtomicInteger();
    ReconcileLoop loop = loop(() -> {
      calls.incrementAndGet();
      return result(Outcome.SOURCE_NOT_READY, Optional.empty());
    }, SETTLING);
    assertTrue(loop.tick());

    // the cluster source is still failing: a certificate or a watched file changing says
    // nothing of it, and a run for each would fail as the last did
    loop.trigger("certificates changed");
    clock.advance(SETTLE);
    assertFalse(loop.tick(), "a certificates change ended the backoff: " + calls.get() + " runs");
    assertEquals(1, calls.get());
  }

  @Test
  void anEditOfTheBaseConfigOrProfileEndsTheBackoffOfARejectedRun() {
    AtomicBoolean fixed = new AtomicBoolean(false);
    ReconcileLoop loop = loop(() -> result(fixed.get() ? Outcome.RELOADED : Outcome.REJECTED,
        Optional.empty()), SETTLING);
    // four rejected runs in a row, the clock stopped right after the fourth: its backoff is
    // drawn from [4 s, 8 s]
    for (int i = 0; i < 20_000 && runs.size() < 4; i++) {
      if (!loop.tick()) {
        clock.advance(Duration.ofMillis(10));
      }
    }
    assertEquals(4, runs.size());

    // a certificate changing leaves the desired config's refusal as it was
    loop.trigger("certificates changed");
    clock.advance(SETTLE);
    assertFalse(loop.tick(), "a certificates change ended the backoff of a rejected run");

    // the operator fixes the base config: the pin ends with the desired config, so the fix is
    // tried after the debounce (a second change within the settle), not after the rest of a
    // backoff of up to a minute
    fixed.set(true);
    loop.plannerChanged("base config changed");
    clock.advance(DEBOUNCE);
    assertTrue(loop.tick(), "the run after the base config's edit waited for the backoff");
    assertTrue(loop.status().lastResult().orElseThrow().success());
  }

  @Test
  void anEditOfTheBaseConfigWhileARejectedRunRanEndsItsBackoffToo() {
    // the fix is read after the retry planned with the files before it
    assertAChangeDuringTheRetryEndsItsBackoff(Outcome.REJECTED,
        loop -> loop.plannerChanged("base config changed"),
        "the edit during the rejected run waited for the backoff");
  }

  /**
   * A run that ends {@code failed}, and its retry after the first backoff too, while
   * {@code during} tells the loop of a change: the run after the retry waits for no backoff.
   */
  private void assertAChangeDuringTheRetryEndsItsBackoff(Outcome failed,
      Consumer<ReconcileLoop> during, String message) {
    AtomicReference<ReconcileLoop> looped = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    ReconcileLoop loop = loop(() -> {
      if (calls.incrementAndGet() == 1) {
        return result(failed, Optional.empty());
      }
      if (calls.get() == 2) {
        during.accept(looped.get());
        return result(failed, Optional.empty());
      }
      return result(Outcome.RELOADED, Optional.empty());
    }, SETTLING);
    looped.set(loop);
    assertTrue(loop.tick());
    for (int i = 0; i < 100 && calls.get() < 2; i++) { // the first backoff is at most 1 s
      clock.advance(Duration.ofMillis(10));
      loop.tick();
    }
    assertEquals(2, calls.get(), "the retry after the first backoff");

    clock.advance(SETTLE);
    assertTrue(loop.tick(), message);
    assertEquals(3, calls.get());
  }

  @Test
  void aTriggerDoesNotEndTheBackoffOfAnyOtherFailure() {
    AtomicInteger calls = new AtomicInteger();
    ReconcileLoop loop = loop(() -> result(calls.incrementAndGet() < 3 ? Outcome.FAILED
        : Outcome.RELOADED, Optional.empty()), SETTLING);
    assertTrue(loop.tick());
    runFor(loop, Duration.ofSeconds(1), Duration.ofMillis(10));
    assertEquals(2, calls.get());
    loop.clustersChanged("guest clusters changed");
    clock.advance(SETTLE);
    assertFalse(loop.tick(), "a trigger ended the backoff after a failed write");
  }

  @Test
  void anExceptionFromTheReconcileIsAFailedRunNotADeadLoop() {
    AtomicInteger calls = new AtomicInteger();
    ReconcileLoop loop = loop(() -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("a bug");
      }
      return result(Outcome.UNCHANGED, Optional.empty());
    });
    loop.tick();
    assertEquals(Outcome.FAILED, results.get(0).outcome());
    assertTrue(results.get(0).message().contains("a bug"));
    runFor(loop, Duration.ofSeconds(2), Duration.ofMillis(100));
    assertEquals(Outcome.UNCHANGED, loop.status().lastResult().orElseThrow().outcome());
  }
}
