package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The first wait for Prometheus (a controller started beside a Prometheus still replaying its
 * WAL, or not started yet) says when it begins and when Prometheus answers, and how long that
 * took: without it an operator sees nothing for up to the ready timeout. Once Prometheus has
 * answered, a later wait is reported by the reconcile it belongs to, not here.
 */
class FirstWaitLogTest {
  private static final String READY = "Prometheus Server is Ready.";
  private static final String STARTING = "Service Unavailable";
  /** Probes of a 10 s wait: at 0, 0.05, 0.15, 0.35, 0.75, 1.55, 3.15, 5.15, 7.15, 9.15 and 10 s. */
  private static final int ATTEMPTS_IN_10S = 11;

  private final MockWebServer server = new MockWebServer();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T12:00:00Z"));
  private final LogCapture log = LogCapture.everythingOf(HttpPrometheusControl.class);
  private HttpPrometheusControl control;
  private String url;

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getLoopbackAddress(), 0);
    url = server.url("/").uri().toString();
    PrometheusAdapterSettings settings = PrometheusAdapterSettings.builder(Path.of("out"),
            server.url("/").uri())
        .connectTimeout(Duration.ofSeconds(30)).requestTimeout(Duration.ofSeconds(30)).build();
    control = new HttpPrometheusControl(HttpPrometheusControl.newHttpClient(settings), settings,
        clock, clock::advance); // no wall clock: a pause moves the injected clock on
  }

  @AfterEach
  void stop() {
    log.close();
    server.close();
  }

  private void answer(int code, String body, int times) {
    for (int i = 0; i < times; i++) {
      server.enqueue(new MockResponse.Builder().code(code).body(body).build());
    }
  }

  private String waiting(String timeout, String answer) {
    return "INFO waiting up to " + timeout + " for prometheus at \"" + url + "\" to become "
        + "ready: " + answer;
  }

  @Test
  void theFirstWaitIsLoggedWhenItStartsAndWhenPrometheusAnswersWithHowLongItTook() {
    answer(503, STARTING, 3);
    answer(200, READY, 1);

    control.awaitReady(Duration.ofMinutes(5));

    // backoff 50 + 100 + 200 ms, on the injected clock
    assertEquals(List.of(waiting("PT5M", "status 503: Service Unavailable"),
        "INFO prometheus at \"" + url + "\" is ready, PT0.35S after the first wait for it began"),
        log.lines());
  }

  @Test
  void aPrometheusReadyAtOnceIsNoWaitAndNothingIsLogged() {
    answer(200, READY, 1);

    control.awaitReady(Duration.ofMinutes(5));

    assertEquals(List.of(), log.lines());
  }

  /** A probe (no time to wait) asks once, pauses for nothing and is no first wait to log. */
  @Test
  void aProbeWithNoTimeToWaitAsksOnceAndLogsNothing() {
    answer(503, STARTING, 1);
    Instant asked = clock.instant();

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control.awaitReady(Duration.ZERO));

    assertEquals(List.of(), log.lines());
    assertEquals(1, server.getRequestCount(), "requests");
    assertEquals(asked, clock.instant(), "no pause");
    assertEquals("prometheus at \"" + url + "\" not ready after PT0S; last answer: status 503: "
        + "Service Unavailable", e.getMessage());
  }

  /**
   * A first wait that ends at its timeout (Prometheus down longer than that) is retried by a
   * later reconcile: the start is not logged again at every attempt, and the answer, when it
   * comes, counts from the first wait's start. Waits after Prometheus has answered once log
   * nothing.
   */
  @Test
  void aFirstWaitThatTimesOutIsLoggedOnceAndItsAnswerCountsFromItsStart() {
    answer(503, STARTING, ATTEMPTS_IN_10S);
    assertThrows(PrometheusUnavailableException.class,
        () -> control.awaitReady(Duration.ofSeconds(10)));
    clock.advance(Duration.ofSeconds(30)); // the reconcile's backoff
    answer(503, STARTING, 1);
    answer(200, READY, 1);

    control.awaitReady(Duration.ofMinutes(5)); // 50 ms of backoff
    answer(503, STARTING, 1);
    answer(200, READY, 1);
    control.awaitReady(Duration.ofMinutes(5));

    assertEquals(List.of(waiting("PT10S", "status 503: Service Unavailable"),
        "INFO prometheus at \"" + url + "\" is ready, PT40.05S after the first wait for it "
            + "began"), log.lines());
  }

  /** A runtime info answer proves Prometheus up as well: the first wait is over. */
  @Test
  void aRuntimeInfoAnswerAfterAFirstWaitThatTimedOutEndsItToo() {
    answer(503, STARTING, ATTEMPTS_IN_10S);
    assertThrows(PrometheusUnavailableException.class,
        () -> control.awaitReady(Duration.ofSeconds(10)));
    clock.advance(Duration.ofSeconds(30));
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Date",
        "Sat, 05 Dec 2026 12:00:40 GMT").body("{\"status\":\"success\",\"data\":{"
        + "\"startTime\":\"2026-12-05T12:00:00Z\",\"CWD\":\"/\",\"reloadConfigSuccess\":true,"
        + "\"lastConfigTime\":\"2026-12-05T12:00:01Z\",\"corruptionCount\":0}}").build());

    control.runtimeInfo();

    assertEquals(List.of(waiting("PT10S", "status 503: Service Unavailable"),
        "INFO prometheus at \"" + url + "\" is ready, PT40S after the first wait for it began"),
        log.lines());
  }
}
