package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.reconcile.ScrapeDiscovery;
import io.promcc.core.testing.Polls;
import io.promcc.core.testing.PrometheusProcess;
import io.promcc.core.testing.PrometheusTools;
import io.promcc.core.testing.ThrowawayCa;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config the real Prometheus (2.53.3 and 3.x) loads with a scrape discovery it cannot start (a
 * {@code kubernetes_sd_configs} whose CA file it cannot read: Prometheus reads it only when the
 * discovery starts, answers the reload 200, and counts it in {@code
 * prometheus_sd_failed_configs{name="scrape"}}): the reconciler over the real adapters reports it
 * loaded, in sync and named, reloads nothing more for it, and sees it gone after the next load
 * once the file is there. Prometheus' log names the job, as the result says.
 */
class ReconcilerScrapeDiscoveryIT {
  private static final String GOOD_BASE = "global:\n  scrape_interval: 1m\n";

  @TempDir Path work;
  private Path out;
  private Path caFile;
  private int port;
  private PrometheusProcess prometheus;
  private final FakeClusterSource clusters = new FakeClusterSource();
  private final FakeCertificateSource certificates = new FakeCertificateSource(
      id -> ThrowawayCa.create(id.value() + "-ca").issueClient(id.value()).bundle());

  @BeforeEach
  void setUp() throws IOException {
    PrometheusTools.binDir();
    out = Files.createDirectory(work.resolve("out"));
    caFile = work.resolve("hand-kept-ca.pem");
    port = PrometheusProcess.freePort();
  }

