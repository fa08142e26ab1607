package io.promcc.app.loop;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A loop over a scripted reconcile, with a moved clock and {@link ReconcileLoop#tick()}: the
 * moments it ran at and the results it reported are recorded; no sleeping.
 */
abstract class ReconcileLoopFixture {
  static final Duration DEBOUNCE = Duration.ofMillis(250);
  static final Duration MAX_DELAY = Duration.ofSeconds(2);
  static final Duration RESYNC = Duration.ofMinutes(5);
  static final Duration SETTLE = Duration.ofMillis(25);
  /** The controller's defaults: a lone trigger waits the settle, a burst the debounce. */
  static final Pacing SETTLING = new Pacing(SETTLE, DEBOUNCE, MAX_DELAY, RESYNC);
  /** Without a settle of its own: every trigger waits for the debounce. */
  static final Pacing PACING = new Pacing(DEBOUNCE, DEBOUNCE, MAX_DELAY, RESYNC);

  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  final List<Instant> runs = new ArrayList<>();
  final List<ReconcileResult> results = new ArrayList<>();

  ReconcileLoop loop(Supplier<ReconcileResult> reconcile) {
    return loop(reconcile, PACING);
  }

  ReconcileLoop loop(Supplier<ReconcileResult> reconcile, Pacing pacing) {
    return new ReconcileLoop(() -> {
      runs.add(clock.instant());
      return reconcile.get();
    }, results::add, pacing, clock, new SplittableRandom(7));
  }

  static ReconcileResult result(Outcome outcome, Optional<Instant> runAgainAt) {
    return new ReconcileResult(outcome, "", Optional.empty(), Optional.empty(), List.of(),
        List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(),
        outcome.success(), false, false, runAgainAt, new TreeMap<>());
  }

  static Supplier<ReconcileResult> always(Outcome outcome) {
    return () -> result(outcome, Optional.empty());
  }

  /** Moves the clock in steps of {@code step} for {@code total}, ticking after each step. */
  void runFor(ReconcileLoop loop, Duration total, Duration step) {
    for (Duration t = Duration.ZERO; t.compareTo(total) < 0; t = t.plus(step)) {
      clock.advance(step);
      loop.tick();
    }
  }
}
