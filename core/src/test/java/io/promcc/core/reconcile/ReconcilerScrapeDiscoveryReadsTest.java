package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.port.LoadGauges;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Prometheus' {@code /metrics} is several megabytes before the gauge with tens of thousands of
 * jobs, and the gauge changes only when Prometheus applies a config: a reconcile in sync reads
 * it only when Prometheus' runtime info, as the delivery read it, shows a load since the last
 * read, keeping the count read otherwise. A load within the second of the last read (Prometheus
 * tells its load time in whole seconds) is never missed. A read that fails leaves the count read
 * after the same load standing beside the unknown, never one of another load.
 */
class ReconcilerScrapeDiscoveryReadsTest {
  private final Fixture f = new Fixture().with("a");
  private final AtomicInteger reads = new AtomicInteger();
  /** While true, each read of /metrics times out. */
  private boolean readsTimeOut;
  private final Reconciler reconciler = f.builder().prometheus(
      new ForwardingControl(f.prometheus) {
        @Override
        public LoadGauges gauges() {
          reads.incrementAndGet();
          if (readsTimeOut) {
            throw new PrometheusUnavailableException("GET /metrics timed out");
          }
          return super.gauges();
        }
      }).build();

  @Test
  void theGaugeIsReadAgainOnlyAfterALoad() {
    // a second past Prometheus' last load: the delivery needs no exact load time, whose read of
    // the gauges this test would count too
    f.clock.advance(Duration.ofSeconds(1));
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.of(1));
    ReconcileResult loaded = reconciler.reconcile();
    assertEquals(Outcome.RELOADED, loaded.outcome(), loaded.message());
    assertEquals(ScrapeDiscovery.read(1), loaded.scrapeDiscovery());
    f.clock.advance(Duration.ofSeconds(5));

    ReconcileResult read = reconciler.reconcile(); // a second after the load: read, kept
    for (int resync = 0; resync < 3; resync++) {
      f.clock.advance(Duration.ofSeconds(30));
      ReconcileResult next = reconciler.reconcile();
      assertEquals(Outcome.UNCHANGED, next.outcome(), next.message());
      assertEquals(ScrapeDiscovery.read(1), next.scrapeDiscovery(), "the count kept");
    }
    assertEquals(ScrapeDiscovery.read(1), read.scrapeDiscovery());
    assertEquals(2, reads.get(), "/metrics read at the load and once after it");

    // someone has Prometheus load again, the cause fixed
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.of(0));
    f.prometheus.reload();
    ReconcileResult after = reconciler.reconcile();

    assertEquals(Outcome.UNCHANGED, after.outcome(), after.message());
    assertEquals(ScrapeDiscovery.read(0), after.scrapeDiscovery());
    assertEquals(3, reads.get());
  }

  @Test
  void aLoadWithinTheSecondOfTheLastReadIsNotMissed() {
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.of(1));
    assertEquals(ScrapeDiscovery.read(1), reconciler.reconcile().scrapeDiscovery());

    // another load within the same second: its lastConfigTime looks the same
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.of(2));
    f.prometheus.reload();
    f.clock.advance(Duration.ofSeconds(30));

    assertEquals(ScrapeDiscovery.read(2), reconciler.reconcile().scrapeDiscovery());
  }

  @Test
  void theCountReadAfterTheLoadStillReportedStandsWhileAReadFails() {
    assertEquals(ScrapeDiscovery.read(0), reconciler.reconcile().scrapeDiscovery());
    f.clock.advance(Duration.ofSeconds(30));
    // someone has Prometheus load, and a reconcile reads the count within the second of that
    // load, as its runtime info shows it: read again at the next reconcile
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.of(2));
    f.prometheus.reload();
    assertEquals(ScrapeDiscovery.read(2), reconciler.reconcile().scrapeDiscovery());
    f.clock.advance(Duration.ofSeconds(30));
    readsTimeOut = true;

    ReconcileResult unread = reconciler.reconcile();

    assertEquals(Outcome.UNCHANGED, unread.outcome(), unread.message());
    assertEquals(ScrapeDiscovery.unknown("GET /metrics timed out", OptionalInt.of(2)),
        unread.scrapeDiscovery());
    assertEquals(OptionalInt.of(2), unread.scrapeDiscovery().count());

    // someone has Prometheus load again: what was read is of another load
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.of(1));
    f.prometheus.reload();
    f.clock.advance(Duration.ofSeconds(30));
    ReconcileResult newLoad = reconciler.reconcile();

    assertEquals(ScrapeDiscovery.unknown("GET /metrics timed out"), newLoad.scrapeDiscovery());
    assertEquals(OptionalInt.empty(), newLoad.scrapeDiscovery().count());

    readsTimeOut = false;
    assertEquals(ScrapeDiscovery.read(1), reconciler.reconcile().scrapeDiscovery());
  }

  @Test
  void theCountOfTheConfigReplacedByPromccsOwnReloadIsNotTakenForTheNewOne() {
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.of(1));
    assertEquals(ScrapeDiscovery.read(1), reconciler.reconcile().scrapeDiscovery());
    f.clock.advance(Duration.ofSeconds(5));
    assertEquals(ScrapeDiscovery.read(1), reconciler.reconcile().scrapeDiscovery(),
        "read a second after the load: kept");
    f.clock.advance(Duration.ofSeconds(5));
    f.with("b");
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.of(2));

    // the delivery read the runtime info of the old load before its reload answered 200
    ReconcileResult reloaded = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, reloaded.outcome(), reloaded.message());
    assertEquals(ScrapeDiscovery.read(2), reloaded.scrapeDiscovery(), "the new config's count");
  }

  @Test
  void aCountReadBeforePromccsOwnReloadWithinTheSameSecondDoesNotStandForIt() {
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.of(1));
    assertEquals(ScrapeDiscovery.read(1), reconciler.reconcile().scrapeDiscovery());
    // a change within the same second: the new load shows the same lastConfigTime
    f.with("b");
    f.prometheus.countFailedDiscoveriesWith(files -> OptionalInt.of(2));
    readsTimeOut = true;

    ReconcileResult reloaded = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, reloaded.outcome(), reloaded.message());
    assertEquals(ScrapeDiscovery.unknown("GET /metrics timed out"), reloaded.scrapeDiscovery(),
        "no count of the config it replaced");
  }
}
