package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The schedule never makes the loop spin, whatever triggers when and however runs end: a run
 * after a failure other than {@code source-not-ready}, {@code rejected} or {@code
 * prometheus-unavailable} waits its backoff whatever triggers; a run after a {@code
 * source-not-ready} one waits its backoff unless the cluster source triggered since that run
 * started, a run after a {@code rejected} one (or a {@code failed} one whose desired state a
 * check refused) unless the base config or profile was read anew since then, and a run after
 * a {@code prometheus-unavailable} one unless Prometheus answered again since then, and then at
 * least the debounce after it, or its backoff if shorter, which an answer never puts off
 * (another source's trigger ends none of them); a run after a success waits the resync unless
 * something triggered, an answer of Prometheus is no trigger. So runs beyond one per trigger or
 * answer are at least half a second apart, each answer ends at most one backoff, and runs an
 * edit brought before such a run's backoff ended are at least {@link
 * Schedule#EARLY_RETRY_SPACING} apart (unless a success came between). Simulated time, no clock.
 */
class ScheduleNoSpinPropertyTest {
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
  /** The shortest backoff: the upper half of the first step of 1 s. */
  private static final long SHORTEST_BACKOFF_MS = 500;

  /** {@code editEnds}: an edit of the base config or profile ends its backoff. */
  private record Run(long start, long end, Outcome outcome, long backoff, boolean editEnds) {}

  @Property(tries = 300)
  void runsBeyondOnePerTriggerWaitTheirBackoffOrResync(
      @ForAll @IntRange(max = 100) int settleMs, @ForAll @IntRange(max = 1000) int debounceExtra,
      @ForAll @IntRange(max = 5000) int maxDelayExtra,
      @ForAll @IntRange(min = 1000, max = 60_000) int resyncMs,
      @ForAll @Size(max = 60) List<@IntRange(max = 3000) Integer> triggerGaps,
      @ForAll @Size(min = 1, max = 20) List<Outcome> outcomes,
      @ForAll @Size(min = 1, max = 20) List<@IntRange(max = 2000) Integer> durations,
      @ForAll @Size(min = 1, max = 20) List<Boolean> fromClusterSource,
      @ForAll @Size(min = 1, max = 20) List<Boolean> fromPlanner,
      @ForAll @Size(min = 1, max = 20) List<Boolean> fromPrometheus,
      @ForAll @Size(min = 1, max = 20) List<Boolean> refusedDesired, @ForAll long seed) {
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
    Kinds kinds = new Kinds(fromClusterSource, fromPlanner, fromPrometheus);
    List<Run> runs = new ArrayList<>();
    int next = 0; // the next trigger to apply
    long now = 0;
    while (now <= horizon && runs.size() < 10_000) {
      long due = Math.max(now, millis(schedule.nextRun()));
      if (next < triggers.size() && triggers.get(next) <= due) {
        now = Math.max(now, triggers.get(next++));
        trigger(schedule, T0.plusMillis(now), kinds, next - 1);
        continue;
      }
      long start = due;
      schedule.started(T0.plusMillis(start));
      long end = start + durations.get(runs.size() % durations.size());
      while (next < triggers.size() && triggers.get(next) < end) { // triggers while it runs
        trigger(schedule, T0.plusMillis(Math.max(start, triggers.get(next))), kinds, next++);
      }
      Outcome outcome = outcomes.get(runs.size() % outcomes.size());
      boolean refused = outcome == Outcome.FAILED
          && refusedDesired.get(runs.size() % refusedDesired.size());
      long backoff = schedule.finished(T0.plusMillis(end), outcome, refused, Optional.empty())
          .map(Duration::toMillis).orElse(0L);
      runs.add(new Run(start, end, outcome, backoff, outcome == Outcome.REJECTED || refused));
      now = end;
    }
    assertTrue(runs.size() < 10_000, "the loop spins: " + runs.size() + " runs");
    assertEarlyRetriesAreSpaced(runs, triggers);
    int earlyByAnswers = 0; // runs before the backoff ended with no trigger but an answer
    for (int i = 0; i + 1 < runs.size(); i++) {
      Run run = runs.get(i);
      Run after = runs.get(i + 1);
      boolean triggered = false;
      boolean sourceTriggered = false;
      boolean plannerTriggered = false;
      boolean answered = false;
      for (int k = 0; k < triggers.size(); k++) {
        if (triggers.get(k) > run.start() && triggers.get(k) <= after.start()) {
          answered |= kinds.prometheus(k);
          triggered |= !kinds.prometheus(k);
          sourceTriggered |= kinds.source(k);
          plannerTriggered |= kinds.planner(k);
        }
      }
      String said = "run " + i + " " + run + " then " + after + ", triggers " + triggers;
      if (!run.outcome().success()
          && (run.outcome() != Outcome.SOURCE_NOT_READY || !sourceTriggered)
          && (!run.editEnds() || !plannerTriggered)
          && (run.outcome() != Outcome.PROMETHEUS_UNAVAILABLE || !answered)) {
        assertTrue(after.start() >= run.end() + run.backoff(), "backoff cut short: " + said);
      }
      if (run.outcome().success() && !triggered) {
        assertTrue(after.start() >= run.end() + resyncMs, "resync cut short: " + said);
      }
      boolean answerOnly = run.outcome() == Outcome.PROMETHEUS_UNAVAILABLE && answered
          && !triggered;
      if (!triggered && !answerOnly) {
        assertTrue(after.start() >= run.end() + SHORTEST_BACKOFF_MS, "no pause: " + said);
      }
      if (answerOnly) { // no sooner than the debounce, unless the backoff ends sooner
        long debounce = pacing.debounce().toMillis();
        assertTrue(after.start() >= run.end() + Math.min(debounce,
            run.backoff() == 0 ? SHORTEST_BACKOFF_MS : run.backoff()),
            "no debounce after an answer: " + said);
        assertTrue(run.backoff() == 0 || after.start() <= run.end() + run.backoff(),
            "an answer put the retry off: " + said);
        earlyByAnswers += run.backoff() == 0 || after.start() < run.end() + run.backoff() ? 1 : 0;
      }
    }
    long answers = IntStream.range(0, triggers.size()).filter(kinds::prometheus).count();
    assertTrue(earlyByAnswers <= answers, "backoffs an answer ended: " + earlyByAnswers
        + ", answers: " + answers);
  }

  /**
   * Runs that follow a rejected one (or one of a refused desired state) sooner than its backoff
   * could end (an edit brought them forward) are at least {@link Schedule#EARLY_RETRY_SPACING}
   * apart unless a success came between: a burst of edits cannot make Prometheus reload (and
   * roll back), or promtool run, for each.
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
      if (!run.editEnds() || after.start() >= run.end() + shortest) {
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

  /** What each trigger is, by its index: lists drawn, each used round and round. */
  private record Kinds(List<Boolean> clusterSource, List<Boolean> planner,
      List<Boolean> prometheus) {
    /** The cluster source's trigger. */
    boolean source(int k) {
      return clusterSource.get(k % clusterSource.size());
    }

    /** A new read of the base config or profile. */
    boolean planner(int k) {
      return !source(k) && planner.get(k % planner.size());
    }

    /** No trigger: a probe's answer of Prometheus after none. */
    boolean prometheus(int k) {
      return !source(k) && !planner(k) && prometheus.get(k % prometheus.size());
    }
  }

  /**
   * The trigger {@code k}: the cluster source's, the planner files', another source's, or a
   * probe's answer of Prometheus.
   */
  private static void trigger(Schedule schedule, Instant at, Kinds kinds, int k) {
    if (kinds.prometheus(k)) {
      schedule.prometheusAnswersAgain(at);
    } else if (kinds.planner(k)) {
      schedule.plannerTriggered(at);
    } else {
      schedule.triggered(at, kinds.source(k));
    }
  }

  private static long millis(Instant instant) {
    return Duration.between(T0, instant).toMillis();
  }
}
