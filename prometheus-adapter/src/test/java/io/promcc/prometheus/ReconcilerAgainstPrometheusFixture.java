package io.promcc.prometheus;

import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.testing.PrometheusProcess;
import io.promcc.core.testing.PrometheusTools;
import io.promcc.core.testing.ThrowawayCa;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of the reconciler over the real adapters (atomic files, HTTP control, local
 * validation) against a real Prometheus (2.53.3 and 3.x) share: Prometheus started per test on a
 * free loopback port, clusters and certificates from core's fakes, and the real planner with its
 * default profile.
 */
abstract class ReconcilerAgainstPrometheusFixture {
  static final String GOOD_BASE = "global:\n  scrape_interval: 1m\n";
  static final String BAD_BASE = GOOD_BASE + "bogus_setting: 1\n";

  @TempDir Path work;
  Path out;
  int port;
  PrometheusProcess prometheus;
  String baseConfig = GOOD_BASE;
  final FakeClusterSource clusters = new FakeClusterSource();
  /** The controller's clock: the system's, plus what a test skips ahead of it. */
  final SkippingClock controllerClock = new SkippingClock();
  final FakeCertificateSource certificates = new FakeCertificateSource(id -> {
    return ThrowawayCa.create(id.value() + "-ca").issueClient(id.value()).bundle();
  });

  @BeforeEach
  void setUp() throws IOException {
    PrometheusTools.binDir();
    out = Files.createDirectory(work.resolve("out"));
    port = PrometheusProcess.freePort();
  }

  @AfterEach
  void tearDown() {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  PrometheusAdapterSettings.Builder settings() {
    return PrometheusAdapterSettings.builder(out, URI.create("http://127.0.0.1:" + port))
        .readyTimeout(Duration.ofSeconds(60)).reloadTimeout(Duration.ofSeconds(60));
  }

  /** The controller as the app wires it, with a counting control to see every reload. */
  final class Controller {
    final AtomicFileStore store;
    final CountingControl control;
    final Reconciler reconciler;

    Controller(PrometheusAdapterSettings settings) {
      store = new AtomicFileStore(settings);
      control = new CountingControl(new HttpPrometheusControl(
          HttpPrometheusControl.newHttpClient(settings), settings, Clock.systemUTC()));
      reconciler = Reconciler.builder().clusterSource(clusters).certificateSource(certificates)
          .planner(() -> new Planner(ScrapeProfile.defaultProfile(),
              BaseConfig.parse(baseConfig, "base.yml")))
          .store(store).prometheus(control).validator(new LocalValidation(settings))
          .readyTimeout(settings.readyTimeout()).verifyTimeout(settings.reloadTimeout())
          .clock(controllerClock).build();
    }

    ReconcileResult reconcile() {
      return reconciler.reconcile();
    }
  }

  Controller controller() {
    return new Controller(settings().build());
  }

  void add(String... ids) {
    for (String id : ids) {
      clusters.put(GuestCluster.of(id, "aws", "https://master." + id + ":443"));
    }
  }

  /** Writes the config of no clusters with the store alone and starts Prometheus on it. */
  void startPrometheus(boolean lifecycle) {
    DesiredState empty = new Planner(ScrapeProfile.defaultProfile(),
        BaseConfig.parse(GOOD_BASE, "base.yml")).plan(List.of(), Map.of(),
        io.promcc.core.model.ControllerSettings.DEFAULTS);
    AtomicFileStore store = new AtomicFileStore(out);
    store.write(empty, FileDiff.between(empty, store.readOwned()));
    prometheus = launch(lifecycle);
  }

  /** Starts Prometheus on the store's config, on this test's port; returns at once. */
  PrometheusProcess launch(boolean lifecycle) {
    return PrometheusProcess.builder(out.resolve("prometheus.yml"), work).port(port)
        .lifecycle(lifecycle).launch();
  }

  /**
   * {@code prometheus_config_last_reload_success_timestamp_seconds}: unlike runtimeinfo's
   * lastConfigTime it has sub-second precision, so it tells reloads apart.
   */
  double lastReloadSuccess() {
    try {
      return prometheus.selfMetric("prometheus_config_last_reload_success_timestamp_seconds")
          .orElseThrow(() -> new AssertionError("no reload timestamp in /metrics"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The system's clock, plus what a test skipped; a skip moves it ahead at once. */
  static final class SkippingClock extends Clock {
    private volatile Duration skipped = Duration.ZERO;

    void skip(Duration more) {
      skipped = skipped.plus(more);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(skipped);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
