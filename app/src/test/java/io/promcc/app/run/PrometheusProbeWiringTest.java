package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.loop.ReconcileLoop;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.app.status.ControllerMetrics;
import io.promcc.app.status.LoopHealth;
import io.promcc.core.model.Problems;
import io.promcc.core.port.FakePrometheusControl;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ScrapeDiscovery;
import io.promcc.core.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's probe of Prometheus is made as {@code --prometheus-probe-period} and {@code
 * --prometheus-probe-failures} say: its pause, the failures readiness counts, and its metrics;
 * with {@code off}, none is made and no metric of it is exposed.
 */
class PrometheusProbeWiringTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
  private final Optional<PrometheusControl> prometheus =
      Optional.of(new FakePrometheusControl(clock, TreeMap::new));

  @TempDir Path temp;

  private RunSettings settings(String... flags) throws IOException {
    Map<String, String> given = new TreeMap<>(Map.of("out", temp.resolve("out").toString(),
        "clusters", Files.writeString(temp.resolve("clusters.yml"), "[]\n").toString(),
        "prometheus-url", "http://127.0.0.1:9090"));
    for (int i = 0; i < flags.length; i += 2) {
      given.put(flags[i], flags[i + 1]);
    }
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, given, Map.of(), problems);
    assertEquals(List.of(), problems.list());
    return settings;
  }

  private static ReconcileResult reloaded() {
    return new ReconcileResult(Outcome.RELOADED, "", Optional.of("state"), Optional.of("config"),
        List.of(), List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(),
        true, false, true, Optional.empty(), Map.of(), true, List.of(),
        ScrapeDiscovery.NOT_CHECKED);
  }

  /** A loop the probe may tell of answers; these tests run none of its reconciles. */
  private ReconcileLoop loop(RunSettings settings) {
    return new ReconcileLoop(PrometheusProbeWiringTest::reloaded, result -> { },
        settings.pacing(), clock, new Random(1));
  }

  private static boolean exposes(ControllerMetrics metrics, String name) {
    return metrics.registry().scrape().stream()
        .anyMatch(m -> m.getMetadata().getPrometheusName().equals(name));
  }

  @Test
  void theProbePausesAndCountsAsTold() throws IOException {
    RunSettings settings = settings("prometheus-probe-period", "20s",
        "prometheus-probe-failures", "1");
    LoopHealth health = ControllerModule.loopHealth(settings, clock);
    ControllerMetrics metrics = new ControllerMetrics("1.2.3");

    Optional<PrometheusWatch> watch =
        ControllerModule.prometheusWatch(settings, prometheus, health, metrics, loop(settings));
    health.sourcesSynced();
    health.reconcileStarted();
    health.reconcileFinished(reloaded());
    health.prometheusUnanswered("refused");

    assertEquals(Optional.of(Duration.ofSeconds(20)), watch.map(PrometheusWatch::period));
    assertTrue(health.prometheusUnavailable(), "one failure is enough");
    assertFalse(health.readiness().ok(), health.readiness().detail());
    assertTrue(exposes(metrics, "promcc_prometheus_probes"), "the probes are counted");
    assertTrue(exposes(metrics, "promcc_prometheus_unavailable"));
  }

  @Test
  void offMakesNoProbeAndExposesNoMetricOfIt() throws IOException {
    RunSettings settings = settings("prometheus-probe-period", "off");
    ControllerMetrics metrics = new ControllerMetrics("1.2.3");

    Optional<PrometheusWatch> watch = ControllerModule.prometheusWatch(settings, prometheus,
        ControllerModule.loopHealth(settings, clock), metrics, loop(settings));

    assertEquals(Optional.empty(), watch);
    assertFalse(exposes(metrics, "promcc_prometheus_probes"));
    assertFalse(exposes(metrics, "promcc_prometheus_probe_failures_in_a_row"));
  }
}
