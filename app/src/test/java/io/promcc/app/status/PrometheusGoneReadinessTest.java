package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.status.LoopHealth.Bounds;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows the probes of Prometheus between reconciles: a Prometheus that stops
 * answering makes the controller unready after {@link Bounds#prometheusFailures()} failed probes
 * in a row (3 by default), not at the next resync, and one slow answer does not.
 */
class PrometheusGoneReadinessTest {
  private static final Duration PROBE = Duration.ofSeconds(5);
  private static final String REFUSED = "cannot send GET /api/v1/status/runtimeinfo to prometheus "
      + "at \"http://127.0.0.1:9090\": connection refused";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
  private final LoopHealth health = new LoopHealth(clock, Bounds.DEFAULTS);

  private void ready() {
    health.sourcesSynced();
    health.reconcileStarted();
    health.reconcileFinished(Results.of(Outcome.RELOADED).build());
    health.prometheusAnswered();
  }

  private void probeFails() {
    clock.advance(PROBE);
    health.heartbeat(); // the idle loop beats meanwhile
    health.prometheusUnanswered(REFUSED);
  }

  @Test
  void aPrometheusThatStopsAnsweringMakesTheControllerUnreadyAfterThreeProbes() {
    ready();
    probeFails();
    probeFails();
    assertTrue(health.readiness().ok(), health.readiness().detail());

    probeFails();

    HealthReport report = health.readiness();
    assertFalse(report.ok(), report.detail());
    assertEquals("prometheus-unavailable: 3 probes in a row got no answer from prometheus, the "
        + "first 10s ago (its last answer 15s ago); the last: " + REFUSED, report.detail());
  }

  @Test
  void theFailuresToldAreThoseThatMakeItUnready() {
    LoopHealth atOnce = new LoopHealth(clock, new Bounds(Duration.ofMinutes(1),
        Duration.ofMinutes(30), Duration.ofMinutes(5), 1));
    LoopHealth afterFive = new LoopHealth(clock, new Bounds(Duration.ofMinutes(1),
        Duration.ofMinutes(30), Duration.ofMinutes(5), 5));
    for (LoopHealth each : List.of(atOnce, afterFive)) {
      each.sourcesSynced();
      each.reconcileStarted();
      each.reconcileFinished(Results.of(Outcome.RELOADED).build());
      each.prometheusAnswered();
    }
    List<Boolean> ready = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clock.advance(PROBE);
      atOnce.prometheusUnanswered(REFUSED);
      afterFive.prometheusUnanswered(REFUSED);
      ready.add(afterFive.readiness().ok());
      if (i == 0) {
        assertEquals("prometheus-unavailable: 1 probe in a row got no answer from prometheus, "
            + "the first 0s ago (its last answer 5s ago); the last: " + REFUSED,
            atOnce.readiness().detail());
      }
    }

    assertEquals(List.of(true, true, true, true, false), ready);
    assertEquals(5, afterFive.prometheusFailuresInARow());
    assertTrue(afterFive.prometheusUnavailable());
    assertTrue(afterFive.readiness().detail().startsWith("prometheus-unavailable: 5 probes in a "
        + "row got no answer from prometheus, the first 20s ago"), afterFive.readiness().detail());
  }

  @Test
  void failuresMustBeAtLeastOne() {
    assertEquals("prometheus failures must be positive, found \"0\"",
        assertThrows(IllegalArgumentException.class, () -> new Bounds(Duration.ofMinutes(1),
            Duration.ofMinutes(30), Duration.ofMinutes(5), 0)).getMessage());
    assertEquals(3, Bounds.DEFAULTS.prometheusFailures());
  }

  @Test
  void anAnswerMakesItReadyAgain() {
    ready();
    probeFails();
    probeFails();
    probeFails();
    clock.advance(PROBE);

    health.prometheusAnswered();

    assertTrue(health.readiness().ok(), health.readiness().detail());
  }

  @Test
  void aSuccessfulReconcileCountsAsAnAnswer() {
    ready();
    probeFails();
    probeFails();
    probeFails();

    health.reconcileStarted();
    health.reconcileFinished(Results.of(Outcome.UNCHANGED).build());

    assertTrue(health.readiness().ok(), health.readiness().detail());
  }

  @Test
  void oneSlowAnswerBetweenAnswersNeverMakesItUnready() {
    ready();
    for (int i = 0; i < 5; i++) {
      probeFails();
      probeFails();
      clock.advance(PROBE);
      health.prometheusAnswered();
      assertTrue(health.readiness().ok(), health.readiness().detail());
    }
  }

  @Test
  void probesThatFailWhileAReloadIsInFlightDoNotCount() {
    ready();
    // the reconcile that asked for the reload tells how the load went (runtime info, which a
    // probe asks behind a proxy that passes only the API, waits for the lock a load holds)
    health.reconcileStarted();
    health.reloadAsked();
    probeFails();
    probeFails();
    probeFails();
    assertTrue(health.readiness().ok(), health.readiness().detail());
    // a reload that outlasted the reload timeout: a failure within the grace, as before
    health.reconcileFinished(Results.of(Outcome.PROMETHEUS_UNAVAILABLE).build());
    probeFails();
    probeFails();

    HealthReport report = health.readiness();
    assertTrue(report.ok(), report.detail());
    assertTrue(report.detail().startsWith("retrying: "), report.detail());
    probeFails();
    assertEquals("prometheus-unavailable: 3 probes in a row got no answer from prometheus, the "
        + "first 10s ago (its last answer 30s ago); the last: " + REFUSED,
        health.readiness().detail());
  }

  @Test
  void aPrometheusGoneWhileAReconcileWaitsForItIsUnreadyAfterThreeProbes() {
    ready();
    // the reconcile waits for Prometheus to be ready (up to the ready timeout, 5 minutes by
    // default) and has asked no reload: nothing holds Prometheus' answers
    health.reconcileStarted();
    probeFails();
    probeFails();
    probeFails();

    HealthReport report = health.readiness();
    assertFalse(report.ok(), report.detail());
    assertTrue(report.detail().startsWith("prometheus-unavailable: 3 probes in a row"),
        report.detail());
  }

  @Test
  void aSuccessThatCouldNotAskPrometheusIsNoAnswer() {
    ready();
    probeFails();
    probeFails();
    probeFails();

    // a certificate renewal with the config verified: written, Prometheus not asked in time
    health.reconcileStarted();
    health.reconcileFinished(Results.of(Outcome.WRITTEN).inSync(false).build());

    HealthReport report = health.readiness();
    assertFalse(report.ok(), report.detail());
    assertTrue(report.detail().startsWith("prometheus-unavailable: 3 probes in a row"),
        report.detail());
  }
}
