package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.testing.DelegatingHttpClient;
import io.promcc.core.testing.FreePorts;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A connect that fails is worded by the exception's type, not by its message (the C library's
 * strerror, in the language of {@code LANG}): the JDK's client wraps the socket's exception in a
 * ConnectException of the same message, "Network is unreachable" (ENETUNREACH) among them, which
 * was told as "connection refused". A refusal the JDK's client tells without words (a
 * ConnectException caused by a ClosedChannelException, as the system's own connect timeout) is
 * told by one plain connect to the same host and port, whose thread is waited for 30 s here.
 */
class PrometheusConnectFailureTest extends HttpPrometheusControlTestSupport {
  private static final String RUNTIME_INFO = "GET /api/v1/status/runtimeinfo";
  /** How long a probe's thread is waited for here: only a failure reaches it. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /** Linux refuses a TCP connection to a multicast address with ENETUNREACH. */
  @Test
  void anUnreachableNetworkIsToldInPlainWords() {
    URI uri = URI.create("http://224.0.0.1:9090/");
    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings(uri).build()).runtimeInfo());

    String start = RUNTIME_INFO + " to prometheus at \"" + uri + "\" failed: this host cannot "
        + "connect to the network of the prometheus url (\"";
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
    String said = e.getMessage().substring(start.length(),
        e.getMessage().indexOf('"', start.length()));
    assertEquals(start + unreachable(said), e.getMessage());
    assertTrue(e.notSent(), "no connection, so nothing reached prometheus");
  }

  /** The words of another language, as the JDK gives them under LANG=de_DE.UTF-8. */
  @Test
  void anUnreachableNetworkIsToldSoInAnyLanguage() {
    String said = "Das Netzwerk ist nicht erreichbar";
    URI uri = URI.create("http://[2001:db8::1]:9090/");
    PrometheusAdapterSettings settings = settings(uri).build();
    HttpPrometheusControl control = new HttpPrometheusControl(DelegatingHttpClient.failing(() ->
        new ConnectException(said).initCause(new SocketException(said))), settings, clock,
        d -> { });

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        control::runtimeInfo);

    assertEquals(RUNTIME_INFO + " to prometheus at \"" + uri + "\" failed: this host cannot "
        + "connect to the network of the prometheus url (\"" + unreachable(said), e.getMessage());
    assertTrue(e.notSent(), "no connection, so nothing reached prometheus");
  }

  private static String unreachable(String said) {
    return said + "\"): check --prometheus-url, and this host's routes to it (an ipv6 address "
        + "where this host has no ipv6 route, for one)";
  }

  /**
   * The JDK's client says "ConnectException", caused by a "ClosedChannelException": the client
   * promcc makes, and the JVM's sockets as the probe.
   */
  @Test
  void aPortNothingListensOnIsToldARefusal() {
    URI uri = URI.create("http://127.0.0.1:" + FreePorts.next() + "/");
    PrometheusAdapterSettings settings = settings(uri).build();
    PrometheusHttp http = new PrometheusHttp(HttpPrometheusControl.newHttpClient(settings),
        settings, new ConnectProbe(ConnectProbe::connect, PATIENCE));
    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> http.send(HttpRequest.newBuilder(uri.resolve("-/ready")).build(), READY,
            Duration.ofSeconds(30), 1000));

    assertEquals(READY + " to prometheus at \"" + uri + "\" failed: connection refused",
        e.getMessage());
  }

  /** The same words from the client, where a plain connect to the host is not answered. */
  @Test
  void aHostThatDoesNotAnswerIsNotToldARefusal() {
    URI uri = URI.create("http://[2001:db8::5]:9090/");
    List<String> probed = new CopyOnWriteArrayList<>();
    ConnectProbe probe = new ConnectProbe((host, port, millis) -> {
      probed.add(host + " " + port + " " + millis);
      throw new SocketTimeoutException("Connect timed out");
    }, PATIENCE);

    assertEquals(READY + " to prometheus at \"" + uri + "\" failed: no connection: the host does "
        + "not answer (a connect to it was not answered within PT2S): check --prometheus-url, "
        + "that the host is up, and that no firewall drops the connection",
        ready(uri, new ConnectException(), new ClosedChannelException(), probe));
    assertEquals(List.of("2001:db8::5 9090 2000"), probed);
  }

  /** The JDK's client says "ConnectException: No route to host" (EHOSTUNREACH). */
  @Test
  void noRouteToTheHostIsNotToldARefusal() {
    URI uri = URI.create("http://192.0.2.77:9090/");
    ConnectProbe unasked = new ConnectProbe((host, port, millis) -> {
      throw new AssertionError("probed " + host);
    });

    assertEquals(READY + " to prometheus at \"" + uri + "\" failed: no route to the host of the "
        + "prometheus url: check --prometheus-url, and the network between",
        ready(uri, new ConnectException("No route to host"),
            new NoRouteToHostException("No route to host"), unasked));
  }

  private static final String READY = "GET /-/ready";

  /** The message of a GET /-/ready whose connect failed with {@code outer} caused by root. */
  private String ready(URI uri, ConnectException outer, Exception root, ConnectProbe probe) {
    outer.initCause(root);
    PrometheusHttp http = new PrometheusHttp(DelegatingHttpClient.failing(() -> outer),
        settings(uri).build(), probe);
    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> http.send(HttpRequest.newBuilder(uri.resolve("-/ready")).build(), READY,
            Duration.ofSeconds(30), 1000));
    assertTrue(e.notSent(), "no connection, so nothing reached prometheus");
    return e.getMessage();
  }
}
