package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.testing.DelegatingHttpClient;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * A connect that fails is worded by the exception's type, not by its message (the C library's
 * strerror, in the language of {@code LANG}): the JDK's client wraps the socket's exception in a
 * ConnectException of the same message, "Network is unreachable" (ENETUNREACH) among them, which
 * was told as "connection refused".
 */
class PrometheusConnectFailureTest extends HttpPrometheusControlTestSupport {
  private static final String RUNTIME_INFO = "GET /api/v1/status/runtimeinfo";

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
}
