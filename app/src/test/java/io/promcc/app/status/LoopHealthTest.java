package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.status.LoopHealth.Bounds;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The liveness and readiness rules, at and around every bound, on a clock moved by hand. */
class LoopHealthTest {
  private static final Duration HEARTBEAT = Duration.ofSeconds(60);
  private static final Duration RECONCILE = Duration.ofMinutes(30);
  private static final Duration GRACE = Duration.ofMinutes(5);
  private static final Duration TICK = Duration.ofMillis(1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
  private final LoopHealth health = new LoopHealth(clock, new Bounds(HEARTBEAT, RECONCILE, GRACE));

  private static ReconcileResult result(Outcome outcome) {
    return Results.of(outcome).message(outcome.success() ? "" : "why it failed").build();
  }

  private static ReconcileResult reloaded() {
    return result(Outcome.RELOADED);
  }

  private static ReconcileResult rejected() {
    return Results.of(Outcome.REJECTED)
        .message("prometheus rejected config 1234abcd: field bogus not found").build();
  }

  /** Synced, one successful reconcile, now idle. */
  private void ready() {
    health.sourcesSynced();
    reconcile(reloaded());
  }

  private void reconcile(ReconcileResult result) {
    health.reconcileStarted();
    health.reconcileFinished(result);
  }

  private void assertLive(String detail) {
    HealthReport report = health.liveness();
    assertTrue(report.ok(), report.detail());
    assertEquals(detail, report.detail());
  }

  private void assertNotLive(String detail) {
    HealthReport report = health.liveness();
    assertFalse(report.ok(), report.detail());
    assertEquals(detail, report.detail());
  }

  private void assertReady(String detail) {
    HealthReport report = health.readiness();
    assertTrue(report.ok(), report.detail());
    assertEquals(detail, report.detail());
  }

  private void assertNotReady(String detail) {
    HealthReport report = health.readiness();
    assertFalse(report.ok(), report.detail());
    assertEquals(detail, report.detail());
  }

  // liveness

  @Test
  void aNewLoopIsLiveUntilTheHeartbeatBoundPassesWithoutOne() {
    assertLive("the reconcile loop is idle, last heartbeat 0s ago");
    clock.advance(HEARTBEAT);
    assertLive("the reconcile loop is idle, last heartbeat 1m0s ago");
    clock.advance(TICK);
    assertNotLive("no heartbeat from the reconcile loop for 1m0s, longer than the bound of "
        + "1m0s: the loop is stuck or has stopped");
  }

  @Test
  void aHeartbeatKeepsTheLoopLiveAndALateOneRevivesIt() {
    clock.advance(HEARTBEAT.minusSeconds(1));
    health.heartbeat();
    clock.advance(HEARTBEAT);
    assertTrue(health.liveness().ok());
    clock.advance(Duration.ofMinutes(10));
    assertFalse(health.liveness().ok());

    health.heartbeat();

    assertLive("the reconcile loop is idle, last heartbeat 0s ago");
  }

  @Test
  void aRunningReconcileIsLiveUpToTheReconcileBoundWithoutHeartbeats() {
    health.reconcileStarted();
    clock.advance(Duration.ofSeconds(75));
    assertLive("a reconcile has been running for 1m15s");
    clock.advance(RECONCILE.minusSeconds(75));
    assertLive("a reconcile has been running for 30m0s");

    clock.advance(TICK);

    assertNotLive("a reconcile has been running for 30m0s, longer than the bound of 30m0s: "
        + "the reconcile loop is stuck");
  }

  @Test
  void finishingAStuckReconcileMakesTheLoopLiveAgainAndCountsAsAHeartbeat() {
    health.reconcileStarted();
    clock.advance(RECONCILE.plusMinutes(1));
    assertFalse(health.liveness().ok());

    health.reconcileFinished(reloaded());
    clock.advance(HEARTBEAT);

    assertLive("the reconcile loop is idle, last heartbeat 1m0s ago");
  }

  @Test
  void theHeartbeatBoundCountsFromTheEndOfTheLastReconcile() {
    health.reconcileStarted();
    clock.advance(Duration.ofMinutes(20));
    health.reconcileFinished(rejected());
    clock.advance(HEARTBEAT.plus(TICK));

    assertFalse(health.liveness().ok());
  }

  @Test
  void aFailedReconcileStillCountsAsAHeartbeat() {
    health.reconcileStarted();
    health.reconcileFailed("NullPointerException in the planner");
    clock.advance(HEARTBEAT);

    assertTrue(health.liveness().ok());
  }

  @Test
  void aLoopThatEndedIsNotLiveAtOnce() {
    health.loopEnded("uncaught IllegalStateException");

    assertNotLive("the reconcile loop has ended: uncaught IllegalStateException");
    assertNotReady("not live: the reconcile loop has ended: uncaught IllegalStateException");
  }

  @Test
  void aLoopThatEndedWhileReconcilingIsNotLiveAtOnce() {
    health.reconcileStarted();
    health.loopEnded("uncaught OutOfMemoryError");

    assertFalse(health.liveness().ok());
  }

  @Test
  void aLoopThatEndsAfterStoppingIsStillLive() {
    ready();
    health.stopping();
    health.loopEnded("shutdown");
    clock.advance(Duration.ofHours(1));

    assertLive("shutting down; the reconcile loop has ended");
    assertNotReady("shutting down");
  }

  // readiness

  @Test
  void notReadyUntilTheSourcesAreSynced() {
    clock.advance(Duration.ofSeconds(12));
    health.heartbeat();

    assertNotReady("waiting for the sources to sync, for 12s");
  }

  @Test
  void notReadyBeforeTheFirstReconcileOrWhileItRuns() {
    health.sourcesSynced();
    assertNotReady("waiting for the first reconcile");

    health.reconcileStarted();

    assertNotReady("the first reconcile is running");
  }

  @Test
  void notReadyWhileNoReconcileHasSucceededEvenWithinTheGrace() {
    health.sourcesSynced();
    health.reconcileStarted();
    health.reconcileFinished(Results.of(Outcome.PROMETHEUS_UNAVAILABLE)
        .message("connection refused").build());
    clock.advance(Duration.ofSeconds(3));

    assertNotReady("no reconcile has succeeded yet; the last one ended 3s ago: "
        + "prometheus-unavailable (connection refused)");
  }

  @Test
  void readyAfterASuccessfulReconcile() {
    ready();
    clock.advance(Duration.ofSeconds(4));

    assertReady("the last reconcile ended 4s ago: reloaded");
  }

  @Test
  void readyWhileReconcilingAfterASuccess() {
    ready();
    health.reconcileStarted();
    clock.advance(Duration.ofMinutes(20));

    assertTrue(health.readiness().ok());
  }

  @Test
  void failuresAreRetriesWithinTheGraceAndNotReadyAfterIt() {
    ready();
    clock.advance(Duration.ofMinutes(1));
    reconcile(rejected());
    assertReady("retrying: reconciles have been failing for 0s, within the grace of 5m0s "
        + "(last success 1m0s ago); the last one: rejected (prometheus rejected config "
        + "1234abcd: field bogus not found)");

    clock.advance(GRACE);
    health.heartbeat();
    assertTrue(health.readiness().ok());

    clock.advance(TICK);

    assertNotReady("reconciles have been failing for 5m0s, longer than the grace of 5m0s "
        + "(last success 6m0s ago); the last one: rejected (prometheus rejected config "
        + "1234abcd: field bogus not found)");
  }

  @Test
  void theGraceCountsFromTheFirstFailureNotTheLatest() {
    ready();
    reconcile(rejected());
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(1));
      reconcile(result(Outcome.PROMETHEUS_UNAVAILABLE));
    }
    assertTrue(health.readiness().ok());