  @AfterEach
  void tearDown() {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  /** A base config with a job of its own whose discovery names {@link #caFile}. */
  private String baseWithDiscoveryJob() {
    return GOOD_BASE + "scrape_configs:\n"
        + "  - job_name: hand-kept\n"
        + "    kubernetes_sd_configs:\n"
        + "      - role: pod\n        api_server: https://127.0.0.1:9\n"
        + "        tls_config:\n          ca_file: " + caFile + "\n";
  }

  /** {@link #baseWithDiscoveryJob}, its job with a second discovery (of endpoints) as its first. */
  private String baseWithTwoDiscoveriesInAJob() {
    return baseWithDiscoveryJob()
        + "      - role: endpoints\n        api_server: https://127.0.0.1:9\n"
        + "        tls_config:\n          ca_file: " + caFile + "\n";
  }

  @Test
  void aLoadedConfigWithADiscoveryPrometheusCannotStartIsInSyncNamedAndNotReloadedAgain()
      throws IOException {
    startPrometheusOnAnEmptyConfig();
    CountingControl control = control();
    Reconciler reconciler = reconciler(control, baseWithDiscoveryJob());
    clusters.put(GuestCluster.of("alpha", "aws", "https://master.alpha:443"));
    // there, but no certificate: as a file Prometheus' user cannot read, it fails only when
    // the discovery starts
    Files.writeString(caFile, "not a certificate\n");

    ReconcileResult loaded = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, loaded.outcome(), loaded.toString());
    assertTrue(loaded.configInSync(), loaded.toString());
    assertFalse(loaded.rolledBack(), loaded.toString());
    assertEquals(ScrapeDiscovery.read(1), loaded.scrapeDiscovery(), prometheus.logText());
    assertTrue(prometheus.logText().lines().anyMatch(line -> line.contains(
        "msg=\"Cannot create service discovery\"") && line.contains("config=hand-kept")),
        "the job is named in Prometheus' log: " + prometheus.logText());

    ReconcileResult again = reconciler.reconcile();

    assertEquals(Outcome.UNCHANGED, again.outcome(), again.toString());
    assertEquals(1, control.reloads(), "not reloaded again for it");
    assertEquals(ScrapeDiscovery.read(1), again.scrapeDiscovery());

    Files.writeString(caFile, ThrowawayCa.create("api-ca").certificatePem());
    clusters.put(GuestCluster.of("beta", "aws", "https://master.beta:443"));

    ReconcileResult fixed = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, fixed.outcome(), fixed.toString());
    assertEquals(ScrapeDiscovery.read(0), fixed.scrapeDiscovery(), prometheus.logText());
  }

  /**
   * Each {@code *_sd_configs} entry Prometheus cannot start counts: a job with two counts 2,
   * and both are named in Prometheus' log with the job; both start at the load after the fix.
   */
  @Test
  void aJobWithTwoDiscoveriesPrometheusCannotStartCountsTwo() throws IOException {
    startPrometheusOnAnEmptyConfig();
    Reconciler reconciler = reconciler(control(), baseWithTwoDiscoveriesInAJob());
    clusters.put(GuestCluster.of("alpha", "aws", "https://master.alpha:443"));
    Files.writeString(caFile, "not a certificate\n");

    ReconcileResult loaded = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, loaded.outcome(), loaded.toString());
    assertTrue(loaded.configInSync(), loaded.toString());
    assertEquals(ScrapeDiscovery.read(2), loaded.scrapeDiscovery(), prometheus.logText());
    assertEquals(2, prometheus.logText().lines().filter(line -> line.contains(
        "msg=\"Cannot create service discovery\"") && line.contains("config=hand-kept"))
        .count(), "each named in Prometheus' log: " + prometheus.logText());

    Files.writeString(caFile, ThrowawayCa.create("api-ca").certificatePem());
    clusters.put(GuestCluster.of("beta", "aws", "https://master.beta:443"));

    ReconcileResult fixed = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, fixed.outcome(), fixed.toString());
    assertEquals(ScrapeDiscovery.read(0), fixed.scrapeDiscovery(), prometheus.logText());
  }

  /**
   * A count kept for a load (read a second or more after it, not read again while Prometheus
   * reports that load) is not the count of the config promcc reloads next: Prometheus answers
   * the reload 200 and runtime info is not read after it.
   */
  @Test
  void theReloadOfANewConfigReadsItsCountThoughTheLastOneWasKept() throws IOException {
    startPrometheusOnAnEmptyConfig();
    CountingControl control = control();
    Reconciler reconciler = reconciler(control, baseWithDiscoveryJob());
    clusters.put(GuestCluster.of("alpha", "aws", "https://master.alpha:443"));
    Files.writeString(caFile, "not a certificate\n");
    assertEquals(ScrapeDiscovery.read(1), reconciler.reconcile().scrapeDiscovery(),
        prometheus.logText());
    RuntimeInfo load = control.runtimeInfo();
    Polls.until(Duration.ofSeconds(30), Duration.ofMillis(100), () -> control.runtimeInfo()
        .serverTime().orElseThrow().isAfter(load.lastConfigTime().plusSeconds(1)),
        () -> "prometheus' clock past a second after its load " + load);
    ReconcileResult kept = reconciler.reconcile(); // read a second after the load: kept
    assertEquals(Outcome.UNCHANGED, kept.outcome(), kept.toString());
    assertEquals(ScrapeDiscovery.read(1), kept.scrapeDiscovery());

    Files.writeString(caFile, ThrowawayCa.create("api-ca").certificatePem());
    clusters.put(GuestCluster.of("beta", "aws", "https://master.beta:443"));
    ReconcileResult fixed = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, fixed.outcome(), fixed.toString());
    assertEquals(ScrapeDiscovery.read(0), fixed.scrapeDiscovery(), prometheus.logText());
  }

  private PrometheusAdapterSettings settings() {
    return PrometheusAdapterSettings.builder(out, URI.create("http://127.0.0.1:" + port))
        .readyTimeout(Duration.ofSeconds(60)).reloadTimeout(Duration.ofSeconds(60)).build();
  }

  private CountingControl control() {
    PrometheusAdapterSettings settings = settings();
    return new CountingControl(new HttpPrometheusControl(
        HttpPrometheusControl.newHttpClient(settings), settings, Clock.systemUTC()));
  }

  /** The reconciler over the real adapters and {@code control}, planning over {@code base}. */
  private Reconciler reconciler(CountingControl control, String base) {
    PrometheusAdapterSettings settings = settings();
    return Reconciler.builder().clusterSource(clusters).certificateSource(certificates)
        .planner(() -> new Planner(ScrapeProfile.defaultProfile(),
            BaseConfig.parse(base, "base.yml")))
        .store(new AtomicFileStore(settings)).prometheus(control)
        .validator(new LocalValidation(settings))
        .readyTimeout(settings.readyTimeout()).verifyTimeout(settings.reloadTimeout()).build();
  }

  /** Writes the config of no clusters with the store alone and starts Prometheus on it. */
  private void startPrometheusOnAnEmptyConfig() {
    DesiredState empty = new Planner(ScrapeProfile.defaultProfile(),
        BaseConfig.parse(GOOD_BASE, "base.yml")).plan(List.of(), Map.of(),
        ControllerSettings.DEFAULTS);
    AtomicFileStore store = new AtomicFileStore(out);
    store.write(empty, FileDiff.between(empty, store.readOwned()));
    prometheus = PrometheusProcess.builder(out.resolve("prometheus.yml"), work).port(port)
        .launch();
    prometheus.awaitReady(PrometheusProcess.START_TIMEOUT);
  }
}
