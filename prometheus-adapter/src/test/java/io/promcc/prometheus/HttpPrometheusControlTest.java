package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.RuntimeInfo;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpPrometheusControl} over HTTP: the wait for readiness, the reload by request,
 * and the API's answers. Timeouts: {@link HttpPrometheusTimeoutsTest}; the reload by signal:
 * {@link HttpPrometheusSignalReloadTest}.
 */
class HttpPrometheusControlTest extends HttpPrometheusControlTestSupport {
  @Test
  void awaitReadyReturnsOnceReadyBackingOffExponentially() throws InterruptedException {
    server.enqueue(answer(503, "Service Unavailable"));
    server.enqueue(answer(503, "Service Unavailable"));
    server.enqueue(answer(503, "Service Unavailable"));
    server.enqueue(answer(200, "Prometheus Server is Ready."));

    control().awaitReady(Duration.ofMinutes(1));

    assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200)),
        sleeps);
    assertEquals("/-/ready", take().getUrl().encodedPath());
  }

  @Test
  void awaitReadyCapsTheBackoffAndGivesUpAtTheDeadline() {
    for (int i = 0; i < 40; i++) {
      server.enqueue(answer(503, "Service Unavailable"));
    }

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control().awaitReady(Duration.ofSeconds(10)));

    assertTrue(e.getMessage().contains("not ready after PT10S"), e.getMessage());
    assertTrue(e.getMessage().contains("status 503: Service Unavailable"), e.getMessage());
    assertTrue(sleeps.stream().allMatch(d -> d.compareTo(Duration.ofSeconds(2)) <= 0), "" + sleeps);
    assertTrue(sleeps.contains(Duration.ofSeconds(2)), "" + sleeps);
    assertEquals(Duration.ofSeconds(10), sleeps.stream().reduce(Duration.ZERO, Duration::plus));
  }

  @Test
  void awaitReadyKeepsTryingWhileTheConnectionIsRefused() throws IOException {
    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings(closedPort()).build()).awaitReady(Duration.ofSeconds(1)));

    assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    assertTrue(sleeps.size() >= 3, "" + sleeps);
  }

  @Test
  void awaitReadyStopsAtOnceWhenAccessIsDenied() {
    server.enqueue(answer(401, "Unauthorized"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().awaitReady(Duration.ofMinutes(1)));

    assertEquals(401, e.statusCode());
    assertTrue(e.getMessage().contains("configure basic auth or a bearer token"), e.getMessage());
    assertEquals(List.of(), sleeps);
  }

  /**
   * A redirect of {@code /-/ready} (a sign-in proxy, http sent to https, or Prometheus' own for a
   * path not spelled as its route prefix) is a wrong URL that no wait mends, so it ends the wait
   * at once as a refusal does, naming where it points without its query (a sign-in's state) or
   * user.
   */
  @Test
  void awaitReadyStopsAtOnceAtARedirectNamingWhereItPoints() {
    for (int i = 0; i < 20; i++) {
      server.enqueue(new MockResponse.Builder().code(302)
          .addHeader("Location", "https://u:p@login.example/oauth2/start?rd=%2F&state=abc")
          .build());
    }

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().awaitReady(Duration.ofSeconds(5)));

    assertEquals(302, e.statusCode());
    assertEquals("prometheus at \"" + server.url("/") + "\" answered GET /-/ready with a "
        + "redirect (status 302) to \"https://<redacted>@login.example/oauth2/start\"; no "
        + "redirect is followed: give the url prometheus answers at", e.getMessage());
    assertEquals(List.of(), sleeps);
  }

  /**
   * A redirect's user whose password holds a {@code ?} or {@code #} (written unescaped) is not
   * shown either, nor a query holding an {@code @}: where the text cannot tell user information
   * from a query, all of it past the scheme is hidden.
   */
  @Test
  void aRedirectsPasswordHoldingAQuestionMarkOrHashIsNotShown() {
    for (String location : List.of("https://promcc:s3cr?t@login.example/start?state=abc",
        "https://promcc:s3cr#t@login.example/start", "https://login.example/a?state=s3cr@t")) {
      server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", location)
          .build());

      PrometheusApiException e = assertThrows(PrometheusApiException.class,
          () -> control().awaitReady(Duration.ofSeconds(5)));

      assertFalse(e.getMessage().contains("s3cr"), e.getMessage());
      assertFalse(e.getMessage().contains("promcc:"), e.getMessage());
      assertFalse(e.getMessage().contains("@t"), e.getMessage()); // nor a query past an @
      assertTrue(e.getMessage().contains(" to \"https://"), e.getMessage());
    }
  }

  @Test
  void reloadPostsToTheLifecycleEndpointAndItsAnswerIsTheVerdict() throws InterruptedException {
    server.enqueue(answer(200, ""));

    assertEquals(ReloadAck.LOADED, control().reload());

    RecordedRequest request = take();
    assertEquals("POST", request.getMethod());
    assertEquals("/-/reload", request.getUrl().encodedPath());
  }

  /**
   * Prometheus 2.53.3 answers a reload it carried out with 200 and an empty body (checked against
   * the binary): a 200 with a page (a proxy's sign-in page, another program at that URL) proves
   * no load, and is not taken for a rejection either.
   */
  @Test
  void aReloadAnsweredOkWithABodyIsNoLoad() {
    server.enqueue(answer(200, "<html><body>Sign in</body></html>"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().reload());

    assertEquals(200, e.statusCode());
    assertEquals("POST /-/reload", e.endpoint());
    assertEquals("prometheus at \"" + server.url("/") + "\" answered the reload with status 200 "
        + "and a body, \"<html><body>Sign in</body></html>\"; prometheus' own answer to a "
        + "reload it carried out is empty: is that URL prometheus'? nothing says the config was "
        + "loaded", e.getMessage());
  }

  @Test
  void keepsAPathPrefixOfThePrometheusUrl() throws InterruptedException {
    server.enqueue(answer(200, ""));

    control(settings(server.url("/prometheus").uri()).build()).reload();

    assertEquals("/prometheus/-/reload", take().getUrl().encodedPath());
  }

  @Test
  void rejectedReloadCarriesPrometheusMessage() {
    String message = "failed to reload config: couldn't load configuration "
        + "(--config.file=\"prom.yml\"): parsing YAML file prom.yml: yaml: unmarshal errors:\n"
        + "  line 3: field bogus not found in type config.plain";
    server.enqueue(answer(500, message + "\n"));

    ReloadRejectedException e = assertThrows(ReloadRejectedException.class,
        () -> control().reload());

    assertEquals(message, e.prometheusMessage());
  }

  /**
   * Prometheus 2.53.3 refuses a config with 500 and "failed to reload config: " before its error
   * (checked against the binary, a broken config and a broken rule file). A 500 without it (a
   * proxy's error page, an empty answer) is no verdict on the config, which must not be pinned
   * as rejected for it: like a reload without an answer, Prometheus' runtime info tells.
   */
  @Test
  void aReloadAnswered500WithoutPrometheusWordsIsNoRejection() {
    server.enqueue(answer(500, "<html><h1>500 Internal Server Error</h1></html>"));
    server.enqueue(answer(500, ""));

    PrometheusUnavailableException page = assertThrows(PrometheusUnavailableException.class,
        () -> control().reload());
    PrometheusUnavailableException empty = assertThrows(PrometheusUnavailableException.class,
        () -> control().reload());

    assertEquals("POST /-/reload to prometheus at \"" + server.url("/") + "\" failed: it "
        + "answered status 500 with \"<html><h1>500 Internal Server Error</h1></html>\", not "
        + "prometheus' refusal of a config (\"failed to reload config: ...\"): is that URL "
        + "prometheus'? no verdict on the config", page.getMessage());
    assertTrue(empty.getMessage().contains("answered status 500 with \"\", not prometheus'"),
        empty.getMessage());
    assertFalse(page.notSent(), "the request was sent: prometheus may have loaded the config");
    assertFalse(empty.notSent());
  }

  /**
   * Prometheus' message is cut to 2000 characters; an emoji across the cut (two chars, one code
   * point) left half of it, a lone surrogate that logs and Events show as "?".
   */
  @Test
  void aLongAnswerIsCutBetweenCharactersNotInsideOne() {
    String emoji = "\uD83D\uDE00";
    String words = ReloadAnswers.REFUSAL + " ";
    String body = words + "a".repeat(1999 - words.length()) + emoji + "b".repeat(100);
    server.enqueue(answer(500, body));
    server.enqueue(answer(503, body));
    server.enqueue(answer(503, body));

    ReloadRejectedException rejected = assertThrows(ReloadRejectedException.class,
        () -> control().reload());
    PrometheusUnavailableException notReady = assertThrows(PrometheusUnavailableException.class,
        () -> control().awaitReady(Duration.ofMillis(50)));

    // the ends shown: the messages are 2000 characters long
    assertEquals("aaaa...", tail(rejected.prometheusMessage()));
    assertEquals(1999 + 3, rejected.prometheusMessage().length());
    assertEquals("aaaa...", tail(notReady.getMessage()));
  }

  private static String tail(String message) {
    return message.substring(message.length() - 7);
  }

  @Test
  void reloadWithTheLifecycleApiOffNamesTheFlag() {
    server.enqueue(answer(403, "Lifecycle API is not enabled."));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().reload());

    assertEquals(403, e.statusCode());
    assertEquals("POST /-/reload", e.endpoint());
    assertTrue(e.getMessage().contains("\"Lifecycle API is not enabled.\""), e.getMessage());
    assertTrue(e.getMessage().contains("--web.enable-lifecycle"), e.getMessage());
  }

  @Test
  void reloadAgainstAnEndpointThatIsNotThereIsAnApiError() {
    server.enqueue(answer(404, "404 page not found"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().reload());

    assertEquals(404, e.statusCode());
    assertTrue(e.getMessage().contains("--web.enable-lifecycle"), e.getMessage());
  }

  @Test
  void refusedConnectionIsUnavailable() throws IOException {
    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings(closedPort()).build()).reload());

    assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    assertTrue(e.notSent(), "no connection, no request: sending it again is safe");
  }

  @Test
  void readsPrometheusOwnTimeOfTheAnswerFromTheDateHeader() {
    server.enqueue(new MockResponse.Builder().code(200)
        .body(String.format(RUNTIMEINFO, "true", "2026-11-25T14:37:27Z"))
        .addHeader("Date", "Wed, 25 Nov 2026 14:37:29 GMT").build());

    RuntimeInfo info = control().runtimeInfo();

    assertEquals(Optional.of(Instant.parse("2026-11-25T14:37:29Z")), info.serverTime());
  }

  @Test
  void readsSuccessAndTimeFromRuntimeInfo() throws InterruptedException {
    server.enqueue(answer(200, String.format(RUNTIMEINFO, "false", "2026-11-25T14:37:27Z")));

    RuntimeInfo info = control().runtimeInfo();

    assertEquals(new RuntimeInfo(false, Instant.parse("2026-11-25T14:37:27Z")), info);
    assertEquals("/api/v1/status/runtimeinfo", take().getUrl().encodedPath());
  }

  @Test
  void malformedJsonIsAnApiError() {
    server.enqueue(answer(200, "{\"status\":\"success\",\"data\":{\"reloadConfigSuccess\":"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().runtimeInfo());

    assertEquals(-1, e.statusCode());
    assertTrue(e.getMessage().startsWith("cannot parse the answer to "
        + "GET /api/v1/status/runtimeinfo as JSON"), e.getMessage());
  }

  @Test
  void runtimeInfoWithoutTheFieldsIsAnApiError() {
    server.enqueue(answer(200, "{\"status\":\"success\",\"data\":{\"CWD\":\"/\"}}"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().runtimeInfo());
    assertTrue(e.getMessage().contains("lacks reloadConfigSuccess or lastConfigTime"),
        e.getMessage());
  }

  @Test
  void activeTargetsAreCountedByLabelValueAndHealth() throws InterruptedException {
    server.enqueue(answer(200, "{\"status\":\"success\",\"data\":{\"activeTargets\":["
        + "{\"labels\":{\"cluster_id\":\"a\",\"job\":\"x\"},\"health\":\"up\"},"
        + "{\"labels\":{\"cluster_id\":\"a\",\"job\":\"y\"},\"health\":\"down\"},"
        + "{\"labels\":{\"cluster_id\":\"a\",\"job\":\"z\"},\"health\":\"unknown\"},"
        + "{\"labels\":{\"cluster_id\":\"b\",\"job\":\"x\"},\"health\":\"down\"},"
        + "{\"labels\":{\"job\":\"prometheus\"},\"health\":\"up\"}],"
        + "\"droppedTargets\":[]}}"));

    assertEquals(Map.of("a", new TargetHealth(1, 1, 1), "b", new TargetHealth(0, 1, 0)),
        control().activeTargetsBy("cluster_id"));
    RecordedRequest request = take();
    assertEquals("/api/v1/targets", request.getUrl().encodedPath());
    assertEquals("active", request.getUrl().queryParameter("state"));
  }

  @Test
  void aTargetsAnswerWithoutTheListIsAnApiError() {
    server.enqueue(answer(200, "{\"status\":\"success\",\"data\":{}}"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().activeTargetsBy("cluster_id"));
    assertTrue(e.getMessage().contains("no activeTargets list"), e.getMessage());
  }

  @Test
  void apiErrorStatusIsReportedWithTheBody() {
    server.enqueue(answer(503, "{\"status\":\"error\",\"errorType\":\"unavailable\"}"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().loadedConfig());
    assertEquals(503, e.statusCode());
    assertTrue(e.getMessage().contains("errorType"), e.getMessage());
  }

  @Test
  void loadedConfigIsTheYamlPrometheusRuns() {
    server.enqueue(answer(200, "{\"status\":\"success\",\"data\":{\"yaml\":"
        + "\"global:\\n  scrape_interval: 1m\\nscrape_configs:\\n- job_name: a\\n\"}}"));

    assertEquals("global:\n  scrape_interval: 1m\nscrape_configs:\n- job_name: a\n",
        control().loadedConfig());
  }
}
