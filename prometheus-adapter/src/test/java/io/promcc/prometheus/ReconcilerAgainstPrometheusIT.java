package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.testing.FileModes;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler over the real adapters (atomic files, HTTP control, local validation) against a
 * real Prometheus 2.53.3 started per test on a free loopback port. Clusters and certificates come
 * from core's fakes; the planner is the real one with its default profile.
 */
class ReconcilerAgainstPrometheusIT {
  private static final String GOOD_BASE = "global:\n  scrape_interval: 1m\n";
  /** A rule file Prometheus loads. */
  private static final String GOOD_RULES = "groups:\n- name: g\n  rules:\n"
      + "  - record: job:up:sum\n    expr: sum by (job) (up)\n";
  private static final String BAD_BASE = GOOD_BASE + "bogus_setting: 1\n";

  @TempDir Path work;
  private Path out;
  private int port;
  private PrometheusProcess prometheus;
  private String baseConfig = GOOD_BASE;
  private final FakeClusterSource clusters = new FakeClusterSource();
  /** The controller's clock: the system's, plus what a test skips ahead of it. */
  private final SkippingClock controllerClock = new SkippingClock();
  private final FakeCertificateSource certificates = new FakeCertificateSource(id -> {
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

  private PrometheusAdapterSettings.Builder settings() {
    return PrometheusAdapterSettings.builder(out, URI.create("http://127.0.0.1:" + port))
        .readyTimeout(Duration.ofSeconds(60)).reloadTimeout(Duration.ofSeconds(60));
  }

  /** The controller as the app wires it, with a counting control to see every reload. */
  private final class Controller {
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

  private Controller controller() {
    return new Controller(settings().build());
  }

  private void add(String... ids) {
    for (String id : ids) {
      clusters.put(GuestCluster.of(id, "aws", "https://master." + id + ":443"));
    }
  }

  /** Writes the config of no clusters with the store alone and starts Prometheus on it. */
  private void startPrometheus(boolean lifecycle) {
    DesiredState empty = new Planner(ScrapeProfile.defaultProfile(),
        BaseConfig.parse(GOOD_BASE, "base.yml")).plan(List.of(), Map.of(),
        io.promcc.core.model.ControllerSettings.DEFAULTS);
    AtomicFileStore store = new AtomicFileStore(out);
    store.write(empty, FileDiff.between(empty, store.readOwned()));
    prometheus = launch(lifecycle);
  }

  /** Starts Prometheus on the store's config, on this test's port; returns at once. */
  private PrometheusProcess launch(boolean lifecycle) {
    return PrometheusProcess.builder(out.resolve("prometheus.yml"), work).port(port)
        .lifecycle(lifecycle).launch();
  }

  /**
   * {@code prometheus_config_last_reload_success_timestamp_seconds}: unlike runtimeinfo's
   * lastConfigTime it has sub-second precision, so it tells reloads apart.
   */
  private double lastReloadSuccess() {
    try {
      return prometheus.selfMetric("prometheus_config_last_reload_success_timestamp_seconds")
          .orElseThrow(() -> new AssertionError("no reload timestamp in /metrics"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aClusterBecomesLoadedJobsWithPrivateKeysOnlyForTheOwner() throws IOException {
    startPrometheus(true);
    add("alpha");

    ReconcileResult result = controller().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertTrue(result.written().contains("certs/alpha-key.pem"), result.toString());
    Controller c = controller();
    assertTrue(c.control.loadedConfig().contains("job_name: guest-cluster-alpha-system"),
        prometheus.logText());
    assertEquals("rw-------", FileModes.of(out.resolve("certs/alpha-key.pem")));
    assertEquals("rwxr-x---", FileModes.of(out));
    assertTrue(c.control.runtimeInfo().reloadConfigSuccess());
  }

  @Test
  void aChangeCausesExactlyOneReloadAndARemovedClustersFilesGo() {
    startPrometheus(true);
    add("alpha");
    Controller c = controller();
    c.reconcile();
    double before = lastReloadSuccess();
    add("beta");

    assertEquals(Outcome.RELOADED, c.reconcile().outcome());
    assertEquals(2, c.control.reloads());
    assertTrue(lastReloadSuccess() > before);
    assertTrue(c.control.loadedConfig().contains("job_name: guest-cluster-beta-"));

    clusters.remove(ClusterId.of("beta"));
    ReconcileResult removed = c.reconcile();
    assertEquals(Outcome.RELOADED, removed.outcome());
    assertEquals(List.of("certs/beta-ca.pem", "certs/beta-crt.pem", "certs/beta-key.pem"),
        removed.deleted());
    removed.deleted().forEach(p -> assertFalse(Files.exists(out.resolve(p)), p));
    assertFalse(c.control.loadedConfig().contains("guest-cluster-beta-"));
  }

  @Test
  void nothingChangedReloadsNothingAlsoAfterAControllerAndAPrometheusRestart() {
    startPrometheus(true);
    add("alpha", "beta");
    controller().reconcile();
    double loadedAt = lastReloadSuccess();

    Controller same = controller();
    assertEquals(Outcome.UNCHANGED, same.reconcile().outcome());
    assertEquals(Outcome.UNCHANGED, same.reconcile().outcome());
    assertEquals(0, same.control.reloads());
    assertEquals(loadedAt, lastReloadSuccess());

    prometheus.close();
    prometheus = launch(true);
    Controller afterPrometheusRestart = controller();
    afterPrometheusRestart.control.awaitReady(Duration.ofSeconds(60));
    ReconcileResult result = afterPrometheusRestart.reconcile();
    assertEquals(Outcome.UNCHANGED, result.outcome(), result.message());
    assertEquals(0, afterPrometheusRestart.control.reloads());
  }

  @Test
  void aRejectedConfigIsRolledBackReportedInPrometheusWordsAndNotTriedAgain() {
    startPrometheus(true);
    add("alpha");
    Controller c = controller();
    c.reconcile();
    String good = c.control.loadedConfig();
    add("beta");
    baseConfig = BAD_BASE; // passes the adapter's own checks (no promtool), Prometheus refuses

    ReconcileResult result = c.reconcile();

    assertEquals(Outcome.REJECTED, result.outcome());
    assertTrue(result.rolledBack(), result.message());
    assertTrue(result.message().contains("field bogus_setting not found in type"),
        result.message());
    assertFalse(c.store.readOwned().get("prometheus.yml").text().contains("guest-cluster-beta-"),
        "the config on disk is the verified one again");
    assertTrue(c.control.runtimeInfo().reloadConfigSuccess());
    assertEquals(good, c.control.loadedConfig());
    int reloads = c.control.reloads();

    Controller restarted = controller();
    ReconcileResult again = restarted.reconcile();
    assertEquals(Outcome.REJECTED, again.outcome());
    assertTrue(again.message().contains("not tried again"), again.message());
    assertEquals(0, restarted.control.reloads());
    assertEquals(reloads, c.control.reloads());

    baseConfig = GOOD_BASE;
    assertEquals(Outcome.RELOADED, restarted.reconcile().outcome());
    assertTrue(restarted.control.loadedConfig().contains("guest-cluster-beta-"));
  }

  /**
   * Starts Prometheus with a base config naming {@code rules}, written {@link #GOOD_RULES}, and
   * returns a controller whose first reconcile loaded cluster alpha.
   */
  private Controller loadedWithRules(Path rules) throws IOException {
    Files.writeString(rules, GOOD_RULES);
    startPrometheus(true);
    baseConfig = GOOD_BASE + "rule_files:\n- " + rules + "\n";
    add("alpha");
    Controller c = controller();
    assertEquals(Outcome.RELOADED, c.reconcile().outcome());
    return c;
  }

  /**
   * A rule file broken by someone else makes Prometheus refuse every config, the restored one
   * too: the new config is not pinned, and lands once the rule file is fixed.
   */
  @Test
  void aConfigRefusedForABrokenRuleFileLandsOnceTheRuleFileIsFixed() throws IOException {
    Path rules = work.resolve("rules.yml");
    Controller c = loadedWithRules(rules);

    Files.writeString(rules, GOOD_RULES.replace("(up)", "(up")); // a parse error
    add("beta");
    ReconcileResult refused = c.reconcile();
    assertEquals(Outcome.REJECTED, refused.outcome(), refused.message());
    assertTrue(refused.message().contains("the cause is outside promcc's files"),
        refused.message());

    Files.writeString(rules, GOOD_RULES); // and no one reloads Prometheus
    controllerClock.skip(Duration.ofMinutes(5)); // when promcc reloads the verified config
    ReconcileResult afterFix = c.reconcile();
    assertEquals(Outcome.RELOADED, afterFix.outcome(), afterFix.message());
    assertTrue(c.control.loadedConfig().contains("guest-cluster-beta-"));
  }

  /**
   * Prometheus 2.53.3 refuses a reload for a broken rule file with a 500, yet applies the new
   * scrape config: trying the refused config at every reconcile, and restoring the last
   * verified one after it, switched its scrape jobs back and forth at every reconcile (two
   * reloads each). The refused config waits, named, while the verified one is refused (no
   * reload of it until 5 minutes passed: each restarts Prometheus' service discovery; nothing
   * written), and lands once the rule file is fixed, with the next reload of the verified one.
   */
  @Test
  void aConfigRefusedForABrokenRuleFileIsNotTriedAgainUntilTheVerifiedOneLoads()
      throws IOException {
    Path rules = work.resolve("rules.yml");
    Controller c = loadedWithRules(rules);
    String good = c.control.loadedConfig();
    Files.writeString(rules, GOOD_RULES.replace("(up)", "(up")); // a parse error
    add("beta");

    ReconcileResult refused = c.reconcile();
    assertEquals(Outcome.REJECTED, refused.outcome(), refused.message());
    assertTrue(refused.message().contains("the cause is outside promcc's files"),
        refused.message());
    assertEquals(good, c.control.loadedConfig(), "the verified config restored");
    int reloads = c.control.reloads();
    double lastSuccess = lastReloadSuccess();

    for (int i = 0; i < 2; i++) {
      ReconcileResult waits = c.reconcile();
      assertEquals(Outcome.REJECTED, waits.outcome(), waits.message());
      assertFalse(waits.configInSync(), waits.message());
      assertFalse(waits.desiredReloadAsked(), waits.message());
      assertTrue(waits.written().isEmpty(), "the refused config is not written again: "
          + waits);
      assertTrue(waits.message().contains("waits until prometheus loads it again: prometheus "
          + "refused the last verified config at "), waits.message());
      assertTrue(waits.message().contains(": prometheus rejected the configuration: "
          + "failed to reload config: one or more errors occurred while applying"),
          waits.message());
      assertEquals(reloads, c.control.reloads(), "no reload: nothing changed");
      assertEquals(good, c.control.loadedConfig(), "prometheus scrapes what it scraped");
      assertFalse(c.control.runtimeInfo().reloadConfigSuccess());
      assertEquals(lastSuccess, lastReloadSuccess());
    }

    Files.writeString(rules, GOOD_RULES); // and no one reloads Prometheus
    ReconcileResult stillWaits = c.reconcile();
    assertEquals(Outcome.REJECTED, stillWaits.outcome(), stillWaits.message());
    assertEquals(reloads, c.control.reloads(), "nothing shows the fix before a reload");
    controllerClock.skip(Duration.ofMinutes(5));
    ReconcileResult afterFix = c.reconcile();
    assertEquals(Outcome.RELOADED, afterFix.outcome(), afterFix.message());
    assertEquals(reloads + 2, c.control.reloads(), "the verified config, then the desired");
    assertTrue(c.control.loadedConfig().contains("guest-cluster-beta-"));
    assertTrue(c.control.runtimeInfo().reloadConfigSuccess());
  }

  @Test
  void theFirstReconcileCompletesOncePrometheusComesUpOnItsFiles() throws Exception {
    add("alpha");
    Controller c = controller();
    CountDownLatch waiting = new CountDownLatch(1);
    c.control.beforeAwaitReady(waiting::countDown);
    // Prometheus cannot start without its config file: start it once the reconcile has written
    // the files and begun to wait for readiness.
    CompletableFuture<PrometheusProcess> starter = CompletableFuture.supplyAsync(() -> {
      try {
        if (!waiting.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the reconcile never waited for prometheus");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return launch(true);
    });

    ReconcileResult result;
    try {
      result = c.reconcile();
    } finally {
      prometheus = starter.get(60, TimeUnit.SECONDS);
    }

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertTrue(c.control.loadedConfig().contains("job_name: guest-cluster-alpha-system"));
    assertEquals(Outcome.UNCHANGED, controller().reconcile().outcome());
  }

  @Test
  void reloadsBySignalWhenTheLifecycleApiIsOff() {
    startPrometheus(false);
    Controller c = new Controller(settings().signalPid(prometheus.pid()).build());
    add("alpha");
    assertEquals(Outcome.RELOADED, c.reconcile().outcome());
    add("beta");

    ReconcileResult result = c.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertTrue(c.control.loadedConfig().contains("job_name: guest-cluster-beta-"));
    baseConfig = BAD_BASE;
    ReconcileResult rejected = c.reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome());
    assertTrue(rejected.rolledBack(), rejected.message());
    assertTrue(rejected.message().contains("reloadConfigSuccess=false"), rejected.message());
    assertTrue(c.control.runtimeInfo().reloadConfigSuccess());
  }

  @Test
  void anHttpReloadWithTheLifecycleApiOffSaysHowToFixIt() {
    startPrometheus(false);
    add("alpha");

    ReconcileResult result = controller().reconcile();

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome());
    assertTrue(result.message().contains("\"Lifecycle API is not enabled.\"")
        && result.message().contains("--web.enable-lifecycle"), result.message());
  }

  @Test
  void promtoolRejectsWhatPrometheusWouldAndNothingIsWritten() {
    startPrometheus(true);
    add("alpha");
    Controller c = new Controller(settings().promtool(PrometheusTools.promtool()).build());
    c.reconcile();
    var before = c.store.readOwned();
    add("beta");
    baseConfig = BAD_BASE;

    ReconcileResult result = c.reconcile();

    assertEquals(Outcome.FAILED, result.outcome());
    assertTrue(result.message().contains("promtool check config failed (exit 1)")
        && result.message().contains("field bogus_setting not found"), result.message());
    assertEquals(before, c.store.readOwned());
    assertEquals(1, c.control.reloads());
  }

  @Test
  void promtoolAcceptsAStateWhoseTlsFilesAreStagedWithIt() {
    LocalValidation validation = new LocalValidation(out,
        Optional.of(PrometheusTools.promtool()));
    ThrowawayCa.Issued a = ThrowawayCa.create("a-ca").issueClient("a");
    DesiredState state = TestStates.of(TestStates.guestClusterConfig(List.of("a")),
        TestStates.certificateFiles("a", a));

    validation.check(state, state.files().keySet());

    DesiredState missingKey = TestStates.of(TestStates.guestClusterConfig(List.of("a")),
        Map.of(TestStates.caPath("a"), state.files().get(TestStates.caPath("a")),
            TestStates.certPath("a"), state.files().get(TestStates.certPath("a"))));
    ValidationException e = assertThrows(ValidationException.class,
        () -> validation.check(missingKey, missingKey.files().keySet()));
    assertTrue(e.getMessage().contains("key_file \"certs/a-key.pem\""), e.getMessage());
    assertNotEquals(0, e.problems().size());
  }

  /** The system's clock, plus what a test skipped; a skip moves it ahead at once. */
  private static final class SkippingClock extends Clock {
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
