package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.DelegatingHttpClient;
import io.promcc.core.testing.FreePorts;
import io.promcc.core.testing.SilentServer;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * How a request Vault gave no answer to is worded: what failed, against which address, and what
 * to check, where the JVM's exception names were shown ("ConnectException",
 * "HttpTimeoutException", "ClosedChannelException").
 */
class VaultUnreachableTest {
  private static VaultRequestException failedGet(String address, Duration timeout) {
    return failedGet(address, timeout, HttpClient.newHttpClient());
  }

  private static VaultRequestException failedGet(String address, Duration timeout,
      HttpClient client) {
    VaultConnection connection = new VaultConnection(URI.create(address), null, client, timeout);
    return assertThrows(VaultRequestException.class,
        () -> connection.get("auth/token/lookup-self", null));
  }

  private static final String LOOKUP = " for GET auth/token/lookup-self: ";
  /** How long a probe's thread is waited for here: only a failure reaches it. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String AT_LOCAL = "cannot reach vault at http://127.0.0.1:8200" + LOOKUP;

  /**
   * The JDK's client says only "ConnectException", caused by a "ClosedChannelException", for a
   * refusal as for the system's own connect timeout: one plain connect tells which.
   */
  @Test
  void aPortNothingListensOnIsToldARefusal() {
    String address = "http://127.0.0.1:" + FreePorts.next();
    VaultConnection connection = new VaultConnection(URI.create(address), null,
        HttpClient.newHttpClient(), Duration.ofSeconds(30), Clock.systemUTC(),
        new ConnectProbe(ConnectProbe::connect, PATIENCE));
    VaultRequestException e = assertThrows(VaultRequestException.class,
        () -> connection.get("auth/token/lookup-self", null));

    assertEquals("cannot reach vault at " + address + LOOKUP + "connection refused (nothing "
        + "listens there: check the vault address and port, and that vault, or its proxy, "
        + "runs)", e.getMessage());
    assertEquals(VaultFailure.UNREACHABLE, e.failure());
  }

  /** The same from the client, where a plain connect to the host is not answered. */
  @Test
  void aHostThatDoesNotAnswerIsNotToldARefusal() {
    assertEquals(AT_LOCAL + "no connection: the host does not answer (a connect to it was not "
        + "answered within PT2S: check the vault address and port, that the host is up, and "
        + "that no firewall drops the connection)", connectFailed(new ConnectException(),
            new ClosedChannelException(), ConnectProbe.Outcome.NOT_ANSWERED));
    assertEquals(AT_LOCAL + "no connection (refused, or the host not reachable: check the "
        + "vault address and port, and that vault, or its proxy, runs there)",
        connectFailed(new ConnectException(), new ClosedChannelException(),
            ConnectProbe.Outcome.NOT_TOLD));
  }

  /** A request through a proxy is probed at the proxy, where its connect goes. */
  @Test
  void theProbeConnectsWhereTheRequestConnects() {
    List<String> probed = new CopyOnWriteArrayList<>();
    ConnectProbe probe = new ConnectProbe((host, port, millis) -> probed.add(host + ":" + port),
        PATIENCE);
    VaultProxy proxy = VaultProxy.fromEnvironment(URI.create("https://vault.corp:8200"),
        Map.of("HTTPS_PROXY", "http://proxy.corp:3128")::get);

    probe.probe(URI.create("https://vault.corp:8200"), Optional.of(proxy));
    probe.probe(URI.create("https://[2001:db8::1]"), Optional.empty());

    assertEquals(List.of("proxy.corp:3128", "2001:db8::1:443"), probed);
  }

  /** The JDK's client says "ConnectException", caused by an "UnresolvedAddressException". */
  @Test
  void aHostNameThatDoesNotResolveIsToldSo() {
    String address = "https://promcc-no-such-host.invalid:8200";
    assertEquals("cannot reach vault at " + address + LOOKUP + "the host name "
        + "\"promcc-no-such-host.invalid\" does not resolve (check the host name of the vault "
        + "address, and the dns)", failedGet(address, Duration.ofSeconds(30)).getMessage());
  }

  @Test
  void aServerThatNeverAnswersIsToldAsNoAnswerInTime() throws Exception {
    try (SilentServer silent = SilentServer.holding()) {
      assertEquals("cannot reach vault at " + silent.url() + LOOKUP + "no whole answer within "
          + "PT0.5S (check that vault, or a proxy or load balancer in front of it, is not "
          + "overloaded, and the network between)",
          failedGet(silent.url(), Duration.ofMillis(500)).getMessage());
    }
  }

  /**
   * The JDK's own request timeout and promcc's wait for the whole answer end together: whichever
   * fires first, the words are the same (the JDK's "request timed out" came first now and then on
   * a busy machine, and the message changed with it).
   */
  @Test
  void theJdksRequestTimeoutIsToldAsPromccsOwn() {
    HttpClient timingOut = new DelegatingHttpClient(HttpClient.newHttpClient()) {
      @Override
      public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
          HttpResponse.BodyHandler<T> handler) {
        return CompletableFuture.failedFuture(new HttpTimeoutException("request timed out"));
      }
    };
    String address = "http://127.0.0.1:8200";
    VaultRequestException e = failedGet(address, Duration.ofMillis(500), timingOut);

