package io.promcc.prometheus;

import io.promcc.core.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpPrometheusControlTest {
  private static final String RUNTIMEINFO = "{\"status\":\"success\",\"data\":{"
      + "\"startTime\":\"2026-11-25T14:37:27.301298011Z\",\"CWD\":\"/\","
      + "\"reloadConfigSuccess\":%s,\"lastConfigTime\":\"%s\",\"corruptionCount\":0}}";

  private final MockWebServer server = new MockWebServer();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
  private final List<Duration> sleeps = new ArrayList<>();

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
  private PrometheusAdapterSettings.Builder settings(URI uri) {
    return PrometheusAdapterSettings.builder(Path.of("out"), uri)
        .connectTimeout(Duration.ofSeconds(30))
        .requestTimeout(Duration.ofSeconds(30))
        .reloadTimeout(Duration.ofSeconds(30));
  }

  private HttpPrometheusControl control(PrometheusAdapterSettings settings) {
    return new HttpPrometheusControl(HttpPrometheusControl.newHttpClient(settings), settings, clock,
        d -> {
          sleeps.add(d);
          clock.advance(d);
        });
  }

  private HttpPrometheusControl control() {
    return control(settings(server.url("/").uri()).build());
  }

  private static MockResponse answer(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  private RecordedRequest take() throws InterruptedException {
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  @Test
  void awaitReadyReturnsOnceReadyBackingOffExponentially() throws InterruptedException {
    server.enqueue(answer(503, "Service Unavailable"));
    server.enqueue(answer(503, "Service Unavailable"));
    server.enqueue(answer(503, "Service Unavailable"));
    server.enqueue(answer(200, "Prometheus Server is Ready."));

    control().awaitReady(Duration.ofMinutes(1));

    assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200)),
        sleeps);
    assertEquals("/-/ready", take().getUrl().encodedPath());
  }

  @Test
  void awaitReadyCapsTheBackoffAndGivesUpAtTheDeadline() {
    for (int i = 0; i < 40; i++) {
      server.enqueue(answer(503, "Service Unavailable"));
    }

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control().awaitReady(Duration.ofSeconds(10)));

    assertTrue(e.getMessage().contains("not ready after PT10S"), e.getMessage());
    assertTrue(e.getMessage().contains("status 503: Service Unavailable"), e.getMessage());
    assertTrue(sleeps.stream().allMatch(d -> d.compareTo(Duration.ofSeconds(2)) <= 0), "" + sleeps);
    assertTrue(sleeps.contains(Duration.ofSeconds(2)), "" + sleeps);
    assertEquals(Duration.ofSeconds(10), sleeps.stream().reduce(Duration.ZERO, Duration::plus));
  }

  @Test
  void awaitReadyKeepsTryingWhileTheConnectionIsRefused() throws IOException {
    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings(closedPort()).build()).awaitReady(Duration.ofSeconds(1)));

    assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    assertTrue(sleeps.size() >= 3, "" + sleeps);
  }

  @Test
  void awaitReadyStopsAtOnceWhenAccessIsDenied() {
    server.enqueue(answer(401, "Unauthorized"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().awaitReady(Duration.ofMinutes(1)));

    assertEquals(401, e.statusCode());
    assertTrue(e.getMessage().contains("configure basic auth or a bearer token"), e.getMessage());
    assertEquals(List.of(), sleeps);
  }

  @Test
  void reloadPostsToTheLifecycleEndpointAndItsAnswerIsTheVerdict() throws InterruptedException {
    server.enqueue(answer(200, ""));

    assertEquals(ReloadAck.LOADED, control().reload());

    RecordedRequest request = take();
    assertEquals("POST", request.getMethod());
    assertEquals("/-/reload", request.getUrl().encodedPath());
  }

  @Test
  void keepsAPathPrefixOfThePrometheusUrl() throws InterruptedException {
    server.enqueue(answer(200, ""));

    control(settings(server.url("/prometheus").uri()).build()).reload();

    assertEquals("/prometheus/-/reload", take().getUrl().encodedPath());
  }

  @Test
  void rejectedReloadCarriesPrometheusMessage() {
    String message = "failed to reload config: couldn't load configuration "
        + "(--config.file=\"prom.yml\"): parsing YAML file prom.yml: yaml: unmarshal errors:\n"
        + "  line 3: field bogus not found in type config.plain";
    server.enqueue(answer(500, message + "\n"));

    ReloadRejectedException e = assertThrows(ReloadRejectedException.class,
        () -> control().reload());

    assertEquals(message, e.prometheusMessage());
  }

  @Test
  void reloadWithTheLifecycleApiOffNamesTheFlag() {
    server.enqueue(answer(403, "Lifecycle API is not enabled."));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().reload());

    assertEquals(403, e.statusCode());
    assertEquals("POST /-/reload", e.endpoint());
    assertTrue(e.getMessage().contains("\"Lifecycle API is not enabled.\""), e.getMessage());
    assertTrue(e.getMessage().contains("--web.enable-lifecycle"), e.getMessage());
  }

  @Test
  void reloadAgainstAnEndpointThatIsNotThereIsAnApiError() {
    server.enqueue(answer(404, "404 page not found"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().reload());

    assertEquals(404, e.statusCode());
    assertTrue(e.getMessage().contains("--web.enable-lifecycle"), e.getMessage());
  }

  @Test
  void slowAnswerTimesOut() {
    server.enqueue(new MockResponse.Builder().code(200).body("{}")
        .headersDelay(3, TimeUnit.SECONDS).build());

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings(server.url("/").uri()).requestTimeout(Duration.ofMillis(500))
            .build()).runtimeInfo());

    assertTrue(e.getMessage().contains("no answer within PT0.5S"), e.getMessage());
  }

  @Test
  void anAnswerWhoseBodyStallsAfterItsHeadersTimesOutToo() {
    // the request's own timeout ends when the headers arrive; the body must be bounded as well
    server.enqueue(new MockResponse.Builder().code(200).body("{\"status\":\"success\"}")
        .throttleBody(4, 20, TimeUnit.SECONDS).build());

    PrometheusUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(15),
        () -> assertThrows(PrometheusUnavailableException.class,
            () -> control(settings(server.url("/").uri()).requestTimeout(Duration.ofMillis(500))
                .build()).runtimeInfo()),
        "still reading a stalled body long after the 0.5 s request timeout");

    assertTrue(e.getMessage().contains("no answer within PT0.5S"), e.getMessage());
  }

  @Test
  void slowReloadTimesOutAfterTheReloadTimeout() {
    server.enqueue(new MockResponse.Builder().code(200)
        .headersDelay(3, TimeUnit.SECONDS).build());

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings(server.url("/").uri()).reloadTimeout(Duration.ofMillis(300))
            .build()).reload());

    assertTrue(e.getMessage().startsWith("POST /-/reload"), e.getMessage());
    assertTrue(e.getMessage().contains("no answer within PT0.3S"), e.getMessage());
    assertFalse(e.notSent(), "Prometheus got the request and may still be loading");
  }

  @Test
  void refusedConnectionIsUnavailable() throws IOException {
    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings(closedPort()).build()).reload());

    assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    assertTrue(e.notSent(), "no connection, no request: sending it again is safe");
  }

  @Test
  void readsPrometheusOwnTimeOfTheAnswerFromTheDateHeader() {
    server.enqueue(new MockResponse.Builder().code(200)
        .body(String.format(RUNTIMEINFO, "true", "2026-11-25T14:37:27Z"))
        .addHeader("Date", "Wed, 25 Nov 2026 14:37:29 GMT").build());

    RuntimeInfo info = control().runtimeInfo();

    assertEquals(Optional.of(Instant.parse("2026-11-25T14:37:29Z")), info.serverTime());
  }

  @Test
  void aSignalWaitsUntilPrometheusOwnClockHasPassedTheSecondOfItsLastLoad() {
    // Prometheus' clock is an hour behind the controller's: only its own times are compared
    server.enqueue(new MockResponse.Builder().code(200)
        .body(String.format(RUNTIMEINFO, "true", "2026-11-25T11:00:00Z"))
        .addHeader("Date", "Wed, 25 Nov 2026 11:00:00 GMT").build());
    server.enqueue(new MockResponse.Builder().code(200)
        .body(String.format(RUNTIMEINFO, "true", "2026-11-25T11:00:00Z"))
        .addHeader("Date", "Wed, 25 Nov 2026 11:00:01 GMT").build());
    PrometheusAdapterSettings settings = settings(server.url("/").uri())
        .signalPid(Integer.MAX_VALUE).build();

    assertThrows(PrometheusUnavailableException.class, () -> control(settings).reload());

    assertEquals(List.of(HttpPrometheusControl.FIRST_BACKOFF), sleeps);
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void readsSuccessAndTimeFromRuntimeInfo() throws InterruptedException {
    server.enqueue(answer(200, String.format(RUNTIMEINFO, "false", "2026-11-25T14:37:27Z")));

    RuntimeInfo info = control().runtimeInfo();

    assertEquals(new RuntimeInfo(false, Instant.parse("2026-11-25T14:37:27Z")), info);
    assertEquals("/api/v1/status/runtimeinfo", take().getUrl().encodedPath());
  }

  @Test
  void malformedJsonIsAnApiError() {
    server.enqueue(answer(200, "{\"status\":\"success\",\"data\":{\"reloadConfigSuccess\":"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().runtimeInfo());

    assertEquals(-1, e.statusCode());
    assertTrue(e.getMessage().startsWith("cannot parse the answer to "
        + "GET /api/v1/status/runtimeinfo as JSON"), e.getMessage());
  }

  @Test
  void runtimeInfoWithoutTheFieldsIsAnApiError() {
    server.enqueue(answer(200, "{\"status\":\"success\",\"data\":{\"CWD\":\"/\"}}"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().runtimeInfo());
    assertTrue(e.getMessage().contains("lacks reloadConfigSuccess or lastConfigTime"),
        e.getMessage());
  }

  @Test
  void activeTargetsAreCountedByLabelValueAndHealth() throws InterruptedException {
    server.enqueue(answer(200, "{\"status\":\"success\",\"data\":{\"activeTargets\":["
        + "{\"labels\":{\"cluster_id\":\"a\",\"job\":\"x\"},\"health\":\"up\"},"
        + "{\"labels\":{\"cluster_id\":\"a\",\"job\":\"y\"},\"health\":\"down\"},"
        + "{\"labels\":{\"cluster_id\":\"a\",\"job\":\"z\"},\"health\":\"unknown\"},"
        + "{\"labels\":{\"cluster_id\":\"b\",\"job\":\"x\"},\"health\":\"down\"},"
        + "{\"labels\":{\"job\":\"prometheus\"},\"health\":\"up\"}],"
        + "\"droppedTargets\":[]}}"));

    assertEquals(Map.of("a", new TargetHealth(1, 1, 1), "b", new TargetHealth(0, 1, 0)),
        control().activeTargetsBy("cluster_id"));
    RecordedRequest request = take();
    assertEquals("/api/v1/targets", request.getUrl().encodedPath());
    assertEquals("active", request.getUrl().queryParameter("state"));
  }

  @Test
  void aTargetsAnswerWithoutTheListIsAnApiError() {
    server.enqueue(answer(200, "{\"status\":\"success\",\"data\":{}}"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().activeTargetsBy("cluster_id"));
    assertTrue(e.getMessage().contains("no activeTargets list"), e.getMessage());
  }

  @Test
  void apiErrorStatusIsReportedWithTheBody() {
    server.enqueue(answer(503, "{\"status\":\"error\",\"errorType\":\"unavailable\"}"));

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().loadedConfig());
    assertEquals(503, e.statusCode());
    assertTrue(e.getMessage().contains("errorType"), e.getMessage());
  }

  @Test
  void loadedConfigIsTheYamlPrometheusRuns() {
    server.enqueue(answer(200, "{\"status\":\"success\",\"data\":{\"yaml\":"
        + "\"global:\\n  scrape_interval: 1m\\nscrape_configs:\\n- job_name: a\\n\"}}"));

    assertEquals("global:\n  scrape_interval: 1m\nscrape_configs:\n- job_name: a\n",
        control().loadedConfig());
  }

  /** Runtime info whose Date is past the last load, so a signal reload signals at once. */
  private void enqueueRuntimeInfoPastTheLastLoad() {
    server.enqueue(new MockResponse.Builder().code(200)
        .body(String.format(RUNTIMEINFO, "true", "2026-11-25T11:00:00Z"))
        .addHeader("Date", "Wed, 25 Nov 2026 11:00:05 GMT").build());
  }

  @Test
  void neverSignalsAProcessThatIsNotPrometheus() throws Exception {
    enqueueRuntimeInfoPastTheLastLoad();
    Process sleep = new ProcessBuilder("sleep", "600").start();
    try {
      PrometheusAdapterSettings settings = settings(server.url("/").uri())
          .signalPid(sleep.pid()).build();

      PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
          () -> control(settings).reload());

      assertTrue(e.getMessage().startsWith("process " + sleep.pid() + " runs \""),
          e.getMessage());
      assertTrue(e.getMessage().endsWith("\", not prometheus; refusing to send it the reload "
          + "signal (is the pid stale?)"), e.getMessage());
      assertTrue(e.notSent(), "no signal was sent");
      assertFalse(sleep.waitFor(500, TimeUnit.MILLISECONDS), "SIGHUP would have ended sleep");
    } finally {
      sleep.destroyForcibly();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"prometheus-config-reloader", "prometheus-node-exporter"})
  void neverSignalsAProgramWhoseNameOnlyContainsPrometheus(String name, @TempDir Path work)
      throws Exception {
    // a stale pid may now belong to a neighbour of the same family, which SIGHUP would end
    Path program = work.resolve(name);
    Files.copy(Path.of("/bin/sleep"), program);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
    enqueueRuntimeInfoPastTheLastLoad();
    Process neighbour = new ProcessBuilder(program.toString(), "600").start();
    try {
      PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
          () -> control(settings(server.url("/").uri()).signalPid(neighbour.pid()).build())
              .reload());

      assertTrue(e.getMessage().endsWith("\", not prometheus; refusing to send it the reload "
          + "signal (is the pid stale?)"), e.getMessage());
      assertTrue(e.notSent(), "no signal was sent");
      assertFalse(neighbour.waitFor(500, TimeUnit.MILLISECONDS), "SIGHUP would have ended it");
    } finally {
      neighbour.destroyForcibly();
    }
  }

  @Test
  void aPidFileThatIsNotARegularFileIsRefusedWithoutOpeningIt(@TempDir Path work)
      throws Exception {
    Path pidFile = work.resolve("prometheus.pid");
    AtomicFileStoreReadCacheTest.mkfifo(pidFile); // opening a FIFO waits for a writer
    enqueueRuntimeInfoPastTheLastLoad();
    HttpPrometheusControl control = control(settings(server.url("/").uri())
        .signalPidFile(pidFile).build());

    PrometheusUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> assertThrows(PrometheusUnavailableException.class, control::reload),
        "still waiting for a writer of the FIFO");

    assertTrue(e.getMessage().startsWith("cannot read the prometheus pid file \"" + pidFile
        + "\": not a regular file"), e.getMessage());
  }

  @Test
  void tellsTheProgramOfAnotherUsersProcessFromItsCommandLine() throws Exception {
    // for another user's process /proc/<pid>/exe is unreadable and info().command() is empty
    Process sleep = new ProcessBuilder("sleep", "600").start();
    try {
      assertEquals(Optional.of("sleep"),
          ReloadSignal.commandOf(Optional.empty(), sleep.pid()));
      assertEquals(Optional.of("/opt/prometheus"),
          ReloadSignal.commandOf(Optional.of("/opt/prometheus"), sleep.pid()));
    } finally {
      sleep.destroyForcibly();
    }
  }

  /**
   * A Prometheus whose binary was replaced on disk (a package upgrade) runs on; its
   * /proc/PID/exe then reads "... (deleted)", and every reload was refused as "not prometheus".
   */
  @Test
  void signalsAPrometheusWhoseBinaryWasReplacedOnDisk(@TempDir Path work) throws Exception {
    Path binary = work.resolve("prometheus");
    Files.copy(Path.of("/bin/sleep"), binary);
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
    Process running = new ProcessBuilder(binary.toString(), "600").start();
    try {
      Files.delete(binary);
      assertEquals(running.pid(),
          ReloadSignal.target(OptionalLong.of(running.pid()), Optional.empty()));
    } finally {
      running.destroyForcibly();
    }
  }

  @Test
  void neverSignalsAPidThatIsNoLongerRunning() throws Exception {
    enqueueRuntimeInfoPastTheLastLoad();
    Process gone = new ProcessBuilder("true").start();
    assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
    PrometheusAdapterSettings settings = settings(server.url("/").uri())
        .signalPid(gone.pid()).build();

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings).reload());

    assertEquals("no process with pid " + gone.pid() + " is running; refusing to send the "
        + "reload signal (is the pid stale?)", e.getMessage());
    assertEquals(1, server.getRequestCount(), "only the runtime info before the signal");
    assertEquals(List.of(), sleeps, "prometheus' clock was past its last load already");
  }

  @Test
  void readsThePidFileAgainBeforeEachSignal(@TempDir Path work) throws Exception {
    // a program named prometheus that SIGHUP ends: each signal shows as the end of its process.
    // perl (Debian's perl-base is essential) restores SIGHUP's default action first: a test run
    // under nohup would otherwise start it with SIGHUP ignored, and no signal would end it
    Path prometheus = work.resolve("prometheus");
    Files.copy(Path.of("/usr/bin/perl"), prometheus);
    Files.setPosixFilePermissions(prometheus, PosixFilePermissions.fromString("rwx------"));
    Path pidFile = work.resolve("prometheus.pid");
    HttpPrometheusControl control = control(settings(server.url("/").uri())
        .signalPidFile(pidFile).build());
    List<Process> started = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Process process = new ProcessBuilder(prometheus.toString(), "-e",
            "$SIG{HUP} = 'DEFAULT'; $| = 1; print \"ready\\n\"; sleep 600")
            .start();
        started.add(process);
        // the signal must not come before perl has restored the default action
        assertEquals("ready", new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8)).readLine());
        Files.writeString(pidFile, process.pid() + "\n");
        enqueueRuntimeInfoPastTheLastLoad();

        assertEquals(ReloadAck.SIGNALLED, control.reload());

        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "process " + i + " got the signal");
      }
    } finally {
      started.forEach(Process::destroyForcibly);
    }
  }

  @Test
  void aMissingOrUnreadablePidFileSaysSo(@TempDir Path work) throws IOException {
    Path pidFile = work.resolve("prometheus.pid");
    HttpPrometheusControl control = control(settings(server.url("/").uri())
        .signalPidFile(pidFile).build());
    enqueueRuntimeInfoPastTheLastLoad();
    PrometheusUnavailableException missing = assertThrows(PrometheusUnavailableException.class,
        control::reload);
    assertTrue(missing.getMessage().startsWith("cannot read the prometheus pid file \""
        + pidFile + "\": "), missing.getMessage());

    Files.writeString(pidFile, "not a pid\n");
    enqueueRuntimeInfoPastTheLastLoad();
    PrometheusUnavailableException bad = assertThrows(PrometheusUnavailableException.class,
        control::reload);
    assertEquals("prometheus pid file \"" + pidFile + "\" must hold a process id greater than 1,"
        + " found \"not a pid\"", bad.getMessage());
  }

  private static URI closedPort() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    return URI.create("http://127.0.0.1:" + port + "/");
  }
}
