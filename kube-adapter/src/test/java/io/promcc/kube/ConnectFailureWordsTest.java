package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.SocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A connection that fails is worded by the exception's type, and its message quoted: the JVM's
 * message is the C library's strerror, in the language of {@code LANG} ("Verbindungsaufbau
 * abgelehnt" under de_DE.UTF-8 for "Connection refused", "Das Netzwerk ist nicht erreichbar"
 * for "Network is unreachable").
 */
class ConnectFailureWordsTest {
  private static final String SERVER = "http://127.0.0.1:6443";

  private static ApiException failedRead(String server, IOException connectFailure) {
    ApiClient client = new ClientBuilder().setBasePath(server).build();
    if (connectFailure != null) {
      client.setHttpClient(client.getHttpClient().newBuilder()
          .socketFactory(new FailingConnects(connectFailure)).build());
    }
    LeaseLock lock = new LeaseLock(client, "ns", "lease", Duration.ofSeconds(60));
    return assertThrows(ApiException.class, lock::read);
  }

  @Test
  void aRefusedConnectionIsToldSo() {
    ApiException refused = failedRead(SERVER, new ConnectException("Connection refused"));

    assertEquals("connection refused at 127.0.0.1:6443, for the api server \"" + SERVER
        + "\": nothing listens there; check the address and port of the api server, or of its "
        + "proxy, and that it runs", FailureText.describe(refused, SERVER));
  }

  /** A port nothing listens on (bound, then closed): the socket's own refusal. */
  @Test
  void aRealRefusalIsToldSo() throws IOException {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = closed.getLocalPort();
    }
    String server = "http://127.0.0.1:" + port;

    assertEquals("connection refused at 127.0.0.1:" + port + ", for the api server \"" + server
        + "\": nothing listens there; check the address and port of the api server, or of its "
        + "proxy, and that it runs", FailureText.describe(failedRead(server, null), server));
  }

  /**
   * Words that are not those this JVM gets for a refusal may be a timeout's: they are quoted
   * ({@link RefusalInAnyLanguageTest} has a JVM of its own refused in German).
   */
  @Test
  void aConnectFailureInAnotherLanguageIsToldWithTheSystemsWords() {
    assumeFalse(RefusalWords.probe().orElse("").equals("Verbindungsaufbau abgelehnt"),
        "this JVM's own language is German");
    ApiException refused = failedRead(SERVER,
        new ConnectException("Verbindungsaufbau abgelehnt"));

    assertEquals(refusedOrTimedOut("Verbindungsaufbau abgelehnt"),
        FailureText.describe(refused, SERVER));
  }

  /**
   * The system's own connect timeout (ETIMEDOUT, after net.ipv4.tcp_syn_retries, which comes
   * before OkHttp's 10 s where it is 2 or less) is a ConnectException as a refusal is: seen
   * with one SYN retry, "Connection timed out" after 3 s.
   */
  @Test
  void theSystemsConnectTimeoutIsNotToldARefusal() {
    ApiException timedOut = failedRead(SERVER, new ConnectException("Connection timed out"));

    assertEquals(refusedOrTimedOut("Connection timed out"),
        FailureText.describe(timedOut, SERVER));
  }

  @Test
  void noRouteToTheHostIsToldSoInAnyLanguage() {
    ApiException noRoute = failedRead(SERVER,
        new NoRouteToHostException("Keine Route zum Zielrechner"));

    assertEquals("no route to the host, for the api server \"" + SERVER + "\": check the "
        + "address of the api server, or of its proxy, and the network between",
        FailureText.describe(noRoute, SERVER));
  }

  @Test
  void anUnreachableNetworkIsToldInPlainWordsInAnyLanguage() {
    ApiException unreachable = failedRead(SERVER,
        new SocketException("Das Netzwerk ist nicht erreichbar"));

    assertEquals(unreachableWords(SERVER, "Das Netzwerk ist nicht erreichbar"),
        FailureText.describe(unreachable, SERVER));
  }

  /** Linux refuses a TCP connection to a multicast address: "Network is unreachable". */
  @Test
  void aRealUnreachableNetworkIsToldInPlainWords() {
    String server = "http://224.0.0.1:80";
    String described = FailureText.describe(failedRead(server, null), server);

    String start = "this host cannot connect to the network of the api server \"" + server
        + "\" (";
    assertTrue(described.startsWith(start) && !described.contains("Exception"), described);
    String said = described.substring(start.length(), described.indexOf(')', start.length()));
    assertEquals(unreachableWords(server, said.substring(1, said.length() - 1)), described);
  }

  private static String refusedOrTimedOut(String said) {
    return "no connection at 127.0.0.1:6443, for the api server \"" + SERVER + "\" (\"" + said
        + "\"): refused (nothing listens there), or not answered within the system's own "
        + "connect timeout; check the address and port of the api server, or of its proxy, "
        + "that it runs, and the network between";
  }

  private static String unreachableWords(String server, String said) {
    return "this host cannot connect to the network of the api server \"" + server + "\" (\""
        + said + "\"): check the address of the api server, or of its proxy, and this host's "
        + "routes to it (an ipv6 address where this host has no ipv6 route, for one)";
  }
}
