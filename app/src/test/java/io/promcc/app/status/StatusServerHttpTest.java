package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.Polls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The status port as an HTTP server: paths and methods, its threads and queue under held
 * requests, a close that frees the port, and the address it is bound to.
 */
class StatusServerHttpTest extends StatusServerFixture {
  @Test
  void otherPathsAre404AndOtherMethods405() throws Exception {
    start(health);

    for (String path : new String[] {"/", "/metrics/", "/healthz/x", "/favicon.ico"}) {
      HttpResponse<String> response = get(path);
      assertEquals(404, response.statusCode(), path);
      assertEquals("not found; this port serves /metrics, /healthz and /readyz\n",
          response.body());
    }
    HttpResponse<String> post = send("POST", "/healthz");
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
    assertEquals(405, send("DELETE", "/metrics").statusCode());
  }

  @Test
  void headAnswersWithoutABody() throws Exception {
    start(health);

    HttpResponse<String> head = send("HEAD", "/healthz");
    HttpResponse<String> metricsHead = send("HEAD", "/metrics");

    assertEquals(200, head.statusCode());
    assertEquals("", head.body());
    assertEquals(200, metricsHead.statusCode());
    assertEquals("", metricsHead.body());
  }

  @Test
  void probesAreAnsweredWhileEighteenRequestsHoldTheirThreads() throws Exception {
    // what clients that send their requests slowly do too: the JDK's server reads a request's
    // headers on a pool thread
    int held = 18;
    CountDownLatch entered = new CountDownLatch(held);
    CountDownLatch release = new CountDownLatch(1);
    start(heldLiveness(entered, release));
    java.util.List<Socket> holding = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < held; i++) {
        holding.add(request("/healthz"));
      }
      assertTrue(entered.await(20, TimeUnit.SECONDS), "the held requests never all ran");

      try (Socket probe = request("/readyz")) {
        probe.setSoTimeout(10_000);
        assertTrue(readAll(probe).startsWith("HTTP/1.1 200 OK"), "the probe was not answered");
      }
    } finally {
      release.countDown();
      for (Socket socket : holding) {
        socket.close();
      }
    }
  }

  @Test
  void requestsBeyondThePoolAndItsQueueAreRefused() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    server = StatusServer.start(loopback(), metrics.registry(), heldLiveness(entered, release),
        1, 1);
    try (Socket busy = request("/healthz"); Socket queued = request("/healthz")) {
      assertTrue(entered.await(20, TimeUnit.SECONDS), "the first request never ran");
      awaitTrue(() -> server.queued() == 1, "the second request was never queued");

      try (Socket refused = request("/readyz")) {
        assertEquals("", readAll(refused), "a request beyond the queue was served");
      } catch (SocketException reset) {
        // refused by a reset: just as good
      }

      release.countDown();
      assertTrue(readAll(busy).startsWith("HTTP/1.1 200 OK"));
      assertTrue(readAll(queued).startsWith("HTTP/1.1 200 OK"));
    } finally {
      release.countDown();
    }
  }

  @Test
  void closeDoesNotWaitForARequestInFlightAndFreesThePort() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    start(new Health() {
      @Override
      public HealthReport liveness() {
        entered.countDown();
        try {
          new CountDownLatch(1).await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          interrupted.countDown();
          Thread.currentThread().interrupt();
        }
        return HealthReport.ok("late");
      }

      @Override
      public HealthReport readiness() {
        return HealthReport.ok("fine");
      }
    });
    int port = server.port();
    try (Socket inFlight = request("/healthz")) {
      assertTrue(entered.await(20, TimeUnit.SECONDS));

      long start = System.nanoTime();
      server.close();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      // the request holds its thread for 60 s: a close that waited for it would take that long
      assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "close took " + took);
      try {
        assertEquals("", readAll(inFlight), "the request in flight was answered after close");
      } catch (SocketException reset) {
        // its connection was reset: just as good
      }
    }
    assertTrue(interrupted.await(20, TimeUnit.SECONDS), "the request thread was not interrupted");
    assertThrows(ConnectException.class,
        () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    server.close(); // idempotent
  }

  @Test
  void anAddressInUseFailsToStart() throws Exception {
    start(health);

    assertThrows(java.net.BindException.class, () -> StatusServer.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()),
        metrics.registry(), health));
  }

  @Test
  void theBoundAddressIsReported() throws Exception {
    start(health);

    assertTrue(server.port() > 0);
    assertEquals(server.port(), server.address().getPort());
    assertTrue(server.address().getAddress().isLoopbackAddress());
  }

  /** Liveness that counts {@code entered} down, then holds its thread until {@code release}. */
  private static Health heldLiveness(CountDownLatch entered, CountDownLatch release) {
    return new Health() {
      @Override
      public HealthReport liveness() {
        entered.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return HealthReport.ok("slow");
      }

      @Override
      public HealthReport readiness() {
        return HealthReport.ok("fine");
      }
    };
  }

  /** A raw HTTP/1.1 request on its own connection, response unread. */
  private Socket request(String path) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
    socket.setSoTimeout(20_000);
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  private static String readAll(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private static void awaitTrue(BooleanSupplier condition, String message) {
    Polls.until(Duration.ofSeconds(20), Duration.ofMillis(2), condition, () -> message);
  }
}
