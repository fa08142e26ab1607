package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.LoadGauges;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpPrometheusControl#gauges()} reads
 * {@code prometheus_sd_failed_configs{name="scrape"}} from Prometheus' {@code /metrics} in the
 * text format, as Prometheus 2.53.3 lists it (the notify manager's series first), and says what
 * it cannot read.
 */
class FailedDiscoveryGaugeReadTest extends HttpPrometheusControlTestSupport {
  private static final String HELP = "# HELP prometheus_sd_failed_configs Current number of "
      + "service discovery configurations that failed to load.\n"
      + "# TYPE prometheus_sd_failed_configs gauge\n";

  /**
   * Prometheus' /metrics around the gauge: its load time (which it lists first, as Prometheus
   * sorts by name), many per-job series before the gauge, more after.
   */
  private static String metrics(String gaugeLines) {
    StringBuilder out = new StringBuilder("# TYPE " + LoadTimeGauge.NAME + " gauge\n"
        + LoadTimeGauge.NAME + " 1.7966392598387294e+09\n"
        + "# TYPE prometheus_sd_discovered_targets gauge\n");
    for (int job = 0; job < 2000; job++) {
      out.append("prometheus_sd_discovered_targets{config=\"gc-").append(job)
          .append("\",name=\"scrape\"} 0\n");
    }
    out.append(HELP).append(gaugeLines);
    out.append("# TYPE prometheus_target_scrape_pools_total counter\n"
        + "prometheus_target_scrape_pools_total 2001\n");
    return out.toString();
  }

  @Test
  void readsTheScrapeManagersGaugeNotTheNotifiers() throws InterruptedException {
    server.enqueue(answer(200, metrics("prometheus_sd_failed_configs{name=\"notify\"} 0\n"
        + "prometheus_sd_failed_configs{name=\"scrape\"} 3\n")));

    assertEquals(OptionalInt.of(3), control().gauges().failedScrapeDiscoveryConfigs());

    RecordedRequest request = take();
    assertEquals("/metrics", request.getUrl().encodedPath());
    assertEquals("text/plain;version=0.0.4", request.getHeaders().get("Accept"));
  }

  @Test
  void labelsInAnyOrderWithEscapesAndATimestampAreRead() {
    server.enqueue(answer(200, metrics("prometheus_sd_failed_configs{x=\"a,\\\"}name=\\\"\","
        + " name=\"scrape\",} 2 1700000000000\n")));

    assertEquals(OptionalInt.of(2), control().gauges().failedScrapeDiscoveryConfigs());
  }

  @Test
  void anAnswerWithoutTheGaugeIsUnknownAsOfAPrometheusOlderThan213() {
    server.enqueue(answer(200, metrics("prometheus_sd_failed_configs{name=\"notify\"} 1\n")));

    assertEquals(OptionalInt.empty(), control().gauges().failedScrapeDiscoveryConfigs());
  }

  @Test
  void aValueThatIsNoCountIsAnAnswerThatMakesNoSense() {
    server.enqueue(answer(200, metrics("prometheus_sd_failed_configs{name=\"scrape\"} NaN\n")));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().gauges().failedScrapeDiscoveryConfigs());
    assertEquals("the answer to GET /metrics has a sample of prometheus_sd_failed_configs that "
        + "is no count of configurations: "
        + "\"prometheus_sd_failed_configs{name=\\\"scrape\\\"} NaN\"", e.getMessage());
  }

  @Test
  void aRefusalOfAccessIsNamedAsForTheOtherRequests() {
    server.enqueue(answer(403, "forbidden"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().gauges().failedScrapeDiscoveryConfigs());
    assertEquals(403, e.statusCode());
    assertTrue(e.getMessage().contains("asks for credentials: GET /metrics answered status 403"),
        e.getMessage());
  }

  @Test
  void anotherStatusIsNamedWithTheAnswer() {
    server.enqueue(answer(404, "404 page not found"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().gauges().failedScrapeDiscoveryConfigs());
    assertTrue(e.getMessage().endsWith("answered GET /metrics with status 404: "
        + "\"404 page not found\""), e.getMessage());
  }

  /** Only the lines before the gauge count towards the bound, and none is kept. */
  @Test
  void moreThanTheBoundBeforeTheGaugeIsRefusedNamingTheBound() {
    String answer = metrics("prometheus_sd_failed_configs{name=\"scrape\"} 1\n");
    int before = answer.indexOf("prometheus_sd_failed_configs{");
    server.enqueue(answer(200, answer));
    server.enqueue(answer(200, answer));

    assertEquals(OptionalInt.of(1),
        control(before + 100).gauges().failedScrapeDiscoveryConfigs());
    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control(before - 100).gauges().failedScrapeDiscoveryConfigs());
    assertTrue(e.getMessage().contains("with more than " + (before - 100) + " bytes, the most "
        + "read of this answer; nothing of it was used"), e.getMessage());
  }

  /** Both gauges come from one read, which stops once both lines are seen. */
  @Test
  void bothGaugesAreReadInOneRequestThatStopsAtTheLastOfThem() {
    String answer = metrics("prometheus_sd_failed_configs{name=\"scrape\"} 2\n");
    int before = answer.indexOf("prometheus_sd_failed_configs{");
    server.enqueue(answer(200, answer + "x".repeat(1000) + "\n"));

    LoadGauges gauges = control(before + 100).gauges();

    assertEquals(new LoadGauges(OptionalInt.of(2), LoadTimeGauge.instant("GET /metrics",
        LoadTimeGauge.NAME + " 1.7966392598387294e+09")), gauges);
    assertTrue(gauges.lastLoadInstant().isPresent(), "the load time read too");
    assertEquals(1, server.getRequestCount());
  }

  private HttpPrometheusControl control(int maxLargeAnswer) {
    PrometheusAdapterSettings settings = settings(server.url("/").uri()).build();
    return new HttpPrometheusControl(HttpPrometheusControl.newHttpClient(settings), settings,
        clock, d -> { }, maxLargeAnswer, 1024);
  }

  @Test
  void aLineLongerThanAnyGaugeSampleIsSkipped() {
    // read in part, the first line would be a sample of 9
    server.enqueue(answer(200, "prometheus_sd_failed_configs{name=\"scrape\"} 9 "
        + "x".repeat(SampleLineScan.MAX_LINE * 2) + "\n"
        + HELP + "prometheus_sd_failed_configs{name=\"scrape\"} 4"));

    assertEquals(OptionalInt.of(4), control().gauges().failedScrapeDiscoveryConfigs(),
        "the last line, without its newline, read too");
  }

  @Test
  void theReadIsBoundedByTheRequestTimeout() {
    server.enqueue(new MockResponse.Builder().code(200)
        .body(metrics("")).throttleBody(1024, 1, TimeUnit.SECONDS).build());
    PrometheusAdapterSettings settings = settings(server.url("/").uri())
        .requestTimeout(Duration.ofMillis(500)).build();

    Exception e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings).gauges().failedScrapeDiscoveryConfigs());
    assertTrue(e.getMessage().contains("GET /metrics to prometheus at"), e.getMessage());
  }
}
