package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.promcc.app.settings.PrometheusProbe;
import io.promcc.app.status.HealthReport;
import io.promcc.app.status.LoopHealth;
import io.promcc.app.status.PrometheusProbeMetrics;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ScrapeDiscovery;
import io.promcc.core.testing.MutableClock;
import io.promcc.prometheus.HttpPrometheusControl;
import io.promcc.prometheus.PrometheusAdapterSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the probe between reconciles asks of a Prometheus over HTTP: its readiness endpoint
 * alone, which takes no lock, where runtime info gathers all of Prometheus' metrics and waits
 * for a config load.
 */
class PrometheusWatchRequestsTest {
  private static final Duration PERIOD = PrometheusProbe.DEFAULTS.period();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
  private final LoopHealth health = new LoopHealth(clock, LoopHealth.Bounds.DEFAULTS);
  private final List<String> asked = new ArrayList<>();
  private final AtomicInteger readyStatus = new AtomicInteger(200);
  private HttpServer prometheus;

  @TempDir Path out;

  @BeforeEach
  void start() throws IOException {
    prometheus = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    prometheus.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      synchronized (asked) {
        asked.add(exchange.getRequestMethod() + " " + path);
      }
      boolean ready = path.endsWith("/-/ready");
      int status = ready ? readyStatus.get() : 200;
      byte[] body = (ready ? (status == 200 ? "Prometheus Server is Ready.\n"
          : "Service Unavailable")
          : "{\"status\":\"success\",\"data\":{\"reloadConfigSuccess\":true,"
              + "\"lastConfigTime\":\"2026-12-07T11:59:00Z\"}}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    prometheus.start();
  }

  @AfterEach
  void stop() {
    prometheus.stop(0);
  }

  private PrometheusWatch watch(String path) {
    PrometheusAdapterSettings settings = PrometheusAdapterSettings.builder(out,
        URI.create("http://127.0.0.1:" + prometheus.getAddress().getPort() + path)).build();
    return new PrometheusWatch(new HttpPrometheusControl(
        HttpPrometheusControl.newHttpClient(settings), settings, clock), health, PERIOD,
        new PrometheusProbeMetrics(new PrometheusRegistry(), health));
  }

  private static ReconcileResult reloaded() {
    return new ReconcileResult(Outcome.RELOADED, "", Optional.of("state"), Optional.of("config"),
        List.of(), List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(),
        true, false, true, Optional.empty(), Map.of(), true, List.of(),
        ScrapeDiscovery.NOT_CHECKED);
  }

  private List<String> asked() {
    synchronized (asked) {
      return List.copyOf(asked);
    }
  }

  @Test
  void eachProbeAsksOnlyPrometheusReadinessOnce() {
    PrometheusWatch watch = watch("");

    watch.probeOnce();
    watch.probeOnce();

    assertEquals(List.of("GET /-/ready", "GET /-/ready"), asked());
  }

  @Test
  void theProbeFollowsTheRoutePrefixOfTheUrl() {
    watch("/prom/").probeOnce();

    assertEquals(List.of("GET /prom/-/ready"), asked());
  }

  /**
   * Behind a proxy that passes only Prometheus' API (docs/operations.md), {@code /-/ready}
   * answers 404 however Prometheus is: runtime info, which the reconciles ask, tells.
   */
  @Test
  void aProxyThatPassesOnlyTheApiLeavesTheControllerReady() {
    health.sourcesSynced();
    health.reconcileStarted();
    health.reconcileFinished(reloaded());
    PrometheusWatch watch = watch("");
    readyStatus.set(404);

    for (int i = 0; i < 4; i++) {
      clock.advance(PERIOD);
      watch.probeOnce();
    }
    HealthReport ready = health.readiness();

    assertTrue(ready.ok(), ready.detail());
    assertEquals(List.of("GET /-/ready", "GET /api/v1/status/runtimeinfo"), asked().subList(0, 2));
  }

  @Test
  void aPrometheusNotReadyFailsTheProbesWithItsAnswer() {
    health.sourcesSynced();
    health.reconcileStarted();
    health.reconcileFinished(reloaded());
    PrometheusWatch watch = watch("");
    watch.probeOnce();
    readyStatus.set(503);

    for (int i = 0; i < 3; i++) {
      clock.advance(PERIOD);
      watch.probeOnce();
    }
    HealthReport notReady = health.readiness();

    assertFalse(notReady.ok(), notReady.detail());
    assertTrue(notReady.detail().startsWith("prometheus-unavailable: 3 probes in a row got no "
        + "answer from prometheus"), notReady.detail());
    assertTrue(notReady.detail().contains("status 503: Service Unavailable"), notReady.detail());
    assertEquals(4, asked().size(), "one request a probe: " + asked());
  }
}
