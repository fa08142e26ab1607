package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which timer ends a request to a Prometheus that never takes the connection: the JDK's own
 * request timer, begun before the connect, ended it as "HTTP connect timed out" (an
 * HttpConnectTimeoutException, as the connect's timer does) and promcc said "connect timed out
 * after" the connect timeout, which had not passed. The request carries no timer of its own:
 * promcc's bounded wait ends it, and only the connect's timer says the connect timed out.
 */
class ConnectTimersTest extends HttpPrometheusControlTestSupport {
  private static final String RUNTIME_INFO = "GET /api/v1/status/runtimeinfo";
  private final List<Socket> queued = new ArrayList<>();
  private ServerSocket neverAccepts;

  @AfterEach
  void closeListener() throws IOException {
    for (Socket s : queued) {
      s.close();
    }
    if (neverAccepts != null) {
      neverAccepts.close();
    }
  }

  /**
   * A listener that accepts nothing, its queue full: Linux drops the SYN of any further connect
   * to it, which then waits as one to a host that does not answer. A connect to loopback that
   * is taken is taken within the connect call itself, so its 200 ms are no real-time bet.
   */
  private URI neverAccepting() throws IOException {
    neverAccepts = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(),
        neverAccepts.getLocalPort());
    for (int i = 0; i < 64; i++) {
      Socket s = new Socket();
      try {
        s.connect(at, 200);
        queued.add(s);
      } catch (SocketTimeoutException full) {
        s.close();
        return URI.create("http://127.0.0.1:" + neverAccepts.getLocalPort() + "/");
      }
    }
    throw new AssertionError("a listener of backlog 1 took 64 connects: no full queue here");
  }

  @Test
  void theRequestsBoundEndingFirstIsNoAnswerWithinIt() throws IOException {
    URI uri = neverAccepting();
    PrometheusAdapterSettings settings = settings(uri).connectTimeout(Duration.ofSeconds(30))
        .requestTimeout(Duration.ofMillis(300)).build();

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings).runtimeInfo());

    assertEquals(RUNTIME_INFO + " to prometheus at \"" + uri + "\" failed: no answer within PT0.3S",
        e.getMessage());
  }

  @Test
  void theConnectsBoundEndingFirstIsAConnectTimedOut() throws IOException {
    URI uri = neverAccepting();
    PrometheusAdapterSettings settings = settings(uri).connectTimeout(Duration.ofMillis(300))
        .requestTimeout(Duration.ofSeconds(30)).build();

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings).runtimeInfo());

    assertEquals(RUNTIME_INFO + " to prometheus at \"" + uri + "\" failed: connect timed out after "
        + "PT0.3S", e.getMessage());
    assertTrue(e.notSent(), "no connection, so nothing reached prometheus");
  }

  @Test
  void aRequestCarriesNoTimerOfItsOwn() {
    PrometheusAdapterSettings settings = settings(server.url("/").uri())
        .requestTimeout(Duration.ofMillis(300)).build();
    PrometheusHttp http = new PrometheusHttp(HttpPrometheusControl.newHttpClient(settings),
        settings);

    assertEquals(Optional.empty(), http.get("-/ready").timeout());
    assertEquals(Optional.empty(),
        http.request("POST", "-/reload").build().timeout());
  }
}
