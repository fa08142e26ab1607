package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.status.LoopHealth.Bounds;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ScrapeDiscovery;
import io.promcc.core.testing.MutableClock;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A scrape discovery Prometheus could not start, as the metrics and readiness show it: the
 * count in {@code promcc_prometheus_sd_failed_configs}, no series while none is known for the load
 * Prometheus reports, one read after that load standing while a read fails ({@code
 * promcc_prometheus_sd_failed_configs_unknown} 1), the last one kept by a reconcile that did not
 * read it, and readiness that names it without failing.
 */
class ScrapeDiscoveryStatusTest extends ControllerMetricsFixture {
  private static final String GAUGE = "promcc_prometheus_sd_failed_configs";
  private static final String UNKNOWN = GAUGE + "_unknown";

  @Test
  void theGaugeIsTheCountReadAndHasNoSeriesWhileUnknown() {
    assertFalse(scrape().has(GAUGE), "no series before it was read: " + scrape().text());

    metrics.reconciled(Results.of(Outcome.RELOADED).scrapeDiscovery(ScrapeDiscovery.read(2))
        .build(), T0);
    assertEquals(2, scrape().value(GAUGE));

    metrics.reconciled(Results.of(Outcome.PROMETHEUS_UNAVAILABLE).build(), T0.plusSeconds(1));
    assertEquals(2, scrape().value(GAUGE), "kept by a reconcile that did not read it");

    metrics.reconciled(Results.of(Outcome.UNCHANGED).scrapeDiscovery(ScrapeDiscovery.read(0))
        .build(), T0.plusSeconds(2));
    assertEquals(0, scrape().value(GAUGE));

    metrics.reconciled(Results.of(Outcome.UNCHANGED)
        .scrapeDiscovery(ScrapeDiscovery.unknown("no gauge")).build(), T0.plusSeconds(3));
    assertFalse(scrape().has(GAUGE), "no series while unknown: " + scrape().text());
    assertEquals(1, scrape().value(UNKNOWN));
    assertEquals(1, scrape().value("promcc_config_in_sync"));
  }

  @Test
  void aCountReadAfterTheSameLoadStandsWhileAReadFails() {
    assertFalse(scrape().has(UNKNOWN), "no series before it was checked: " + scrape().text());
    metrics.reconciled(Results.of(Outcome.RELOADED).scrapeDiscovery(ScrapeDiscovery.read(2))
        .build(), T0);
    assertEquals(0, scrape().value(UNKNOWN));

    metrics.reconciled(Results.of(Outcome.UNCHANGED).scrapeDiscovery(ScrapeDiscovery.unknown(
        "GET /metrics timed out", OptionalInt.of(2))).build(), T0.plusSeconds(1));
    assertEquals(2, scrape().value(GAUGE), "the count of the same load stands");
    assertEquals(1, scrape().value(UNKNOWN));

    metrics.reconciled(Results.of(Outcome.UNCHANGED).scrapeDiscovery(ScrapeDiscovery.read(2))
        .build(), T0.plusSeconds(2));
    assertEquals(2, scrape().value(GAUGE));
    assertEquals(0, scrape().value(UNKNOWN));
  }

  @Test
  void readinessNamesADiscoveryPrometheusCouldNotStartAndStaysReady() {
    MutableClock clock = new MutableClock(T0);
    LoopHealth health = new LoopHealth(clock, Bounds.DEFAULTS);
    health.sourcesSynced();
    health.reconcileStarted();
    ScrapeDiscovery failed = ScrapeDiscovery.read(1);
    health.reconcileFinished(Results.of(Outcome.RELOADED).scrapeDiscovery(failed).build());

    HealthReport ready = health.readiness();

    assertTrue(ready.ok(), ready.detail());
    assertEquals("the last reconcile ended 0s ago: reloaded; prometheus could not start 1 "
        + "scrape discovery (see Prometheus' log)", ready.detail());
  }
}
