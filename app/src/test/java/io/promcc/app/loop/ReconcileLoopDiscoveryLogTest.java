package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ScrapeDiscovery;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the loop's log says of a scrape discovery Prometheus could not start: a WARNING naming
 * it when it is first seen, when the count changes and after each reload that loaded a config
 * with one; silence while a resync reads the same, or reads nothing; its end and an unknown
 * count at INFO, once.
 */
class ReconcileLoopDiscoveryLogTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final LogCapture log = LogCapture.of(ReconcileLoop.class);

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  private static ReconcileResult result(Outcome outcome, ScrapeDiscovery discovery) {
    return new ReconcileResult(outcome, "", Optional.empty(), Optional.empty(), List.of(),
        List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(),
        outcome.success(), false, false, Optional.empty(), new TreeMap<>(), outcome.success(),
        List.of(), discovery);
  }

  @Test
  void aDiscoveryPrometheusCannotStartIsAWarningWhenItIsNews() {
    ScrapeDiscovery one = ScrapeDiscovery.read(1);
    ScrapeDiscovery two = ScrapeDiscovery.read(2);
    ScrapeDiscovery unknown = ScrapeDiscovery.unknown("no gauge");
    List<ReconcileResult> runs = List.of(
        result(Outcome.RELOADED, one),
        result(Outcome.UNCHANGED, one),
        result(Outcome.PROMETHEUS_UNAVAILABLE, ScrapeDiscovery.NOT_CHECKED),
        result(Outcome.UNCHANGED, one),
        result(Outcome.RELOADED, one),
        result(Outcome.UNCHANGED, two),
        result(Outcome.UNCHANGED, ScrapeDiscovery.read(0)),
        result(Outcome.UNCHANGED, ScrapeDiscovery.read(0)),
        result(Outcome.UNCHANGED, unknown),
        result(Outcome.UNCHANGED, unknown));
    AtomicReference<ReconcileResult> next = new AtomicReference<>();
    ReconcileLoop loop = new ReconcileLoop(next::get, r -> { }, new Pacing(Duration.ofMillis(25),
        Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofMinutes(5)), clock,
        new SplittableRandom(1));

    for (ReconcileResult run : runs) {
      next.set(run);
      loop.trigger("next");
      clock.advance(Duration.ofSeconds(61)); // past the settle and any backoff
      loop.tick();
    }

    List<String> said = log.records().stream()
        .filter(r -> r.getMessage().contains("service discovery"))
        .map(r -> r.getLevel() + " " + r.getMessage()).toList();
    assertEquals(List.of(
        "WARNING " + one.problem(),
        "WARNING " + one.problem(),
        "WARNING " + two.problem(),
        "INFO prometheus started the service discovery of every scrape config it loaded "
            + "(prometheus_sd_failed_configs{name=\"scrape\"} 0)",
        "INFO " + unknown.problem()), said);
  }

  /**
   * A read of /metrics that fails at every other reconcile (a timeout at a large answer) does
   * not make each read that succeeds again news: the count is the same as last read.
   */
  @Test
  void aCountReadAgainAfterAnUnknownReadIsNoNews() {
    ScrapeDiscovery one = ScrapeDiscovery.read(1);
    ScrapeDiscovery unknown = ScrapeDiscovery.unknown("GET /metrics timed out");
    List<ReconcileResult> runs = List.of(
        result(Outcome.RELOADED, one),
        result(Outcome.UNCHANGED, unknown),
        result(Outcome.UNCHANGED, one),
        result(Outcome.UNCHANGED, unknown),
        result(Outcome.UNCHANGED, one),
        result(Outcome.UNCHANGED, unknown),
        result(Outcome.UNCHANGED, ScrapeDiscovery.read(0)),
        result(Outcome.UNCHANGED, unknown));

    run(runs);

    List<String> said = log.records().stream()
        .filter(r -> r.getMessage().contains("service discovery"))
        .map(r -> r.getLevel() + " " + r.getMessage()).toList();
    assertEquals(List.of(
        "WARNING " + one.problem(),
        "INFO " + unknown.problem(),
        "INFO prometheus started the service discovery of every scrape config it loaded "
            + "(prometheus_sd_failed_configs{name=\"scrape\"} 0)",
        "INFO " + unknown.problem()), said);
  }

  /**
   * A reload whose read of /metrics failed loaded a config whose count is read only at the next
   * reconcile: one Prometheus could not start again is news of that load, as at the reload.
   */
  @Test
  void aCountFirstReadAfterAReloadWhoseReadFailedIsNews() {
    ScrapeDiscovery one = ScrapeDiscovery.read(1);
    ScrapeDiscovery unknown = ScrapeDiscovery.unknown("GET /metrics timed out");
    run(List.of(
        result(Outcome.RELOADED, one),
        result(Outcome.RELOADED, unknown),
        result(Outcome.UNCHANGED, one),
        result(Outcome.UNCHANGED, unknown),
        result(Outcome.UNCHANGED, one)));

    List<String> said = log.records().stream()
        .filter(r -> r.getMessage().contains("service discovery"))
        .map(r -> r.getLevel() + " " + r.getMessage()).toList();
    assertEquals(List.of(
        "WARNING " + one.problem(),
        "INFO " + unknown.problem(),
        "WARNING " + one.problem()), said);
  }

  private void run(List<ReconcileResult> runs) {
    AtomicReference<ReconcileResult> next = new AtomicReference<>();
    ReconcileLoop loop = new ReconcileLoop(next::get, r -> { }, new Pacing(Duration.ofMillis(25),
        Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofMinutes(5)), clock,
        new SplittableRandom(1));
    for (ReconcileResult run : runs) {
      next.set(run);
      loop.trigger("next");
      clock.advance(Duration.ofSeconds(61)); // past the settle and any backoff
      loop.tick();
    }
  }
}
