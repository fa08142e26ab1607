package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The schedule never makes the loop spin, whatever triggers when and however runs end: a run
 * after a failure other than {@code source-not-ready} or {@code rejected} waits its backoff
 * whatever triggers; a run after a {@code source-not-ready} one waits its backoff unless the
 * cluster source triggered since that run started, and a run after a {@code rejected} one
 * unless the base config or profile was read anew since then (another source's trigger ends
 * neither); a run after a success waits the resync unless something triggered. So runs beyond
 * one per trigger are at least half a second apart, and runs an edit brought before a rejected
 * run's backoff ended are at least {@link Schedule#EARLY_RETRY_SPACING} apart (unless a success
 * came between). Simulated time, no clock.
 */
class ScheduleNoSpinPropertyTest {
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
  /** The shortest backoff: the upper half of the first step of 1 s. */
  private static final long SHORTEST_BACKOFF_MS = 500;

  private record Run(long start, long end, Outcome outcome, long backoff) {}

  @Property(tries = 300)
  void runsBeyondOnePerTriggerWaitTheirBackoffOrResync(
      @ForAll @IntRange(max = 100) int settleMs, @ForAll @IntRange(max = 1000) int debounceExtra,
      @ForAll @IntRange(max = 5000) int maxDelayExtra,
      @ForAll @IntRange(min = 1000, max = 60_000) int resyncMs,
      @ForAll @Size(max = 60) List<@IntRange(max = 3000) Integer> triggerGaps,
      @ForAll @Size(min = 1, max = 20) List<Outcome> outcomes,
      @ForAll @Size(min = 1, max = 20) List<@IntRange(max = 2000) Integer> durations,
      @ForAll @Size(min = 1, max = 20) List<Boolean> fromClusterSource,
      @ForAll @Size(min = 1, max = 20) List<Boolean> fromPlanner, @ForAll long seed) {
    Pacing pacing = new Pacing(Duration.ofMillis(settleMs),
        Duration.ofMillis(settleMs + debounceExtra),
        Duration.ofMillis(settleMs + debounceExtra + maxDelayExtra), Duration.ofMillis(resyncMs));
    Schedule schedule = new Schedule(pacing,
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new SplittableRandom(seed)),
        T0);
    List<Long> triggers = new ArrayList<>();
    long at = 0;
    for (int gap : triggerGaps) {
      at += gap;
      triggers.add(at);
    }
    long horizon = at + 120_000;
    List<Run> runs = new ArrayList<>();
    int next = 0; // the next trigger to apply
    long now = 0;
    while (now <= horizon && runs.size() < 10_000) {
      long due = Math.max(now, millis(schedule.nextRun()));
      if (next < triggers.size() && triggers.get(next) <= due) {
        now = Math.max(now, triggers.get(next++));
        trigger(schedule, T0.plusMillis(now), fromClusterSource, fromPlanner, next - 1);
        continue;
      }
      long start = due;
      schedule.started(T0.plusMillis(start));
      long end = start + durations.get(runs.size() % durations.size());
      while (next < triggers.size() && triggers.get(next) < end) { // triggers while it runs
        trigger(schedule, T0.plusMillis(Math.max(start, triggers.get(next))),
            fromClusterSource, fromPlanner, next++);
      }
      Outcome outcome = outcomes.get(runs.size() % outcomes.size());
      long backoff = schedule.finished(T0.plusMillis(end), outcome, Optional.empty())
          .map(Duration::toMillis).orElse(0L);
      runs.add(new Run(start, end, outcome, backoff));
      now = end;
    }
    assertTrue(runs.size() < 10_000, "the loop spins: " + runs.size() + " runs");
    assertEarlyRetriesAreSpaced(runs, triggers);
    for (int i = 0; i + 1 < runs.size(); i++) {
      Run run = runs.get(i);
      Run after = runs.get(i + 1);
      boolean triggered = false;
      boolean sourceTriggered = false;
      boolean plannerTriggered = false;
      for (int k = 0; k < triggers.size(); k++) {
        if (triggers.get(k) > run.start() && triggers.get(k) <= after.start()) {
          triggered = true;
          sourceTriggered |= source(fromClusterSource, k);
          plannerTriggered |= planner(fromClusterSource, fromPlanner, k);
        }
      }
      String said = "run " + i + " " + run + " then " + after + ", triggers " + triggers;
      if (!run.outcome().success()
          && (run.outcome() != Outcome.SOURCE_NOT_READY || !sourceTriggered)
          && (run.outcome() != Outcome.REJECTED || !plannerTriggered)) {
        assertTrue(after.start() >= run.end() + run.backoff(), "backoff cut short: " + said);
      }
      if (run.outcome().success() && !triggered) {
        assertTrue(after.start() >= run.end() + resyncMs, "resync cut short: " + said);
      }
      if (!triggered) {
        assertTrue(after.start() >= run.end() + SHORTEST_BACKOFF_MS, "no pause: " + said);
      }
    }
  }

  /**
   * Runs that follow a rejected one sooner than its backoff could end (an edit brought them
   * forward) are at least {@link Schedule#EARLY_RETRY_SPACING} apart unless a success came
   * between: a burst of edits cannot make Prometheus reload (and roll back) for each.
   */
  private static void assertEarlyRetriesAreSpaced(List<Run> runs, List<Long> triggers) {
    long lastEarly = Long.MIN_VALUE;
    int failures = 0;
    for (int i = 0; i + 1 < runs.size(); i++) {
      Run run = runs.get(i);
      failures = run.outcome().success() ? 0 : failures + 1;
      if (run.outcome().success()) {
        lastEarly = Long.MIN_VALUE; // a success ends the rejections whose retries are spaced
      }
      long shortest = Math.min(60_000L, 1000L << Math.min(failures - 1, 6)) / 2;
      Run after = runs.get(i + 1);
      if (run.outcome() != Outcome.REJECTED || after.start() >= run.end() + shortest) {
        continue;
      }
      assertTrue(lastEarly == Long.MIN_VALUE
          || after.start() - lastEarly >= Schedule.EARLY_RETRY_SPACING.toMillis(),
          "early retries " + (after.start() - lastEarly) + " ms apart: run " + (i + 1) + " "
          + after + " after " + run + ", the last early one at " + lastEarly + ", triggers "
          + triggers);
      lastEarly = after.start();
    }
  }

  /** The trigger {@code k}: the cluster source's, the planner files', or another source's. */
  private static void trigger(Schedule schedule, Instant at, List<Boolean> fromClusterSource,
      List<Boolean> fromPlanner, int k) {
    if (planner(fromClusterSource, fromPlanner, k)) {
      schedule.plannerTriggered(at);
    } else {
      schedule.triggered(at, source(fromClusterSource, k));
    }
  }

  /** Whether the trigger {@code k} is a new read of the base config or profile. */
  private static boolean planner(List<Boolean> fromClusterSource, List<Boolean> fromPlanner,
      int k) {
    return !source(fromClusterSource, k) && fromPlanner.get(k % fromPlanner.size());
  }

  /** Whether the trigger {@code k} is the cluster source's. */
  private static boolean source(List<Boolean> fromClusterSource, int k) {
    return fromClusterSource.get(k % fromClusterSource.size());
  }

  private static long millis(Instant instant) {
    return Duration.between(T0, instant).toMillis();
  }
}
