package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpPrometheusControl}'s requests that Prometheus does not answer within their timeout.
 * Each is sent on a connection a first call, answered at once, made: on a busy machine the
 * connect to the local server may take longer than the short timeouts of these tests, which
 * then end a request never sent ("connect timed out", sent nothing), not one without an answer.
 */
class HttpPrometheusTimeoutsTest extends HttpPrometheusControlTestSupport {
  /** A control with {@code settings} that has connected: a call was answered on it. */
  private HttpPrometheusControl connected(PrometheusAdapterSettings settings)
      throws InterruptedException {
    server.enqueue(answer(200, String.format(RUNTIMEINFO, "true", "2026-11-25T14:37:27Z")));
    HttpPrometheusControl control = control(settings);
    control.runtimeInfo();
    take();
    return control;
  }

  /** The request that timed out came on the connection {@link #connected} made. */
  private void assertSentOnTheFirstConnection() throws InterruptedException {
    assertEquals(0, take().getConnectionIndex(), "sent on the connection made first");
  }

  @Test
  void slowAnswerTimesOut() throws InterruptedException {
    HttpPrometheusControl control = connected(settings(server.url("/").uri())
        .requestTimeout(Duration.ofMillis(500)).build());
    server.enqueue(new MockResponse.Builder().code(200).body("{}")
        .headersDelay(30, TimeUnit.SECONDS).build());

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        control::runtimeInfo);

    assertTrue(e.getMessage().contains("no answer within PT0.5S"), e.getMessage());
    assertSentOnTheFirstConnection();
  }

  @Test
  void anAnswerWhoseBodyStallsAfterItsHeadersTimesOutToo() throws InterruptedException {
    HttpPrometheusControl control = connected(settings(server.url("/").uri())
        .requestTimeout(Duration.ofMillis(500)).build());
    // the request's own timeout ends when the headers arrive; the body must be bounded as well
    server.enqueue(new MockResponse.Builder().code(200).body("{\"status\":\"success\"}")
        .throttleBody(4, 20, TimeUnit.SECONDS).build());

    PrometheusUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(15),
        () -> assertThrows(PrometheusUnavailableException.class, control::runtimeInfo),
        "still reading a stalled body long after the 0.5 s request timeout");

    assertTrue(e.getMessage().contains("no answer within PT0.5S"), e.getMessage());
    assertSentOnTheFirstConnection();
  }

  @Test
  void slowReloadTimesOutAfterTheReloadTimeout() throws InterruptedException {
    HttpPrometheusControl control = connected(settings(server.url("/").uri())
        .reloadTimeout(Duration.ofMillis(300)).build());
    server.enqueue(new MockResponse.Builder().code(200)
        .headersDelay(30, TimeUnit.SECONDS).build());

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        control::reload);

    assertTrue(e.getMessage().startsWith("POST /-/reload"), e.getMessage());
    assertTrue(e.getMessage().contains("no answer within PT0.3S"), e.getMessage());
    assertFalse(e.notSent(), "Prometheus got the request and may still be loading");
    assertSentOnTheFirstConnection();
  }
}
