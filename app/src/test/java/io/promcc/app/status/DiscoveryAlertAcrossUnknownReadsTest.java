package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ScrapeDiscovery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The example alerts of docs/metrics.md on Prometheus' scrape discovery, judged by {@code
 * promtool test rules} over what the controller exports after each reconcile (one a minute, as
 * scraped): a read of the gauge that fails now and then, Prometheus still reporting the load its
 * count was read after, neither hides the count nor restarts the alert's {@code for:}; reads
 * that keep failing are an alert of their own.
 */
class DiscoveryAlertAcrossUnknownReadsTest extends MetricsDocFixture {
  private static final String COUNT = "promcc_prometheus_sd_failed_configs";
  private static final String UNKNOWN = COUNT + "_unknown";
  private static final ScrapeDiscovery TIMED_OUT_AFTER_ONE = ScrapeDiscovery.unknown(
      "GET /metrics timed out", OptionalInt.of(1));

  @Test
  void theAlertKeepsFiringAcrossAnUnknownReadOfTheSameLoad() throws Exception {
    // one discovery not started from 5m on, its reads failing at 12m and 17m
    List<List<String>> d = exported(36, minute -> minute < 5 ? ScrapeDiscovery.read(0)
        : minute == 12 || minute == 17 ? TIMED_OUT_AFTER_ONE : ScrapeDiscovery.read(1));
    assertEquals("1", d.get(0).get(12), "the count stands at the unknown read");
    // reads that fail from 5m on, one discovery not started throughout
    List<List<String>> u = exported(70, minute -> minute < 5 ? ScrapeDiscovery.read(1)
        : TIMED_OUT_AFTER_ONE);

    Files.writeString(temp.resolve("rules.yml"), rules(doc()));
    Path tests = Files.writeString(temp.resolve("tests.yml"), """
        rule_files: [rules.yml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: '%1$s{job="promcc", instance="d:9420"}'
                values: '%3$s'
              - series: '%2$s{job="promcc", instance="d:9420"}'
                values: '%4$s'
              - series: '%1$s{job="promcc", instance="u:9420"}'
                values: '%5$s'
              - series: '%2$s{job="promcc", instance="u:9420"}'
                values: '%6$s'
            alert_rule_test:
              - eval_time: 19m
                alertname: PromccPrometheusDiscoveryNotStarted
                exp_alerts:
                  - exp_labels: {severity: warning, job: promcc, instance: "u:9420"}
                    exp_annotations:
                      summary: "Prometheus loaded the config of promcc on u:9420 but could not \
        start 1 service discovery configs of its scrape jobs: those jobs discover no targets \
        through them (which, and why: Prometheus' log, Cannot create service discovery)"
              - eval_time: 21m
                alertname: PromccPrometheusDiscoveryNotStarted
                exp_alerts:
                  - exp_labels: {severity: warning, job: promcc, instance: "d:9420"}
                    exp_annotations:
                      summary: "Prometheus loaded the config of promcc on d:9420 but could not \
        start 1 service discovery configs of its scrape jobs: those jobs discover no targets \
        through them (which, and why: Prometheus' log, Cannot create service discovery)"
                  - exp_labels: {severity: warning, job: promcc, instance: "u:9420"}
                    exp_annotations:
                      summary: "Prometheus loaded the config of promcc on u:9420 but could not \
        start 1 service discovery configs of its scrape jobs: those jobs discover no targets \
        through them (which, and why: Prometheus' log, Cannot create service discovery)"
              - eval_time: 64m
                alertname: PromccPrometheusDiscoveryUnknown
                exp_alerts: []
              - eval_time: 66m
                alertname: PromccPrometheusDiscoveryUnknown
                exp_alerts:
                  - exp_labels: {severity: info, job: promcc, instance: "u:9420"}
                    exp_annotations:
                      summary: "promcc on u:9420 has not read Prometheus' \
        prometheus_sd_failed_configs for an hour (its log says why): a load since may have left \
        scrape discoveries not started, or started them, unseen"
        """.formatted(COUNT, UNKNOWN, String.join(" ", d.get(0)), String.join(" ", d.get(1)),
            String.join(" ", u.get(0)), String.join(" ", u.get(1))));

    promtool("test", "rules", tests.toString());
  }

  /**
   * The values of {@link #COUNT} and {@link #UNKNOWN} a scrape takes after each of {@code
   * minutes} reconciles, one a minute, that read {@code discovery.apply(minute)}; {@code _}
   * where a series is absent.
   */
  private static List<List<String>> exported(int minutes, IntFunction<ScrapeDiscovery> discovery) {
    ControllerMetrics metrics = new ControllerMetrics("1.2.3");
    List<String> counts = new ArrayList<>();
    List<String> unknowns = new ArrayList<>();
    for (int minute = 0; minute < minutes; minute++) {
      metrics.reconciled(Results.of(Outcome.UNCHANGED).scrapeDiscovery(discovery.apply(minute))
          .build(), Instant.EPOCH.plusSeconds(60L * minute));
      Exposition scrape = Exposition.of(metrics.registry());
      counts.add(valueOrAbsent(scrape, COUNT));
      unknowns.add(valueOrAbsent(scrape, UNKNOWN));
    }
    return List.of(counts, unknowns);
  }

  private static String valueOrAbsent(Exposition scrape, String series) {
    if (!scrape.has(series)) {
      return "_";
    }
    double value = scrape.value(series);
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
