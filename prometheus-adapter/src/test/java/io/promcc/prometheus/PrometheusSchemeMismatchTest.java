package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * A {@code --prometheus-url} of the wrong scheme: http to a Prometheus served over https, or
 * https to one served over http. Each is an answer that no wait mends, so a wait for readiness
 * ends at once, saying which scheme to give, where it polled until the ready timeout (5 min).
 */
class PrometheusSchemeMismatchTest extends HttpPrometheusControlTestSupport {
  /** Go's answer to a plain http request on a tls port, Prometheus' with a web config's tls. */
  static final String GO_HTTPS_ANSWER = "Client sent an HTTP request to an HTTPS server.\n";

  @Test
  void anHttpUrlOfAPrometheusServedOverHttpsEndsAReadyWaitAtOnceNamingHttps() {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer(400, GO_HTTPS_ANSWER);
      }
    });
    URI url = server.url("/").uri();

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control(settings(url).build()).awaitReady(Duration.ofMinutes(5)));

    assertEquals(List.of(), sleeps);
    assertEquals(400, e.statusCode());
    assertEquals("prometheus at \"" + url + "\" answered GET /-/ready with status 400: \""
        + GO_HTTPS_ANSWER.strip() + "\": it is served over https: give an https "
        + "--prometheus-url (and --prometheus-ca-bundle if a private ca signed its "
        + "certificate)", e.getMessage());
  }

  @Test
  void anHttpUrlOfAPrometheusServedOverHttpsIsNamedForRuntimeInfoAndTheReloadToo() {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer(400, GO_HTTPS_ANSWER);
      }
    });
    HttpPrometheusControl control = control();

    PrometheusApiException info = assertThrows(PrometheusApiException.class,
        control::runtimeInfo);
    PrometheusApiException reload = assertThrows(PrometheusApiException.class, control::reload);

    assertTrue(info.getMessage().endsWith("answered GET /api/v1/status/runtimeinfo with status "
        + "400: \"" + GO_HTTPS_ANSWER.strip() + "\": it is served over https: give an https "
        + "--prometheus-url (and --prometheus-ca-bundle if a private ca signed its "
        + "certificate)"), info.getMessage());
    assertTrue(reload.getMessage().endsWith("answered POST /-/reload with status 400: \""
        + GO_HTTPS_ANSWER.strip() + "\": it is served over https: give an https "
        + "--prometheus-url (and --prometheus-ca-bundle if a private ca signed its "
        + "certificate)"), reload.getMessage());
  }

  @Test
  void anHttpsUrlOfAPrometheusServedOverHttpEndsAReadyWaitAtOnceNamingHttp() throws Exception {
    try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread answering = new Thread(() -> answerAsGoDoesATlsHello(plain), "plain-http");
      answering.setDaemon(true);
      answering.start();
      URI url = URI.create("https://127.0.0.1:" + plain.getLocalPort() + "/");

      PrometheusApiException e = assertThrows(PrometheusApiException.class,
          () -> control(settings(url).build()).awaitReady(Duration.ofMinutes(5)));

      assertEquals(List.of(), sleeps);
      assertEquals(0, e.statusCode());
      assertTrue(e.getMessage().startsWith("GET /-/ready to prometheus at \"" + url
          + "\" failed: it does not answer in tls ("), e.getMessage());
      assertTrue(e.getMessage().endsWith("): is it served over http? give an http "
          + "--prometheus-url, or a tls_server_config in prometheus' --web.config.file"),
          e.getMessage());
    }
  }

  /**
   * What Go's http server (Prometheus' without tls) answers a tls hello, read as a malformed
   * request, on each connection until the socket closes.
   */
  private static void answerAsGoDoesATlsHello(ServerSocket plain) {
    while (true) {
      try (Socket socket = plain.accept()) {
        InputStream in = socket.getInputStream();
        in.read(new byte[512]);
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Connection: close\r\n\r\n400 Bad Request").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException closed) {
        return;
      }
    }
  }
}
