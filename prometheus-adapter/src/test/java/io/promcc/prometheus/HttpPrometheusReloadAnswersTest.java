package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HttpPrometheusControl}'s reading of the answers to {@code POST /-/reload} that Prometheus
 * 2.53.3 never gives itself (its handler answers 200 with nothing, 500 with "failed to reload
 * config: ...", 403 with its lifecycle API off; while it starts, the request waits): a gateway's
 * error and a redirect.
 */
class HttpPrometheusReloadAnswersTest extends HttpPrometheusControlTestSupport {
  /**
   * A proxy or gateway in front of Prometheus answers 502 or 504 (its timeout shorter than a
   * load of 1,000 clusters, which takes seconds; the connection lost during the load): the
   * request may well have reached Prometheus, which goes on loading. No verdict on the config,
   * and a request sent: runtime info tells, as after a reload that got no answer, so the reload
   * is not sent again at every reconcile.
   */
  @ParameterizedTest
  @ValueSource(ints = {502, 504})
  void aGatewaysErrorIsASentReloadWithoutAVerdict(int status) {
    server.enqueue(answer(status, "<html><h1>Gateway Timeout</h1></html>"));

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control().reload());

    assertEquals("POST /-/reload to prometheus at \"" + server.url("/") + "\" failed: it "
        + "answered status " + status + " with \"<html><h1>Gateway Timeout</h1></html>\", which "
        + "prometheus never answers a reload with: a proxy or gateway in between answered (its "
        + "timeout may be shorter than the load, which goes on); no verdict on the config",
        e.getMessage());
    assertFalse(e.notSent(), "the request may have reached prometheus, which may have loaded");
  }

  /**
   * A proxy answers 503 when it has no Prometheus to send the request to (none up behind it, or
   * one it holds out): the request did not reach Prometheus, so nothing is to be watched for a
   * load, and the reconcile need not wait the verification's timeout for one.
   */
  @Test
  void aProxysServiceUnavailableIsAReloadNotSent() {
    server.enqueue(answer(503, "<html><h1>503 Service Unavailable</h1></html>"));

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control().reload());

    assertEquals("POST /-/reload to prometheus at \"" + server.url("/") + "\" failed: it "
        + "answered status 503 with \"<html><h1>503 Service Unavailable</h1></html>\", which "
        + "prometheus never answers a reload with: a proxy in between has no prometheus to send "
        + "it to; not sent", e.getMessage());
    assertTrue(e.notSent(), "a proxy's 503: the request did not reach prometheus");
  }

  /**
   * Prometheus 2.53.3 answers {@code POST /Prom/-/reload} with 307 to {@code /prom/-/reload} for
   * {@code --web.route-prefix=/prom}: a wrong URL, whose redirect is named with where it points
   * (without its user or query), as a redirect of {@code /-/ready} is.
   */
  @Test
  void aRedirectNamesWhereItPointsAndAsksForTheUrlPrometheusAnswersAt() {
    server.enqueue(new MockResponse.Builder().code(307)
        .addHeader("Location", "/prom/-/reload").build());
    server.enqueue(new MockResponse.Builder().code(308)
        .addHeader("Location", "https://promcc:s3cret@prom.example/-/reload?token=abc").build());

    PrometheusApiException prefix = assertThrows(PrometheusApiException.class,
        () -> control().reload());
    PrometheusApiException https = assertThrows(PrometheusApiException.class,
        () -> control().reload());

    assertEquals(307, prefix.statusCode());
    assertEquals("POST /-/reload", prefix.endpoint());
    assertEquals("prometheus at \"" + server.url("/") + "\" answered POST /-/reload with a "
        + "redirect (status 307) to \"/prom/-/reload\"; no redirect is followed: give the url "
        + "prometheus answers at", prefix.getMessage());
    assertEquals(308, https.statusCode());
    assertTrue(https.getMessage().contains(" to \"https://<redacted>@prom.example/-/reload\";"),
        https.getMessage());
    assertFalse(https.getMessage().contains("s3cret"), https.getMessage());
    assertFalse(https.getMessage().contains("abc"), https.getMessage());
  }
}
