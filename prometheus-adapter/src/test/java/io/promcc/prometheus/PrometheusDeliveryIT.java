package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.PrometheusApiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery against a real Prometheus 2.53.3 started per test on a free loopback port. */
class PrometheusDeliveryIT {
  private static final TestCertificates.Bundle A = TestCertificates.client("a");
  private static final TestCertificates.Bundle B = TestCertificates.client("b");

  @TempDir Path work;
  private Path out;
  private int port;
  private PrometheusProcess prometheus;

  @BeforeEach
  void setUp() throws IOException {
    PrometheusProcess.toolsDir();
    out = Files.createDirectory(work.resolve("out"));
    port = PrometheusProcess.freePort();
  }

  @AfterEach
  void tearDown() {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  private PrometheusAdapterSettings.Builder settings() {
    return PrometheusAdapterSettings.builder(out, java.net.URI.create("http://127.0.0.1:" + port))
        .readyTimeout(Duration.ofSeconds(60))
        .reloadTimeout(Duration.ofSeconds(60));
  }

  private static final class Harness {
    final AtomicFileStore store;
    final CountingControl control;
    final VerifiedDelivery delivery;

    Harness(PrometheusAdapterSettings settings) {
      store = new AtomicFileStore(settings);
      control = new CountingControl(new HttpPrometheusControl(
          HttpPrometheusControl.newHttpClient(settings), settings, Clock.systemUTC()));
      delivery = new VerifiedDelivery(store, control, new LocalValidation(settings), settings,
          Clock.systemUTC());
    }
  }

  private Harness harness() {
    return new Harness(settings().build());
  }

  /** Cluster jobs with TLS files, as static jobs so no discovery is needed. */
  private static DesiredState state(String extraTopLevel, String... clusters) {
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    StringBuilder config = new StringBuilder(
        "global:\n  scrape_interval: 1m\n" + extraTopLevel + "scrape_configs:\n");
    for (String id : clusters) {
      files.putAll(TestStates.certificateFiles(id, id.equals("a") ? A : B));
      config.append("  - job_name: guest-cluster-").append(id).append("-apiserver\n")
          .append("    scheme: https\n")
          .append(TestStates.tlsConfig(id, "    "))
          .append("    static_configs:\n      - targets: ['127.0.0.1:9']\n");
    }
    return TestStates.of(config.toString(), files);
  }

  /** Writes {@code state} with the store alone and starts Prometheus on it. */
  private void startPrometheusWith(DesiredState state, boolean lifecycle) {
    AtomicFileStore store = new AtomicFileStore(out);
    store.write(state, FileDiff.between(state, store.readOwned()));
    prometheus = PrometheusProcess.start(out.resolve(TestStates.CONFIG), work, port, lifecycle);
  }

  @Test
  void appliedJobShowsUpInTheLoadedConfig() throws IOException {
    startPrometheusWith(state(""), true);
    Harness h = harness();
    DesiredState state = state("", "a");

    DeliveryResult result = h.delivery.apply(state);

    assertTrue(result.written().contains("certs/a-key.pem"), result.toString());
    assertTrue(h.control.loadedConfig().contains("- job_name: guest-cluster-a-apiserver\n"),
        prometheus.log());
    assertEquals("rw-------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(out.resolve("certs/a-key.pem"))));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    assertTrue(h.control.runtimeInfo().reloadConfigSuccess());
  }

  @Test
  void changedStateCausesExactlyOneReload() {
    startPrometheusWith(state(""), true);
    Harness h = harness();
    h.delivery.apply(state("", "a"));
    double before = prometheus.lastReloadSuccessTimestamp();
    int reloadsBefore = h.control.reloads();

    DeliveryResult result = h.delivery.apply(state("", "a", "b"));

    assertTrue(result.reloaded());
    assertEquals(1, h.control.reloads() - reloadsBefore);
    assertTrue(prometheus.lastReloadSuccessTimestamp() > before);
    assertTrue(h.control.loadedConfig().contains("job_name: guest-cluster-b-apiserver"));
  }

  @Test
  void sameStateTwiceReloadsNothingAlsoAfterAControllerAndAPrometheusRestart() {
    startPrometheusWith(state(""), true);
    DesiredState state = state("", "a", "b");
    harness().delivery.apply(state);
    double loadedAt = prometheus.lastReloadSuccessTimestamp();

    Harness same = harness();
    assertTrue(same.delivery.apply(state).unchanged());
    Harness restarted = harness();
    assertTrue(restarted.delivery.apply(state).unchanged());

    assertEquals(0, same.control.reloads() + restarted.control.reloads());
    assertEquals(loadedAt, prometheus.lastReloadSuccessTimestamp());

    prometheus.close();
    prometheus = PrometheusProcess.start(out.resolve(TestStates.CONFIG), work, port, true);
    Harness afterPrometheusRestart = harness();
    assertTrue(afterPrometheusRestart.delivery.apply(state).unchanged(), prometheus.log());
    assertEquals(0, afterPrometheusRestart.control.reloads());
  }

  @Test
  void rejectedConfigIsRolledBackAndReportedWithPrometheusMessage() throws IOException {
    startPrometheusWith(state(""), true);
    Harness h = harness();
    DesiredState good = state("", "a");
    h.delivery.apply(good);
    // passes the adapter's own checks (no promtool configured), but Prometheus rejects it
    DesiredState bad = state("  bogus_setting: 1\n", "a", "b");

    ConfigRejectedException e = assertThrows(ConfigRejectedException.class,
        () -> h.delivery.apply(bad));

    assertTrue(e.prometheusMessage().contains("field bogus_setting not found in type"),
        e.prometheusMessage());
    assertTrue(e.rolledBack(), e.getMessage());
    assertEquals(good.files(), h.store.readOwned());
    assertFalse(Files.exists(out.resolve("certs/b-key.pem")));
    assertTrue(h.control.runtimeInfo().reloadConfigSuccess());
    String loaded = h.control.loadedConfig();
    assertTrue(loaded.contains("job_name: guest-cluster-a-apiserver"), loaded);
    assertFalse(loaded.contains("guest-cluster-b"), loaded);
    assertTrue(harness().delivery.apply(good).unchanged());
  }

  @Test
  void applyCompletesOncePrometheusComesUp() throws Exception {
    Path config = out.resolve(TestStates.CONFIG);
    Harness h = harness();
    CountDownLatch waiting = new CountDownLatch(1);
    h.control.beforeAwaitReady(waiting::countDown);
    // Prometheus cannot start without its config file: start it once the apply has written the
    // files and begun to wait for readiness, from another thread, while the apply is blocked.
    CompletableFuture<PrometheusProcess> starter = CompletableFuture.supplyAsync(() -> {
      try {
        if (!waiting.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the apply never waited for prometheus");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return PrometheusProcess.start(config, work, port, true);
    });
    DesiredState state = state("", "a");

    DeliveryResult result;
    try {
      result = h.delivery.apply(state);
    } finally {
      prometheus = starter.get(60, TimeUnit.SECONDS);
    }

    assertEquals(state.hash(), result.stateHash());
    assertEquals(state.files(), h.store.readOwned());
    assertTrue(h.control.loadedConfig().contains("job_name: guest-cluster-a-apiserver"));
    assertEquals(state.hash(), h.store.lastVerified().orElseThrow().stateHash());
    assertTrue(harness().delivery.apply(state).unchanged());
  }

  @Test
  void reloadsBySignalWhenTheLifecycleApiIsOff() {
    startPrometheusWith(state(""), false);
    Harness h = new Harness(settings().signalPid(prometheus.pid()).build());
    h.delivery.apply(state("", "a"));

    DeliveryResult result = h.delivery.apply(state("", "a", "b"));

    assertTrue(result.reloaded());
    assertTrue(h.control.loadedConfig().contains("job_name: guest-cluster-b-apiserver"));
    ConfigRejectedException e = assertThrows(ConfigRejectedException.class,
        () -> h.delivery.apply(state("  bogus_setting: 1\n", "a")));
    assertTrue(e.rolledBack(), e.getMessage());
    assertTrue(e.prometheusMessage().contains("reloadConfigSuccess=false"), e.getMessage());
    assertEquals(state("", "a", "b").files(), h.store.readOwned());
    assertTrue(h.control.runtimeInfo().reloadConfigSuccess());
  }

  @Test
  void httpReloadWithTheLifecycleApiOffSaysHowToFixIt() {
    startPrometheusWith(state(""), false);
    Harness h = harness();

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> h.delivery.apply(state("", "a")));

    assertEquals(403, e.statusCode());
    assertTrue(e.getMessage().contains("\"Lifecycle API is not enabled.\""), e.getMessage());
  }

  @Test
  void promtoolRejectsWhatPrometheusWouldAndNothingIsWritten() {
    startPrometheusWith(state(""), true);
    Harness h = new Harness(settings().promtool(PrometheusProcess.promtool()).build());
    DesiredState good = state("", "a");
    h.delivery.apply(good);
    int reloads = h.control.reloads();

    ValidationException e = assertThrows(ValidationException.class,
        () -> h.delivery.apply(state("  bogus_setting: 1\n", "a", "b")));

    assertTrue(e.problems().get(0).startsWith("promtool check config failed (exit 1)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("field bogus_setting not found"), e.getMessage());
    assertEquals(good.files(), h.store.readOwned());
    assertEquals(reloads, h.control.reloads());
  }

  @Test
  void promtoolAcceptsAStateWhoseTlsFilesAreStagedWithIt() {
    LocalValidation validation = new LocalValidation(out,
        Optional.of(PrometheusProcess.promtool()));
    DesiredState state = TestStates.of(TestStates.guestClusterConfig(java.util.List.of("a")),
        TestStates.certificateFiles("a", A));

    validation.check(state, state.files().keySet());

    DesiredState missingKey = TestStates.of(TestStates.guestClusterConfig(java.util.List.of("a")),
        Map.of(TestStates.caPath("a"), state.files().get(TestStates.caPath("a")),
            TestStates.certPath("a"), state.files().get(TestStates.certPath("a"))));
    ValidationException e = assertThrows(ValidationException.class,
        () -> validation.check(missingKey, missingKey.files().keySet()));
    assertTrue(e.getMessage().contains("key_file \"certs/a-key.pem\""), e.getMessage());
    assertNotEquals(0, e.problems().size());
  }
}
