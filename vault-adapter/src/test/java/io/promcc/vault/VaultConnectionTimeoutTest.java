package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A Vault (or a proxy before it) that sends the response headers and then stalls the body: the
 * request timeout (1 s here) must still bound the call, although the JDK's request timeout ends
 * when the headers arrive.
 */
class VaultConnectionTimeoutTest {
  @Test
  void aStalledBodyIsBoundedByTheRequestTimeout() throws Exception {
    CountDownLatch testOver = new CountDownLatch(1);
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket s = server.accept()) {
          BufferedReader in = new BufferedReader(
              new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
          String line;
          while ((line = in.readLine()) != null && !line.isEmpty()) {
            // request headers
          }
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100\r\n\r\n{\"data\":").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          testOver.await(60, TimeUnit.SECONDS); // the rest of the body never comes
        } catch (Exception ignored) {
          // test over
        }
      });
      t.setDaemon(true);
      t.start();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(1))
          .build();
      VaultConnection connection = new VaultConnection(
          URI.create("http://127.0.0.1:" + server.getLocalPort()), null, client,
          Duration.ofSeconds(1));
      VaultRequestException e = assertTimeoutPreemptively(Duration.ofSeconds(15),
          () -> assertThrows(VaultRequestException.class,
              () -> connection.get("auth/token/lookup-self", null)),
          "GET with a 1 s request timeout still waiting after 15 s for a stalled body");
      assertEquals(VaultFailure.UNREACHABLE, e.failure(), e.getMessage());
      assertTrue(e.getMessage().contains("no whole answer within PT1S"), e.getMessage());
    } finally {
      testOver.countDown();
    }
  }
}
