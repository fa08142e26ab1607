package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.port.ReloadAck;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK's client bounds the TLS handshake with its connect timeout (its timer ends when the
 * handshake does): a Prometheus served over https that took longer than the connect timeout,
 * 2 s, to answer the handshake (a busy node: both ends compute keys) was "connect timed out",
 * though its port had answered at once. The handshake has a bound of its own, as in Go's
 * {@code http.Transport}, added to the connect's.
 */
class TlsHandshakeBoundTest {
  /** How late the server answers the handshake: far past the connect timeout of the test. */
  private static final Duration LATE = Duration.ofSeconds(1);

  @TempDir Path temp;

  private final ThrowawayCa ca = ThrowawayCa.create("private prometheus ca");

  @Test
  void aHandshakeSlowerThanTheConnectTimeoutWithinItsOwnBoundIsNoTimeout() throws Exception {
    SSLSocketFactory tls = ca.serverContext(ca.issueServer()).getSocketFactory();
    CountDownLatch never = new CountDownLatch(1);
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> answerLate(listening, tls, never), "late tls server");
      server.setDaemon(true);
      server.start();
      PrometheusAdapterSettings settings = PrometheusAdapterSettings.builder(temp.resolve("out"),
              URI.create("https://127.0.0.1:" + listening.getLocalPort() + "/"))
          .caBundle(PrometheusTrust.read(Files.writeString(temp.resolve("ca.pem"),
              ca.certificatePem())))
          .connectTimeout(Duration.ofMillis(100))
          .tlsHandshakeTimeout(Duration.ofSeconds(60))
          .requestTimeout(Duration.ofSeconds(60))
          .reloadTimeout(Duration.ofSeconds(60))
          .build();

      assertEquals(ReloadAck.LOADED, new HttpPrometheusControl(
          HttpPrometheusControl.newHttpClient(settings), settings, Clock.systemUTC()).reload());
    }
  }

  @Test
  void theHandshakeBoundIsTenSecondsAddedToTheConnectTimeoutForHttpsOnly() {
    PrometheusAdapterSettings https = PrometheusAdapterSettings.builder(Path.of("out"),
        URI.create("https://127.0.0.1:9090/")).build();
    PrometheusAdapterSettings http = PrometheusAdapterSettings.builder(Path.of("out"),
        URI.create("http://127.0.0.1:9090/")).build();

    assertEquals(Duration.ofSeconds(10), https.tlsHandshakeTimeout());
    assertEquals(Duration.ofSeconds(12), https.connectAndHandshakeTimeout());
    assertEquals(Duration.ofSeconds(2), http.connectAndHandshakeTimeout());
    assertEquals(Optional.of(Duration.ofSeconds(12)),
        HttpPrometheusControl.newHttpClient(https).connectTimeout());
  }

  /** Accepts one connection, answers its handshake {@link #LATE}, then a 200 to its request. */
  private static void answerLate(ServerSocket listening, SSLSocketFactory tls,
      CountDownLatch never) {
    try (Socket plain = listening.accept()) {
      plain.setSoTimeout(60_000);
      // a slow server, not a wait for something: the client must not end the connection
      never.await(LATE.toMillis(), TimeUnit.MILLISECONDS);
      try (SSLSocket socket = (SSLSocket) tls.createSocket(plain, null, plain.getPort(), true)) {
        socket.setUseClientMode(false);
        socket.startHandshake();
        InputStream in = socket.getInputStream();
        int matched = 0;
        for (int read = 0; matched < 4 && read < 64 * 1024; read++) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
      }
    } catch (IOException | InterruptedException e) {
      // the client gave up: its assertion says so
    }
  }
}
