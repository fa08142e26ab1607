package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.app.status.LoopHealth.Bounds;
import io.promcc.core.reconcile.ReconcileResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/**
 * The status port over real HTTP on loopback, fed by the real reconciler over the core fakes:
 * the server, an HTTP client for it, and one turn of the loop reported to health and metrics.
 */
abstract class StatusServerFixture {
  static final Duration GRACE = Duration.ofMinutes(5);
  static final Duration HEARTBEAT = Duration.ofSeconds(60);

  final ReconcilerRig rig = new ReconcilerRig().with("a", "b");
  final ControllerMetrics metrics = new ControllerMetrics("1.2.3");
  final LoopHealth health =
      new LoopHealth(rig.clock, new Bounds(HEARTBEAT, Duration.ofMinutes(30), GRACE));
  final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  StatusServer server;

  @AfterEach
  void closeServer() {
    if (server != null) {
      server.close();
    }
  }

  StatusServer start(Health checks) throws IOException {
    server = StatusServer.start(loopback(), metrics.registry(), checks);
    return server;
  }

  static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  Exposition scrape() throws Exception {
    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode());
    return new Exposition(response.body());
  }

  /** One turn of the loop: a reconcile reported to health and metrics, as the loop does it. */
  ReconcileResult reconcile() {
    health.reconcileStarted();
    ReconcileResult result = rig.reconcile();
    health.reconcileFinished(result);
    metrics.reconciled(result, rig.clock.instant());
    return result;
  }
}
