package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Watchable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A read timeout starts again with every byte: an API server or a proxy that sends a body a byte
 * now and then would hold a list or a watch, and with it the source, for good. The calls' own
 * time limits bound them whole.
 */
class TrackedListerWatcherTimeoutTest {
  private final CountDownLatch over = new CountDownLatch(1);
  private ServerSocket server;
  private TrackedListerWatcher<V1Service, V1ServiceList> lister;

  @BeforeEach
  void trickleAnAnswer() throws Exception {
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(() -> {
      try (Socket socket = server.accept()) {
        BufferedReader in = new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          // the request's head
        }
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Content-Length: 100000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // a byte every 300 ms: each read ends well within the 1 s read timeout
        while (!over.await(300, TimeUnit.MILLISECONDS)) {
          out.write(' ');
          out.flush();
        }
      } catch (Exception ended) {
        // the test is over, or the client gave up
      }
    });
    thread.setDaemon(true);
    thread.start();
    ApiClient client = new ClientBuilder()
        .setBasePath("http://127.0.0.1:" + server.getLocalPort()).build();
    CoreV1Api api = new CoreV1Api(client);
    lister = new TrackedListerWatcher<>(client,
        params -> api.listServiceForAllNamespaces().watch(params.watch).buildCall(null),
        V1Service.class, V1ServiceList.class, "services in all namespaces",
        new InformerHealth(() -> { }),
        new WatchSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)));
  }

  @AfterEach
  void stop() throws Exception {
    over.countDown();
    server.close();
  }

  @Test
  void aTrickledListEndsAtTheRequestTimeout() {
    assertTimeoutPreemptively(Duration.ofSeconds(15),
        () -> assertThrows(ApiException.class,
            () -> lister.list(new CallGeneratorParams(false, null, null))),
        "a list with a 1 s request timeout still running after 15 s of a trickled body");
  }

  @Test
  void aTrickledWatchEndsAtItsTimeoutAndGrace() {
    assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
      try (Watchable<V1Service> watch = lister.watch(new CallGeneratorParams(true, null, null))) {
        assertThrows(RuntimeException.class, () -> watch.forEach(event -> { }));
      }
    }, "a watch of 1 s with 1 s of grace still running after 15 s of a trickled body");
  }
}
