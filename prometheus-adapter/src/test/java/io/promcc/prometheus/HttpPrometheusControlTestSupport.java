package io.promcc.prometheus;

import io.promcc.core.testing.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of {@link HttpPrometheusControl} against a fake Prometheus (MockWebServer)
 * share: the server, an injected clock whose sleeps are recorded, settings and answers.
 */
abstract class HttpPrometheusControlTestSupport {
  static final String RUNTIMEINFO = "{\"status\":\"success\",\"data\":{"
      + "\"startTime\":\"2026-11-25T14:37:27.301298011Z\",\"CWD\":\"/\","
      + "\"reloadConfigSuccess\":%s,\"lastConfigTime\":\"%s\",\"corruptionCount\":0}}";

  final MockWebServer server = new MockWebServer();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
  final List<Duration> sleeps = new ArrayList<>();
  /**
   * How long a handshake waits for the CA bundle's read again in the tests of a changed bundle,
   * where promcc waits 2 s: on a busy machine the reading thread may start later than that, and
   * the handshake goes on with the certificates read before. A read that hangs is tested with a
   * bound of its own ({@link BundleRereadsTest}).
   */
  static final Duration PATIENT_REREAD = Duration.ofSeconds(60);

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /**
   * Timeouts a busy 2-core machine meets on the happy path (a 500 ms connect timeout to the local
   * server failed there); the tests of a timeout set a short one themselves.
   */
  PrometheusAdapterSettings.Builder settings(URI uri) {
    return PrometheusAdapterSettings.builder(Path.of("out"), uri)
        .connectTimeout(Duration.ofSeconds(30))
        .requestTimeout(Duration.ofSeconds(30))
        .reloadTimeout(Duration.ofSeconds(30));
  }

  HttpPrometheusControl control(PrometheusAdapterSettings settings) {
    return new HttpPrometheusControl(HttpPrometheusControl.newHttpClient(settings), settings, clock,
        d -> {
          sleeps.add(d);
          clock.advance(d);
        });
  }

  HttpPrometheusControl control() {
    return control(settings(server.url("/").uri()).build());
  }

  /** The CA bundle {@code file} as {@link PrometheusTrust#read(Path)} reads it, patient. */
  static PrometheusTrust patientTrust(Path file) {
    return PrometheusTrust.read(file, Clock.systemUTC(), System::nanoTime, PATIENT_REREAD);
  }

  static MockResponse answer(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  RecordedRequest take() throws InterruptedException {
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  /** Runtime info whose Date is past the last load, so a signal reload signals at once. */
  void enqueueRuntimeInfoPastTheLastLoad() {
    server.enqueue(new MockResponse.Builder().code(200)
        .body(String.format(RUNTIMEINFO, "true", "2026-11-25T11:00:00Z"))
        .addHeader("Date", "Wed, 25 Nov 2026 11:00:05 GMT").build());
  }

  static URI closedPort() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    return URI.create("http://127.0.0.1:" + port + "/");
  }
}
