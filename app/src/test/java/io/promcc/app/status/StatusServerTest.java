package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.status.LoopHealth.Bounds;
import io.promcc.core.model.ClusterId;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The status port over real HTTP on loopback, fed by the real reconciler over the core fakes. */
class StatusServerTest {
  private static final Duration GRACE = Duration.ofMinutes(5);
  private static final Duration HEARTBEAT = Duration.ofSeconds(60);

  private final ReconcilerRig rig = new ReconcilerRig().with("a", "b");
  private final ControllerMetrics metrics = new ControllerMetrics("1.2.3");
  private final LoopHealth health =
      new LoopHealth(rig.clock, new Bounds(HEARTBEAT, Duration.ofMinutes(30), GRACE));
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private StatusServer server;

  @AfterEach
  void closeServer() {
    if (server != null) {
      server.close();
    }
  }

  private StatusServer start(Health checks) throws IOException {
    server = StatusServer.start(loopback(), metrics.registry(), checks);
    return server;
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Exposition scrape() throws Exception {
    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode());
    return new Exposition(response.body());
  }

  /** One turn of the loop: a reconcile reported to health and metrics, as the loop does it. */
  private ReconcileResult reconcile() {
    health.reconcileStarted();
    ReconcileResult result = rig.reconcile();
    health.reconcileFinished(result);
    metrics.reconciled(result, rig.clock.instant());
    return result;
  }

