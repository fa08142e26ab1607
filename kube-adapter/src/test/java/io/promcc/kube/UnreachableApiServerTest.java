package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.ClientBuilder;
import io.promcc.core.testing.FreePorts;
import io.promcc.core.testing.SilentServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How a call to an API server that gives no answer is worded: what failed, against which
 * server, and what to check, where the JVM's and OkHttp's exception names were shown
 * ("ConnectException: Connection refused").
 */
class UnreachableApiServerTest {
  private static ApiException failedRead(String server, Duration readTimeout) {
    ApiClient client = new ClientBuilder().setBasePath(server).build();
    client.setReadTimeout(Math.toIntExact(readTimeout.toMillis()));
    LeaseLock lock = new LeaseLock(client, "ns", "lease", Duration.ofSeconds(60));
    return assertThrows(ApiException.class, lock::read);
  }

  /** The address is the one OkHttp connected to (a proxy's, where there is one). */
  @Test
  void aPortNothingListensOnIsToldAsARefusedConnection() {
    String address = "127.0.0.1:" + FreePorts.next();
    ApiException refused = failedRead("http://jo:s3cret@" + address, Duration.ofSeconds(30));

    assertEquals("connection refused at " + address + ", for the api server \"http://"
        + "<redacted>@" + address + "\": nothing listens there; check the address and port of "
        + "the api server, or of its proxy, and that it runs",
        FailureText.describe(refused, "http://jo:s3cret@" + address));
  }

  /** The resolver's reason ("name or service not known") depends on the machine's. */
  @Test
  void aHostNameThatDoesNotResolveIsToldSo() {
    String server = "https://promcc-no-such-host.invalid:6443";
    ApiException unknown = failedRead(server, Duration.ofSeconds(30));

    String described = FailureText.describe(unknown, server);

    String start = "the host name \"promcc-no-such-host.invalid\" does not resolve";
    String end = ", for the api server \"" + server + "\": check the host name of the api "
        + "server, or of its proxy, and the dns";
    assertTrue(described.startsWith(start) && described.endsWith(end)
        && !described.contains("Exception"), described);
  }

  /** The root cause was the socket OkHttp closed at the timeout: "Socket closed". */
  @Test
  void aServerThatNeverAnswersIsToldAsNoAnswerWithinTheReadTimeout() throws Exception {
    try (SilentServer silent = SilentServer.holding()) {
      ApiException late = failedRead(silent.url(), Duration.ofMillis(500));

      assertEquals("the api server \"" + silent.url() + "\" did not answer within the read "
          + "timeout (check that it, or its proxy, is not overloaded, and the network between)",
          FailureText.describe(late, silent.url()));
    }
  }

  @Test
  void aServerThatClosesTheConnectionIsToldSo() throws Exception {
    try (SilentServer closing = SilentServer.closing()) {
      ApiException closed = failedRead(closing.url(), Duration.ofSeconds(30));

      assertEquals("the api server \"" + closing.url() + "\" closed the connection without an "
          + "answer (check that it, or its proxy, is not restarting or overloaded)",
          FailureText.describe(closed, closing.url()));
    }
  }

  @Test
  void aServerThatClosesTheTlsHandshakeIsToldSo() throws Exception {
    try (SilentServer closing = SilentServer.closing()) {
      String server = closing.url().replace("http:", "https:");
      ApiException closed = failedRead(server, Duration.ofSeconds(30));

      assertEquals("the api server \"" + server + "\" closed the connection during the tls "
          + "handshake (check that the address is its https port, and any proxy or load "
          + "balancer in between)", FailureText.describe(closed, server));
    }
  }

  /** The source's failure (its not-ready state, the not-synced warning) names the server. */
  @Test
  void aSourcesListFailureNamesTheServer() {
    String address = "127.0.0.1:" + FreePorts.next();
    ApiClient client = new ClientBuilder().setBasePath("http://" + address).build();
    CoreV1Api api = new CoreV1Api(client);
    InformerHealth health = new InformerHealth(() -> { });
    TrackedListerWatcher<V1Service, V1ServiceList> lister = new TrackedListerWatcher<>(client,
        params -> api.listServiceForAllNamespaces().watch(params.watch).buildCall(null),
        V1Service.class, V1ServiceList.class, "services in all namespaces", health,
        new WatchSettings(Duration.ofSeconds(30), Duration.ofSeconds(30),
            Duration.ofSeconds(1)));

    assertThrows(ApiException.class,
        () -> lister.list(new CallGeneratorParams(false, null, null)));

    assertEquals(Optional.of("cannot list services in all namespaces: connection refused at "
        + address + ", for the api server \"http://" + address + "\": nothing listens there; "
        + "check the address and port of the api server, or of its proxy, and that it runs"),
        health.failure());
  }
}
