package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.status.LoopHealth.Bounds;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the loop reports in whatever order, the probes keep the promises operators rely on:
 * ready implies live, ready needs synced sources and a success, and a loop that just reported
 * is live.
 */
class LoopHealthPropertyTest {
  private static final Bounds BOUNDS =
      new Bounds(Duration.ofSeconds(60), Duration.ofMinutes(30), Duration.ofMinutes(5));

  enum Kind { HEARTBEAT, SYNCED, START, SUCCESS, FAILURE, THREW, STOPPING, ENDED, WAIT }

  record Step(Kind kind, Duration pause) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Duration> waits = Arbitraries.oneOf(
        Arbitraries.longs().between(0, 120_000).map(Duration::ofMillis),
        Arbitraries.longs().between(0, 3_600).map(Duration::ofSeconds),
        Arbitraries.of(BOUNDS.heartbeatTimeout(), BOUNDS.readinessGrace(),
            BOUNDS.reconcileTimeout()));
    return Combinators.combine(Arbitraries.of(Kind.class), waits).as(Step::new).list()
        .ofMaxSize(40);
  }

  @Property(tries = 500)
  void theProbesKeepTheirPromises(@ForAll("steps") List<Step> steps) {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    LoopHealth health = new LoopHealth(clock, BOUNDS);
    boolean synced = false;
    boolean succeeded = false;
    boolean stopping = false;
    boolean ended = false;
    boolean running = false;
    for (Step step : steps) {
      switch (step.kind()) {
        case HEARTBEAT -> health.heartbeat();
        case SYNCED -> {
          health.sourcesSynced();
          synced = true;
        }
        case START -> {
          health.reconcileStarted();
          running = true;
        }
        case SUCCESS -> {
          health.reconcileFinished(Results.of(Outcome.UNCHANGED).build());
          succeeded = true;
          running = false;
        }
        case FAILURE -> {
          health.reconcileFinished(Results.of(Outcome.REJECTED)
              .message("prometheus rejected config").build());
          running = false;
        }
        case THREW -> {
          health.reconcileFailed("IllegalStateException");
          running = false;
        }
        case STOPPING -> {
          health.stopping();
          stopping = true;
        }
        case ENDED -> {
          health.loopEnded("ended");
          ended = true;
          running = false;
        }
        case WAIT -> clock.advance(step.pause());
      }
      HealthReport live = health.liveness();
      HealthReport ready = health.readiness();

      if (ready.ok()) {
        assertTrue(live.ok(), "ready but not live: " + live.detail());
        assertTrue(synced && succeeded && !stopping, "ready too early: " + ready.detail());
      }
      if (ended) {
        assertEquals(stopping, live.ok(), live.detail());
      }
      // a report resets the bound that applies: a reconcile's start, its end, or (outside a
      // reconcile) a heartbeat or the sync
      boolean justReported = switch (step.kind()) {
        case START, SUCCESS, FAILURE, THREW -> true;
        case HEARTBEAT, SYNCED -> !running;
        default -> false;
      };
      if (justReported && !ended) {
        assertTrue(live.ok(), "live right after a report: " + live.detail());
      }
      if (step.kind() == Kind.SUCCESS && synced && !stopping && !ended) {
        assertTrue(ready.ok(), "ready right after a success: " + ready.detail());
      }
      for (HealthReport report : List.of(live, ready)) {
        assertFalse(report.detail().isEmpty());
        assertFalse(report.detail().contains("\n"), report.detail());
      }
    }
  }
}