  @Test
  void metricsShowTheLastReconcile() throws Exception {
    start(health);
    health.sourcesSynced();
    ReconcileResult result = reconcile();
    assertEquals(Outcome.RELOADED, result.outcome(), result.message());

    HttpResponse<String> response = get("/metrics");
    Exposition e = new Exposition(response.body());

    assertEquals(200, response.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(1, e.value("promcc_reconcile_total{outcome=\"reloaded\"}"));
    assertEquals(1, e.value("promcc_reloads_total{result=\"success\"}"));
    assertEquals(1, e.value("promcc_config_in_sync"));
    assertEquals(2, e.value("promcc_guest_clusters{state=\"active\"}"));
    assertEquals(rig.clock.instant().getEpochSecond(),
        e.value("promcc_last_successful_reload_timestamp_seconds"));
    assertEquals(result.certificateNotAfter().get(ClusterId.of("a")).getEpochSecond(),
        e.value("promcc_certificate_not_after_seconds{cluster=\"a\"}"));
    assertEquals(1, e.value("promcc_build_info{version=\"1.2.3\"}"));
    assertTrue(e.count("jvm_") > 10, e.text());
  }

  @Test
  void metricsSpeakOpenMetricsWhenAskedAndSelectByName() throws Exception {
    start(health);

    HttpResponse<String> open = get("/metrics", "Accept",
        "application/openmetrics-text; version=1.0.0; charset=utf-8");
    HttpResponse<String> one = get("/metrics?name%5B%5D=promcc_config_in_sync");
    HttpResponse<String> protobuf = get("/metrics", "Accept", "application/vnd.google.protobuf;"
        + "proto=io.prometheus.client.MetricFamily;encoding=delimited");

    assertTrue(open.headers().firstValue("Content-Type").orElseThrow()
        .startsWith("application/openmetrics-text"), open.headers().toString());
    assertTrue(open.body().endsWith("# EOF\n"), open.body());
    assertTrue(open.body().contains("# TYPE promcc_reconcile counter"), open.body());
    assertTrue(protobuf.headers().firstValue("Content-Type").orElseThrow()
        .startsWith("application/vnd.google.protobuf"), protobuf.headers().toString());
    assertEquals("# HELP promcc_config_in_sync " + helpOf(one.body()) + "\n"
        + "# TYPE promcc_config_in_sync gauge\npromcc_config_in_sync 0.0\n", one.body());
  }

  private static String helpOf(String exposition) {
    String line = exposition.lines().filter(l -> l.startsWith("# HELP ")).findFirst()
        .orElseThrow();
    return line.substring(line.indexOf(' ', "# HELP ".length()) + 1);
  }

  @Test
  void healthzTurnsRedWhenTheLoopIsStuck() throws Exception {
    start(health);
    health.sourcesSynced();
    reconcile();
    HttpResponse<String> alive = get("/healthz");
    assertEquals(200, alive.statusCode());
    assertEquals("ok: the reconcile loop is idle, last heartbeat 0s ago\n", alive.body());
    assertEquals("text/plain; charset=utf-8",
        alive.headers().firstValue("Content-Type").orElseThrow());

    rig.clock.advance(HEARTBEAT.plusSeconds(1)); // the loop stopped beating
    HttpResponse<String> stuck = get("/healthz");

    assertEquals(503, stuck.statusCode());
    assertEquals("no heartbeat from the reconcile loop for 1m1s, longer than the bound of 1m0s: "
        + "the loop is stuck or has stopped\n", stuck.body());
    assertEquals(503, get("/readyz").statusCode());
  }

  @Test
  void healthzTurnsRedWhenAReconcileHangs() throws Exception {
    start(health);
    health.reconcileStarted();
    rig.clock.advance(Duration.ofMinutes(29));
    assertEquals(200, get("/healthz").statusCode());

    rig.clock.advance(Duration.ofMinutes(2));
    HttpResponse<String> hung = get("/healthz");

    assertEquals(503, hung.statusCode());
    assertEquals("a reconcile has been running for 31m0s, longer than the bound of 30m0s: the "
        + "reconcile loop is stuck\n", hung.body());
  }

  @Test
  void aRejectingPrometheusTakesTheConfigOutOfSyncAndReadinessAfterTheGrace()
      throws Exception {
    start(health);
    health.sourcesSynced();
    assertEquals(503, get("/readyz").statusCode());
    reconcile();
    assertEquals(1, scrape().value("promcc_config_in_sync"));
    assertEquals(200, get("/readyz").statusCode());

    rig.breakBaseConfig();
    rig.clock.advance(Duration.ofSeconds(30));
    ReconcileResult rejected = reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
    Exposition e = scrape();
    HttpResponse<String> retrying = get("/readyz");

    assertEquals(0, e.value("promcc_config_in_sync"));
    assertEquals(1, e.value("promcc_reloads_total{result=\"rejected\"}"));
    assertEquals(1, e.value("promcc_rollbacks_total"));
    assertEquals(200, retrying.statusCode(), retrying.body());
    assertTrue(retrying.body().startsWith("ok: retrying: reconciles have been failing for 0s"),
        retrying.body());

    // the loop retries on its resync; the pinned config is not tried again
    for (int i = 0; i < 6; i++) {
      rig.clock.advance(Duration.ofSeconds(55));
      reconcile();
    }
    Exposition later = scrape();
    HttpResponse<String> red = get("/readyz");

    assertEquals(0, later.value("promcc_config_in_sync"));
    assertEquals(1, later.value("promcc_reloads_total{result=\"rejected\"}"));
    assertEquals(7, later.value("promcc_reconcile_total{outcome=\"rejected\"}"));
    assertEquals(503, red.statusCode(), red.body());
    assertTrue(red.body().startsWith("reconciles have been failing for 5m30s, longer than the "
        + "grace of 5m0s (last success 6m0s ago); the last one: rejected (config "), red.body());
    assertTrue(red.body().contains("field bogus not found"), red.body());
    assertEquals(200, get("/healthz").statusCode());
  }

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
  void aHealthCheckThatThrowsFailsTheProbe() throws Exception {
    start(new Health() {
      @Override
      public HealthReport liveness() {
        throw new IllegalStateException("secret-looking detail that must not leak");
      }

      @Override
      public HealthReport readiness() {
        return HealthReport.ok("fine");
      }
    });

    HttpResponse<String> broken = get("/healthz");

    assertEquals(503, broken.statusCode());
    assertEquals("the health check failed with java.lang.IllegalStateException\n", broken.body());
    assertEquals("ok: fine\n", get("/readyz").body());
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertFalse(System.nanoTime() > deadline, message);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // polling interval
    }
  }
}
