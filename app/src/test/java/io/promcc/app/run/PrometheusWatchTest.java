package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.settings.PrometheusProbe;
import io.promcc.app.status.HealthReport;
import io.promcc.app.status.LoopHealth;
import io.promcc.app.status.PrometheusProbeMetrics;
import io.promcc.core.port.FakePrometheusControl;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ScrapeDiscovery;
import io.promcc.core.testing.MutableClock;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Each probe of Prometheus tells readiness whether it answered. */
class PrometheusWatchTest {
  private static final Duration PERIOD = PrometheusProbe.DEFAULTS.period();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
  private final LoopHealth health = new LoopHealth(clock, LoopHealth.Bounds.DEFAULTS);
  private final FakePrometheusControl prometheus =
      new FakePrometheusControl(clock, TreeMap::new);
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusProbeMetrics metrics = new PrometheusProbeMetrics(registry, health);
  private final PrometheusWatch watch = watch(prometheus);

  private PrometheusWatch watch(PrometheusControl control) {
    return new PrometheusWatch(control, health, PERIOD, metrics);
  }

  private static ReconcileResult reloaded() {
    return new ReconcileResult(Outcome.RELOADED, "", Optional.of("state"), Optional.of("config"),
        List.of(), List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(),
        true, false, true, Optional.empty(), Map.of(), true, List.of(),
        ScrapeDiscovery.NOT_CHECKED);
  }

  @Test
  void aPrometheusGoneBetweenReconcilesMakesTheControllerUnreadyUntilItAnswers() {
    health.sourcesSynced();
    health.reconcileStarted();
    health.reconcileFinished(reloaded());
    watch.probeOnce();
    prometheus.setUp(false);

    for (int i = 0; i < 3; i++) {
      clock.advance(PERIOD);
      watch.probeOnce();
    }
    HealthReport gone = health.readiness();
    prometheus.setUp(true);
    clock.advance(PERIOD);
    watch.probeOnce();

    assertFalse(gone.ok(), gone.detail());
    assertTrue(gone.detail().startsWith("prometheus-unavailable: 3 probes in a row got no answer "
        + "from prometheus, the first 10s ago (its last answer 15s ago); the last: "),
        gone.detail());
    assertTrue(health.readiness().ok(), health.readiness().detail());
    assertEquals(Duration.ofSeconds(5), PERIOD, "the period docs give");
    assertEquals(3, PrometheusProbe.DEFAULTS.failures(), "the failures docs give");
  }

  @Test
  void noProbeIsSentWhileAReloadIsInFlightAndOneItOverlapsDoesNotCount() {
    health.sourcesSynced();
    health.reconcileStarted();
    health.reconcileFinished(reloaded());
    int[] asked = {0};
    // the third probe is answered late: a reconcile's reload was asked meanwhile, and held it
    PrometheusWatch overlapped = watch(ScriptedReadiness.unanswering(() -> {
      if (++asked[0] == 3) {
        health.reconcileStarted();
        health.reloadAsked();
      }
    }));

    for (int i = 0; i < 3; i++) {
      clock.advance(PERIOD);
      overlapped.probeOnce();
    }
    HealthReport afterOverlap = health.readiness();
    clock.advance(PERIOD);
    overlapped.probeOnce(); // the reload is still in flight: not sent

    assertTrue(afterOverlap.ok(), afterOverlap.detail());
    assertEquals(3, asked[0], "probes sent");
  }

