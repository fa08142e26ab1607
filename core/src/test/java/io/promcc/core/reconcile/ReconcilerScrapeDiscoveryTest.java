package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.LoadGauges;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ScrapeDiscovery.State;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A config Prometheus loads may still leave a scrape discovery not started (Prometheus 2.53.3
 * answers the reload 200 and counts it in {@code prometheus_sd_failed_configs{name="scrape"}}):
 * the reconcile is a success and in sync, nothing is rolled back or reloaded again for it, and
 * the result names it. What cannot be read of it is unknown, never a failure.
 */
class ReconcilerScrapeDiscoveryTest {
  private final Fixture f = new Fixture().with("a");

  @Test
  void aDiscoveryPrometheusCannotStartLeavesTheLoadInSyncAndIsNamed() {
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.of(1));
    Reconciler reconciler = f.reconciler();

    ReconcileResult loaded = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, loaded.outcome(), loaded.message());
    assertTrue(loaded.configInSync());
    assertFalse(loaded.rolledBack());
    assertEquals(ScrapeDiscovery.read(1), loaded.scrapeDiscovery());
    assertTrue(loaded.scrapeDiscovery().problem().startsWith("prometheus loaded the config but "
        + "could not start 1 service discovery config of a scrape job "
        + "(prometheus_sd_failed_configs{name=\"scrape\"} 1): that job discovers no targets"),
        loaded.scrapeDiscovery().problem());
    assertTrue(loaded.scrapeDiscovery().problem().contains("see Prometheus' log (\"Cannot "
        + "create service discovery\", config=<job name>)"), loaded.scrapeDiscovery().problem());
    assertTrue(loaded.toString().contains("; prometheus could not start 1 scrape discovery "
        + "(see Prometheus' log)"), loaded.toString());

    ReconcileResult next = reconciler.reconcile();

    assertEquals(Outcome.UNCHANGED, next.outcome(), next.message());
    assertEquals(1, f.prometheus.reloads(), "not reloaded again for it");
    assertEquals(ScrapeDiscovery.read(1), next.scrapeDiscovery(), "read again");
  }

  @Test
  void aLoadThatStartsEveryDiscoverySaysSo() {
    ReconcileResult loaded = f.reconciler().reconcile();

    assertEquals(Outcome.RELOADED, loaded.outcome(), loaded.message());
    assertEquals(ScrapeDiscovery.read(0), loaded.scrapeDiscovery());
    assertEquals(State.STARTED, loaded.scrapeDiscovery().state());
    assertEquals("", loaded.scrapeDiscovery().problem());
  }

  @Test
  void aPrometheusWithoutTheGaugeIsUnknownNotAFailure() {
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.empty());

    ReconcileResult loaded = f.reconciler().reconcile();

    assertEquals(Outcome.RELOADED, loaded.outcome(), loaded.message());
    assertEquals(ScrapeDiscovery.unknown("prometheus' /metrics has no "
        + "prometheus_sd_failed_configs{name=\"scrape\"} (a prometheus older than 2.13 has "
        + "none)"), loaded.scrapeDiscovery());
  }

  @Test
  void aMetricsPageThatCannotBeReadIsUnknownNotAFailure() {
    Reconciler reconciler = f.builder().prometheus(new ForwardingControl(f.prometheus) {
      @Override
      public LoadGauges gauges() {
        throw new PrometheusApiException("GET /metrics", 404, "answered GET /metrics with "
            + "status 404");
      }
    }).build();

    ReconcileResult loaded = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, loaded.outcome(), loaded.message());
    assertTrue(loaded.success());
    assertEquals(ScrapeDiscovery.unknown("answered GET /metrics with status 404"),
        loaded.scrapeDiscovery());
    assertTrue(loaded.scrapeDiscovery().problem().startsWith("whether prometheus started the "
        + "service discovery of the scrape configs it loaded is unknown: answered"),
        loaded.scrapeDiscovery().problem());
  }

  @Test
  void aControlThatBreaksItsContractLeavesTheReconcileASuccess() {
    Reconciler reconciler = f.builder().prometheus(new ForwardingControl(f.prometheus) {
      @Override
      public LoadGauges gauges() {
        throw new IllegalStateException("broken");
      }
    }).build();

    ReconcileResult loaded = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, loaded.outcome(), loaded.message());
    assertEquals(State.UNKNOWN, loaded.scrapeDiscovery().state());
    assertTrue(loaded.scrapeDiscovery().detail().startsWith("unexpected failure: "
        + "java.lang.IllegalStateException: broken"), loaded.scrapeDiscovery().detail());
  }

  @Test
  void aRejectedConfigIsNotChecked() {
    f.breakBaseConfig();
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.of(1));

    ReconcileResult rejected = f.reconciler().reconcile();

    assertFalse(rejected.configInSync(), rejected.message());
    assertEquals(ScrapeDiscovery.NOT_CHECKED, rejected.scrapeDiscovery());
  }

  @Test
  void withoutAPrometheusNothingIsChecked() {
    ReconcileResult written = f.builder().prometheus(Optional.empty()).build()
        .reconcile();

    assertEquals(Outcome.WRITTEN, written.outcome(), written.message());
    assertEquals(ScrapeDiscovery.NOT_CHECKED, written.scrapeDiscovery());
  }
}
