package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Edits of the base config or profile after a rejected run: an edit brings the retry forward,
 * so an operator's fix is not held back by a backoff of up to a minute, but at most once per
 * {@link Schedule#EARLY_RETRY_SPACING}, so that a burst of bad edits (an editor that saves every
 * second) costs Prometheus a bounded number of reloads. A rejected run of a config not tried
 * before costs two, the refused reload and the rollback's; one of the pinned config none.
 */
class ReconcileLoopEditBurstTest extends ReconcileLoopFixture {
  private static final Duration TICK = Duration.ofMillis(10);
  /** The edits saved so far; each is a new desired config. */
  private int edits;
  /** The edit last reloaded, or -1. */
  private int tried = -1;
  /** The first edit Prometheus accepts. */
  private int fixedFrom = Integer.MAX_VALUE;
  /** Edits before {@link #fixedFrom} that Prometheus accepts all the same. */
  private final Set<Integer> fixes = new HashSet<>();
  private int reloads;
  /** How long a run takes on the clock (a reload of a large config takes seconds). */
  private Duration runTime = Duration.ZERO;
  private final AtomicReference<ReconcileLoop> looped = new AtomicReference<>();
  /** Whether each run ends while an editor saves again. */
  private boolean editDuringRuns;

  private ReconcileLoop editedLoop() {
    ReconcileLoop loop = loop(this::reconcileTheLatestEdit, SETTLING);
    looped.set(loop);
    return loop;
  }

  /** The latest edit reconciled: reloaded if not tried before, refused unless it is a fix. */
  private ReconcileResult reconcileTheLatestEdit() {
    clock.advance(runTime);
    int edit = edits;
    if (editDuringRuns) {
      edit(looped.get());
    }
    if (edit >= fixedFrom || fixes.contains(edit)) {
      reloads++;
      tried = edit;
      return result(Outcome.RELOADED, Optional.empty());
    }
    if (edit != tried) { // pinned once refused: a retry of the same config reloads nothing
      reloads += 2;
      tried = edit;
    }
    return result(Outcome.REJECTED, Optional.empty());
  }

  private void edit(ReconcileLoop loop) {
    edits++;
    loop.plannerChanged("base config changed");
  }

  /** Saves a bad edit every second for {@code seconds}, ticking every 10 ms. */
  private void saveBadEditsEverySecond(ReconcileLoop loop, int seconds) {
    for (int s = 0; s < seconds; s++) {
      edit(loop);
      runFor(loop, Duration.ofSeconds(1), TICK);
    }
  }

  @Test
  void aBurstOfBadEditsCostsABoundedNumberOfReloads() {
    ReconcileLoop loop = editedLoop();
    saveBadEditsEverySecond(loop, 120);

    // 120 edits in 2 minutes, where each edit cost two reloads: the runs are the first, the
    // early retries (one per 30 s: at most 4 more) and the retries at the backoff's end (after
    // 1, 2, 4, 8, 16, 32 s at the most: at most 7 in 2 minutes), two reloads each
    int bound = 2 * (1 + 4 + 7);
    assertTrue(reloads <= bound, reloads + " reloads for 120 bad edits in " + runs.size()
        + " runs, more than " + bound);
  }

  @Test
  void editsSavedWhileEachRejectedRunRunsCostABoundedNumberOfReloads() {
    ReconcileLoop loop = editedLoop();
    runTime = Duration.ofSeconds(3);
    editDuringRuns = true;
    Instant end = clock.instant().plus(Duration.ofMinutes(2));
    while (clock.instant().isBefore(end)) { // each run moves the clock too
      clock.advance(TICK);
      loop.tick();
    }

    // each run sees an edit saved while it ran, which brought its retry forward to now: one
    // run after another, each reloading twice (80 reloads in 2 minutes)
    int bound = 2 * (1 + 4 + 7);
    assertTrue(reloads <= bound, reloads + " reloads in " + runs.size() + " runs of 3 s with "
        + "an edit during each, more than " + bound);
  }

  @Test
  void aFixAfterABurstOfBadEditsIsReloadedWithinTheSpacing() {
    ReconcileLoop loop = editedLoop();
    saveBadEditsEverySecond(loop, 120);
    int before = runs.size();

    fixedFrom = edits + 1;
    edit(loop);
    Instant saved = clock.instant();
    for (int i = 0; i < 10_000 && runs.size() == before; i++) {
      clock.advance(TICK);
      loop.tick();
    }
    assertTrue(loop.status().lastResult().orElseThrow().success());
    Duration waited = Duration.between(saved, runs.get(runs.size() - 1));
    // not the rest of a backoff of up to a minute
    assertTrue(waited.compareTo(Schedule.EARLY_RETRY_SPACING.plus(DEBOUNCE)) <= 0,
        "the fix waited " + waited);
  }

  @Test
  void aFixAfterABadEditIsReloadedAtOnceThoughAnEarlierEditWasRetriedEarly() {
    ReconcileLoop loop = editedLoop();
    saveBadEditsEverySecond(loop, 2); // the first run, and the second edit retried early
    assertEquals(4, reloads);
    runFor(loop, Duration.ofMinutes(5), Duration.ofMillis(100)); // the pin: retries reload nothing
    edit(loop);
    runFor(loop, Duration.ofSeconds(40), TICK); // a bad edit, its retry brought forward
    assertEquals(6, reloads);

    fixedFrom = edits + 1;
    edit(loop); // saved 40 s after the bad edit's early retry, within its backoff
    clock.advance(SETTLE);
    assertTrue(loop.tick(), "the fix waited for the backoff");
    assertTrue(loop.status().lastResult().orElseThrow().success());
    assertEquals(7, reloads);
  }

  /**
   * Bad, fix, bad, fix: the first fix, an early retry, succeeded, which ends the rejections
   * whose retries the spacing bounds; the second fix is not held back for 30 s from the first.
   */
  @Test
  void aFixAfterASuccessAndANewBadEditIsReloadedAtOnceThoughTheFirstFixCameEarly() {
    ReconcileLoop loop = editedLoop();
    edit(loop);
    runFor(loop, Duration.ofMinutes(2), Duration.ofMillis(100)); // the pin: retries 30 s apart
    fixes.add(edits + 1);
    edit(loop); // within the backoff: an early retry
    runFor(loop, Duration.ofSeconds(1), TICK);
    assertTrue(loop.status().lastResult().orElseThrow().success());
    Instant firstFix = runs.get(runs.size() - 1);
    edit(loop); // a new typo
    runFor(loop, Duration.ofSeconds(10), TICK);
    int before = runs.size();
    for (int i = 0; i < 10_000 && runs.size() == before; i++) { // a retry of the pinned edit
      clock.advance(TICK);
      loop.tick();
    }
    assertEquals(before + 1, runs.size(), "no retry of the new typo");
    assertEquals(5, reloads);

    fixes.add(edits + 1);
    edit(loop); // just after that retry: within its backoff
    Instant saved = clock.instant();
    assertTrue(saved.isBefore(firstFix.plus(Schedule.EARLY_RETRY_SPACING)), "within 30 s");
    for (int i = 0; i < 10_000 && runs.size() == before + 1; i++) {
      clock.advance(TICK);
      loop.tick();
    }
    Duration waited = Duration.between(saved, runs.get(runs.size() - 1));
    assertTrue(waited.compareTo(DEBOUNCE) < 0, "the second fix waited " + waited + ", "
        + Duration.between(firstFix, saved) + " after the first fix was retried early");
    assertTrue(loop.status().lastResult().orElseThrow().success());
    assertEquals(6, reloads);
  }
}