  @Test
  void eachProbeFollowsAPauseOfTheGivenPeriod() throws InterruptedException {
    List<Duration> pauses = new ArrayList<>();
    int[] asked = {0};
    PrometheusWatch everyHalfMinute = new PrometheusWatch(
        ScriptedReadiness.unanswering(() -> asked[0]++), health, Duration.ofSeconds(30), metrics,
        (closed, period) -> {
          pauses.add(period);
          clock.advance(period);
          return pauses.size() == 4; // closed during the fourth pause
        });

    everyHalfMinute.probeUntilClosed();

    assertEquals(List.of(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30),
        Duration.ofSeconds(30)), pauses);
    assertEquals(3, asked[0], "probes sent");
  }

  @Test
  void anAnswerAfterNoneIsToldOnceSoAFlappingPrometheusIsToldAtMostEveryOtherProbe() {
    int[] told = {0};
    PrometheusWatch watched = new PrometheusWatch(prometheus, health, PERIOD, metrics,
        PrometheusWatch.Pause.SYSTEM, () -> told[0]++);
    // answered (the first answer), answered, none, none, answered, answered, none, answered
    boolean[] up = {true, true, false, false, true, true, false, true};
    StringBuilder tells = new StringBuilder();
    for (boolean answers : up) {
      prometheus.setUp(answers);
      clock.advance(PERIOD);
      int before = told[0];
      watched.probeOnce();
      tells.append(told[0] - before);
    }

    // only an answer after a probe without one is news: Prometheus answering throughout (a
    // reconcile that failed for another reason than its absence) retries nothing early
    assertEquals("10001001", tells.toString(), "told at each probe");
    assertEquals(Map.of("answered", 5.0, "failed", 3.0, "in a row", 0.0, "unavailable", 0.0),
        values(), "each probe is counted, told or not");
  }

  /**
   * Each probe counts by its result, one a reload overlapped among the failed ones, and the
   * failures in a row are readiness' own: the one that overlapped a reload is not among them.
   */
  @Test
  void theMetricsCountEachProbeByResultAndShowTheFailuresReadinessCounts() {
    health.sourcesSynced();
    health.reconcileStarted();
    health.reconcileFinished(reloaded());
    watch.probeOnce();
    prometheus.setUp(false);
    for (int i = 0; i < 2; i++) {
      clock.advance(PERIOD);
      watch.probeOnce();
    }
    int[] asked = {0};
    PrometheusWatch overlapped = watch(ScriptedReadiness.unanswering(() -> {
      if (++asked[0] == 1) {
        health.reconcileStarted();
        health.reloadAsked();
      }
    }));
    overlapped.probeOnce(); // failed, but a reload began meanwhile
    Map<String, Double> duringAReload = values();
    health.reconcileFinished(reloaded());
    Map<String, Double> afterTheReload = values();
    clock.advance(PERIOD);
    watch.probeOnce();
    clock.advance(PERIOD);
    watch.probeOnce();
    clock.advance(PERIOD);
    watch.probeOnce();

    assertEquals(Map.of("answered", 1.0, "failed", 3.0, "in a row", 2.0, "unavailable", 0.0),
        duringAReload);
    assertEquals(Map.of("answered", 1.0, "failed", 3.0, "in a row", 0.0, "unavailable", 0.0),
        afterTheReload, "a successful reconcile in sync is an answer");
    assertEquals(Map.of("answered", 1.0, "failed", 6.0, "in a row", 3.0, "unavailable", 1.0),
        values());
    assertFalse(health.readiness().ok(), health.readiness().detail());
  }

  /** The probes' metrics: the counts by result, the failures in a row and unavailable. */
  private Map<String, Double> values() {
    Map<String, Double> values = new TreeMap<>();
    for (MetricSnapshot snapshot : registry.scrape()) {
      String name = snapshot.getMetadata().getPrometheusName();
      for (DataPointSnapshot point : snapshot.getDataPoints()) {
        double value = point instanceof CounterDataPointSnapshot counter ? counter.getValue()
            : ((GaugeDataPointSnapshot) point).getValue();
        values.put(switch (name) {
          case "promcc_prometheus_probes" -> point.getLabels().get("result");
          case "promcc_prometheus_probe_failures_in_a_row" -> "in a row";
          case "promcc_prometheus_unavailable" -> "unavailable";
          default -> throw new AssertionError("not a probe's metric: " + name);
        }, value);
      }
    }
    return values;
  }
}