    clock.advance(TICK);

    assertFalse(health.readiness().ok());
  }

  @Test
  void aSuccessEndsTheFailures() {
    ready();
    reconcile(rejected());
    clock.advance(GRACE.plusMinutes(1));
    health.heartbeat();
    assertFalse(health.readiness().ok());

    reconcile(result(Outcome.UNCHANGED));
    clock.advance(Duration.ofSeconds(1));

    assertReady("the last reconcile ended 1s ago: unchanged");
    reconcile(rejected());
    clock.advance(GRACE);
    health.heartbeat();
    assertTrue(health.readiness().ok());
  }

  @Test
  void aReconcileThatThrewIsAFailure() {
    ready();
    health.reconcileStarted();
    health.reconcileFailed("IllegalStateException: store closed");
    clock.advance(GRACE.plus(TICK));
    health.heartbeat();

    assertNotReady("reconciles have been failing for 5m0s, longer than the grace of 5m0s "
        + "(last success 5m0s ago); the last one: error (IllegalStateException: store closed)");
  }

  @ParameterizedTest
  @EnumSource(Outcome.class)
  void everyOutcomeThatIsNotASuccessStartsTheGrace(Outcome outcome) {
    ready();
    reconcile(result(outcome));
    clock.advance(GRACE.plus(TICK));
    health.heartbeat();

    assertEquals(outcome.success(), health.readiness().ok(), health.readiness().detail());
  }

  @Test
  void aStuckLoopIsNotReady() {
    ready();
    clock.advance(HEARTBEAT.plus(TICK));

    assertNotReady("not live: no heartbeat from the reconcile loop for 1m0s, longer than the "
        + "bound of 1m0s: the loop is stuck or has stopped");
  }

  @Test
  void stoppingIsNotReadyButStillLive() {
    ready();
    health.stopping();

    assertNotReady("shutting down");
    assertTrue(health.liveness().ok());
  }

  @Test
  void syncingAgainChangesNothing() {
    ready();
    reconcile(rejected());
    health.sourcesSynced();
    clock.advance(GRACE.plus(TICK));
    health.heartbeat();

    assertFalse(health.readiness().ok());
  }

  // details and bounds

  @Test
  void aMultiLineMessageIsReportedOnOneLineAndCut() {
    ready();
    reconcile(Results.of(Outcome.FAILED).message("base config invalid:\n  line 3: bad\n"
        + "x".repeat(1000)).build());

    String detail = health.readiness().detail();

    assertFalse(detail.contains("\n"), detail);
    assertTrue(detail.contains("failed (base config invalid: line 3: bad xxx"), detail);
    assertEquals(Text.MAX_LENGTH + 3, detail.length());
    assertTrue(detail.endsWith("x..."), detail);
  }

  @Test
  void boundsMustBePositive() {
    assertEquals("heartbeat timeout must be positive, found \"PT0S\"",
        assertThrows(IllegalArgumentException.class,
            () -> new Bounds(Duration.ZERO, RECONCILE, GRACE)).getMessage());
    assertEquals("reconcile timeout must be positive, found \"PT-1S\"",
        assertThrows(IllegalArgumentException.class,
            () -> new Bounds(HEARTBEAT, Duration.ofSeconds(-1), GRACE)).getMessage());
    assertEquals("readiness grace == null", assertThrows(NullPointerException.class,
        () -> new Bounds(HEARTBEAT, RECONCILE, null)).getMessage());
  }

  @Test
  void theDefaultsAreAMinuteHalfAnHourAndFiveMinutes() {
    assertEquals(new Bounds(Duration.ofMinutes(1), Duration.ofMinutes(30),
        Duration.ofMinutes(5)), Bounds.DEFAULTS);
  }

  @Test
  void durationsReadLikePrometheus() {
    assertEquals("0s", Text.duration(Duration.ZERO));
    assertEquals("0s", Text.duration(Duration.ofSeconds(-5)));
    assertEquals("<1ms", Text.duration(Duration.ofNanos(10)));
    assertEquals("250ms", Text.duration(Duration.ofMillis(250)));
    assertEquals("1s", Text.duration(Duration.ofMillis(1999)));
    assertEquals("59s", Text.duration(Duration.ofSeconds(59)));
    assertEquals("1m30s", Text.duration(Duration.ofSeconds(90)));
    assertEquals("2h0m5s", Text.duration(Duration.ofSeconds(7205)));
    assertEquals("49h0m0s", Text.duration(Duration.ofHours(49)));
  }

  @Test
  void oneLineCollapsesWhitespaceAndCutsOnlyWhatIsTooLong() {
    assertEquals("a b c", Text.oneLine("  a\n\tb\r\n  c \n"));
    assertEquals("x".repeat(Text.MAX_LENGTH), Text.oneLine("x".repeat(Text.MAX_LENGTH)));
    assertEquals("x".repeat(Text.MAX_LENGTH) + "...",
        Text.oneLine("x".repeat(Text.MAX_LENGTH + 1)));
    assertEquals("", Text.oneLine("\n\n"));
  }

  @Test
  void oneLineCutsBetweenCharacters() {
    String emoji = "\uD83D\uDE00"; // half of it would be shown as "?"
    String x = "x".repeat(Text.MAX_LENGTH - 1);
    assertEquals(x + "...", Text.oneLine(x + emoji + "y"));
    assertEquals(x.substring(1) + emoji, Text.oneLine(x.substring(1) + emoji));
  }
}