    assertEquals("cannot reach vault at " + address + LOOKUP + "no whole answer within PT0.5S "
        + "(check that vault, or a proxy or load balancer in front of it, is not overloaded, "
        + "and the network between)", e.getMessage());
    assertEquals(VaultFailure.UNREACHABLE, e.failure());
  }

  @Test
  void aServerThatClosesTheConnectionIsToldSo() throws Exception {
    try (SilentServer closing = SilentServer.closing()) {
      assertEquals("cannot reach vault at " + closing.url() + LOOKUP + "vault closed the "
          + "connection without an answer (check that the address is vault's, with the scheme "
          + "it serves, and that vault, or its proxy, is not restarting)",
          failedGet(closing.url(), Duration.ofSeconds(30)).getMessage());
    }
  }

  /**
   * Linux refuses a TCP connection to a multicast address with ENETUNREACH: the JDK's client
   * says "ConnectException: Network is unreachable", caused by a SocketException of the same
   * words, in the language of {@code LANG}.
   */
  @Test
  void anUnreachableNetworkIsToldInPlainWords() {
    String address = "http://224.0.0.1:8200";
    String message = failedGet(address, Duration.ofSeconds(30)).getMessage();

    String start = "cannot reach vault at " + address + LOOKUP + "this host cannot connect to "
        + "the network of the vault address (\"";
    assertTrue(message.startsWith(start), message);
    String said = message.substring(start.length(), message.indexOf('"', start.length()));
    assertEquals(start + unreachable(said), message);
  }

  /** The words of another language, as the JDK gives them under LANG=de_DE.UTF-8. */
  @Test
  void anUnreachableNetworkIsToldSoInAnyLanguage() {
    String said = "Das Netzwerk ist nicht erreichbar";
    HttpClient unreachable = failingWith(new ConnectException(said),
        new SocketException(said));
    String address = "http://[2001:db8::1]:8200";
    assertEquals("cannot reach vault at " + address + LOOKUP + "this host cannot connect to the "
        + "network of the vault address (\"" + unreachable(said),
        failedGet(address, Duration.ofSeconds(30), unreachable).getMessage());
  }

  /** A ConnectException of the socket that says so is a refusal, without a probe. */
  @Test
  void aRefusedConnectionIsToldSo() {
    assertEquals(AT_LOCAL + "connection refused (nothing listens there: check the vault address "
        + "and port, and that vault, or its proxy, runs)", connectFailed("Connection refused"));
  }

  /**
   * Its words in another language may be a refusal's or a timeout's: the probe's connect tells,
   * and where it cannot, they are quoted.
   */
  @Test
  void aConnectFailureInAnotherLanguageIsToldWithTheSystemsWords() {
    assertEquals(refusedOrTimedOut("Verbindungsaufbau abgelehnt"),
        connectFailed("Verbindungsaufbau abgelehnt"));
    assertEquals(AT_LOCAL + "connection refused (nothing listens there: check the vault address "
        + "and port, and that vault, or its proxy, runs)", connectFailed(new ConnectException(
            "Verbindungsaufbau abgelehnt"), new ConnectException("Verbindungsaufbau abgelehnt"),
            ConnectProbe.Outcome.REFUSED));
  }

  /**
   * The system's own connect timeout (ETIMEDOUT) is a ConnectException as a refusal is: with its
   * words kept, they are quoted where the probe cannot tell (the JDK 17 client keeps none of
   * either: a ConnectException caused by a ClosedChannelException for both, seen with one SYN
   * retry).
   */
  @Test
  void theSystemsConnectTimeoutIsNotToldARefusal() {
    assertEquals(refusedOrTimedOut("Connection timed out"),
        connectFailed("Connection timed out"));
  }

  /**
   * The message of a lookup whose connect failed with a ConnectException saying {@code said},
   * where the probe's connect does not tell.
   */
  private static String connectFailed(String said) {
    return connectFailed(new ConnectException(said), new ConnectException(said),
        ConnectProbe.Outcome.NOT_TOLD);
  }

  /** The message of a lookup whose connect failed with {@code outer} caused by root. */
  private static String connectFailed(ConnectException outer, Exception root,
      ConnectProbe.Outcome probed) {
    outer.initCause(root);
    return AT_LOCAL + NoAnswerWords.of(List.of(outer, root),
        URI.create("http://127.0.0.1:8200"), () -> probed).orElseThrow();
  }

  private static String refusedOrTimedOut(String said) {
    return AT_LOCAL + "no connection (\"" + said + "\"): refused (nothing listens there), or "
        + "not answered within the system's own connect timeout (check the vault address and "
        + "port, that vault, or its proxy, runs, and the network between)";
  }

  private static String unreachable(String said) {
    return said + "\"): check the vault address, and this host's routes to it (an ipv6 address "
        + "where this host has no ipv6 route, for one)";
  }

  /** A client whose send fails as the JDK's fails a connect: {@code outer} caused by root. */
  private static HttpClient failingWith(ConnectException outer, Exception root) {
    outer.initCause(root);
    return new DelegatingHttpClient(HttpClient.newHttpClient()) {
      @Override
      public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
          HttpResponse.BodyHandler<T> handler) {
        return CompletableFuture.failedFuture(outer);
      }
    };
  }
}
