package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.local.CertificateDirectory;
import io.promcc.app.local.ClusterFileSource;
import io.promcc.app.local.LocalCa;
import io.promcc.app.loop.ReconcileLoop;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.core.model.Problems;
import io.promcc.core.testing.LogCapture;
import io.promcc.kube.SecretCertificateSource;
import io.promcc.kube.ServiceClusterSource;
import io.promcc.kube.fake.Poll;
import io.promcc.vault.VaultCertificateSource;
import io.promcc.vault.fake.FakeVault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Dagger graph builds for each source the settings can choose, and builds only that one. */
class ControllerComponentTest {
  @TempDir Path temp;

  private ControllerComponent component(Map<String, String> flags) throws IOException {
    return component(flags, Clock.systemUTC());
  }

  private ControllerComponent component(Map<String, String> flags, Clock clock)
      throws IOException {
    Map<String, String> all = new TreeMap<>(flags);
    all.put("out", temp.resolve("out").toString());
    all.put("state-dir", temp.resolve("state").toString());
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, all, Map.of(), problems);
    assertEquals(List.of(), problems.list());
    return DaggerControllerComponent.factory().create(settings, clock);
  }

  private String clustersFile() throws IOException {
    return Files.writeString(temp.resolve("clusters.yml"), "[]\n").toString();
  }

  private String kubeconfig() throws IOException {
    return Files.writeString(temp.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """).toString();
  }

  @Test
  void localModeWithTheLocalCa() throws IOException {
    CheckParts parts = component(Map.of("clusters", clustersFile())).checkParts();
    assertInstanceOf(ClusterFileSource.class, parts.clusters());
    assertNotNull(component(Map.of("clusters", clustersFile())).controller());
    assertTrue(parts.prometheus().isEmpty(), "no --prometheus-url: files only");
  }

  @Test
  void theSourcesItRunsHaveTheirErrorCountFromTheStart() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"), "global: {scrape_interval: 30s}\n");
    Controller controller = component(Map.of("clusters", clustersFile(),
        "base-config", base.toString(), "http-address", "127.0.0.1:0")).controller();
    controller.start();
    Thread runner = new Thread(controller::run, "controller");
    runner.start();
    try {
      HttpResponse<String> response = HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10)).build()
          .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.statusPort()
              + "/metrics")).timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofString());

      assertEquals(200, response.statusCode());
      List<String> series = response.body().lines()
          .filter(line -> line.startsWith("promcc_source_errors_total")).sorted().toList();
      assertEquals(List.of("promcc_source_errors_total{source=\"base-config\"} 0.0",
          "promcc_source_errors_total{source=\"clusters-file\"} 0.0",
          "promcc_source_errors_total{source=\"local-ca\"} 0.0"), series);
    } finally {
      controller.stop();
      runner.join(Duration.ofSeconds(30).toMillis());
    }
  }

  /**
   * /readyz, where troubleshooting starts, names what keeps each source from syncing: for the
   * clusters file it said only "not ready", although the source knows the file's problems.
   */
  @Test
  void readyzNamesWhatKeepsTheClustersFileFromSyncing() throws Exception {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"),
        "- id: Bad_ID\n  provider: aws\n  apiServer: https://bad.example\n");
    Controller controller = component(Map.of("clusters", clusters.toString(),
        "http-address", "127.0.0.1:0")).controller();
    controller.start();
    Thread runner = new Thread(controller::run, "controller");
    runner.start();
    try {
      String body = awaitWaitingReadyz(controller);

      assertTrue(body.contains("clusters file \"" + clusters + "\" is invalid (1 problem) "
          + "- clusters[0]: cluster id must be a DNS-1123 label"), body);
    } finally {
      controller.stop();
      runner.join(Duration.ofSeconds(30).toMillis());
    }
  }

  @Test
  void readyzNamesWhatKeepsTheCertificateFolderFromSyncing() throws Exception {
    Path certs = Files.createDirectories(temp.resolve("certs"));
    Controller controller = component(Map.of("clusters", clustersFile(), "certificates", "dir",
        "cert-dir", certs.toString(), "http-address", "127.0.0.1:0")).controller();
    Files.delete(certs); // gone after the settings were checked: a volume not mounted yet
    controller.start();
    Thread runner = new Thread(controller::run, "controller");
    runner.start();
    try {
      String body = awaitWaitingReadyz(controller);

      assertTrue(body.contains("certificate folder \"" + certs + "\" does not exist"), body);
    } finally {
      controller.stop();
      runner.join(Duration.ofSeconds(30).toMillis());
    }
  }

  /**
   * A Vault login that keeps failing shows in the metrics, not only in the log (the listener
   * reached no metric), and goes back to 0 once a login works again.
   */
  @Test
  void aFailingVaultLoginIsAMetricUntilALoginWorks() throws Exception {
    FakeVault vault = FakeVault.start(Clock.systemUTC());
    Path token = Files.writeString(temp.resolve("token"), "hvs.not-a-token-of-this-vault");
    Controller controller = alphaFromVault(vault, token);
    controller.start();
    Thread runner = new Thread(controller::run, "controller");
    runner.start();
    try {
      awaitMetric(controller, "promcc_vault_login_failing 1.0");
      Files.writeString(token, vault.createToken(Duration.ofDays(1), true, Duration.ZERO)
          .reveal());
      awaitMetric(controller, "promcc_vault_login_failing 0.0");
    } finally {
      controller.stop();
      runner.join(Duration.ofSeconds(30).toMillis());
      vault.close();
    }
  }

  /** A controller of cluster alpha, its certificates from {@code vault}, its token file given. */
  private Controller alphaFromVault(FakeVault vault, Path token) throws IOException {
    return alphaFromVault(vault, token, Clock.systemUTC());
  }

  private Controller alphaFromVault(FakeVault vault, Path token, Clock clock)
      throws IOException {
    vault.pkiRole("pki-alpha", "role-alpha").forClientCertificatesBelow("k8s.example");
    Path clusters = Files.writeString(temp.resolve("clusters.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example.com\n");
    return component(Map.of("clusters", clusters.toString(),
        "certificates", "vault", "vault-address", vault.address().toString(),
        "vault-token-file", token.toString(), "vault-allow-insecure-http", "true",
        "http-address", "127.0.0.1:0"), clock).controller();
  }

  /**
   * The Vault token file is watched: a token fixed in it while alpha waits because the token was
   * refused starts a reconcile, whose observation reads it (ending alpha's backoff), where
   * nothing looked before the next certificate due or the resync (5 min).
   */
  @Test
  void aChangeOfARefusedVaultTokenFileStartsAReconcile() throws Exception {
    FakeVault vault = FakeVault.start(Clock.systemUTC());
    Path token = Files.writeString(temp.resolve("token"), "not-a-token");
    // the controller's time stands still from the token's first refusal until the change is
    // told: alpha's own next attempt, whose login would read the fixed token first (and nothing
    // would wait for it then), does not come before, however late the test writes it
    StillClock stillFromTheRefusal = new StillClock(
        () -> vault.requestCount("auth/token/lookup-self") >= 1);
    Controller controller = alphaFromVault(vault, token, stillFromTheRefusal);
    try (LogCapture loop = LogCapture.everythingOf(ReconcileLoop.class)) {
      controller.start();
      Thread runner = new Thread(controller::run, "controller");
      runner.start();
      try {
        awaitMetric(controller, "promcc_rejections{reason=\"vault-token-invalid\"} 1.0");
        Files.writeString(token, vault.createToken(Duration.ofDays(1), true, Duration.ZERO)
            .reveal());
        Poll.until(Duration.ofSeconds(30), "a reconcile for the token file's change",
            () -> changes(loop).contains(credentialChanged(token)));
        stillFromTheRefusal.release(); // the reconcile is due once its settle has passed
        awaitMetric(controller, "promcc_rejections{reason=\"vault-token-invalid\"} 0.0");
      } finally {
        controller.stop();
        runner.join(Duration.ofSeconds(30).toMillis());
        vault.close();
      }
    }
  }

  /**
   * A token rotated in its file while it works (as the kubelet rotates a service account token,
   * hourly) starts no reconcile: nothing waits for the credential, and the next login reads it.
   */
  @Test
  void aChangeOfAWorkingVaultTokenFileStartsNoReconcile() throws Exception {
    FakeVault vault = FakeVault.start(Clock.systemUTC());
    Path token = Files.writeString(temp.resolve("token"),
        vault.createToken(Duration.ofDays(1), true, Duration.ZERO).reveal());
    Controller controller = alphaFromVault(vault, token);
    try (LogCapture loop = LogCapture.everythingOf(ReconcileLoop.class);
        LogCapture watch = LogCapture.everythingOf(VaultCredentialWatch.class)) {
      controller.start();
      Thread runner = new Thread(controller::run, "controller");
      runner.start();
      try {
        awaitMetric(controller, "promcc_reconcile_total{outcome=\"written\"} 1.0");
        Files.writeString(token, vault.createToken(Duration.ofDays(1), true, Duration.ZERO)
            .reveal());
        Poll.until(Duration.ofSeconds(30), "the token file's change seen", () ->
            !watch.records().isEmpty() || changes(loop).contains(credentialChanged(token)));
        assertEquals(List.of(), changes(loop).stream()
            .filter(c -> c.equals(credentialChanged(token))).toList(),
            "no reconcile while nothing waits for the token: " + watch.lines());
      } finally {
        controller.stop();
        runner.join(Duration.ofSeconds(30).toMillis());
        vault.close();
      }
    }
  }

  /**
   * The system's clock until {@code from} holds, the first time it is read then; still at that
   * instant from then on until {@link #release}, the system's clock again after it.
   */
  private static final class StillClock extends Clock {
    private final BooleanSupplier from;
    private final AtomicReference<Instant> still = new AtomicReference<>();
    private volatile boolean released;

    StillClock(BooleanSupplier from) {
      this.from = from;
    }

    void release() {
      released = true;
    }

    @Override
    public Instant instant() {
      if (released) {
        return Instant.now();
      }
      Instant at = still.get();
      if (at == null && from.getAsBoolean()) {
        still.compareAndSet(null, Instant.now());
        at = still.get();
      }
      return at != null ? at : Instant.now();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a test's clock, in UTC");
    }
  }

  /** The loop's "change: why" lines so far, formatted. */
  private static List<String> changes(LogCapture loop) {
    return loop.records().stream().map(new SimpleFormatter()::formatMessage)
        .filter(m -> m.startsWith("change: ")).toList();
  }

  private static String credentialChanged(Path token) {
    return "change: the vault login credential file \"" + token + "\" changed";
  }

  /** The body of /metrics once it has {@code line}. */
  private static String awaitMetric(Controller controller, String line) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + controller.statusPort() + "/metrics")).timeout(Duration.ofSeconds(20)).build();
    AtomicReference<String> body = new AtomicReference<>("");
    Poll.until(Duration.ofSeconds(30), "/metrics with " + line, () -> {
      body.set(http.send(metrics, HttpResponse.BodyHandlers.ofString()).body());
      return body.get().lines().anyMatch(line::equals);
    });
    return body.get();
  }

  /** The body of /readyz once it names the sources it waits for. */
  private static String awaitWaitingReadyz(Controller controller) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + controller.statusPort() + "/readyz")).timeout(Duration.ofSeconds(20)).build();
    AtomicReference<String> body = new AtomicReference<>("");
    Poll.until(Duration.ofSeconds(30), "/readyz names the sources it waits for", () -> {
      body.set(http.send(readyz, HttpResponse.BodyHandlers.ofString()).body());
      return body.get().startsWith("waiting for the sources to sync, for ")
          && body.get().contains("[");
    });
    return body.get();
  }

  @Test
  void localModeWithACertificateFolder() throws IOException {
    Path certs = Files.createDirectories(temp.resolve("certs"));
    ControllerComponent c = component(Map.of("clusters", clustersFile(), "certificates", "dir",
        "cert-dir", certs.toString(), "prometheus-url", "http://127.0.0.1:9090"));
    assertInstanceOf(CertificateDirectory.class, c.checkParts().certificates());
    assertTrue(c.checkParts().prometheus().isPresent());
    assertNotNull(c.controller());
  }

  @Test
  void kubernetesDiscoveryWithVault() throws IOException {
    String token = Files.writeString(temp.resolve("token"), "hvs.test").toString();
    ControllerComponent c = component(Map.of("discovery", "kubernetes", "kubeconfig",
        kubeconfig(), "certificates", "vault", "vault-address", "https://127.0.0.1:8200",
        "vault-token-file", token));
    assertInstanceOf(ServiceClusterSource.class, c.checkParts().clusters());
    assertNotNull(c.controller());
  }

  @Test
  void kubernetesDiscoveryWithSecrets() throws IOException {
    ControllerComponent c = component(Map.of("discovery", "kubernetes", "kubeconfig",
        kubeconfig(), "certificates", "secrets"));
    assertInstanceOf(SecretCertificateSource.class, c.checkParts().certificates());
    assertNotNull(c.controller());
  }

  @Test
  void theSelectedSourcesAreTheOnlyOnesMade() throws IOException {
    // local mode names no kubeconfig and no Vault: building them would fail, so nothing tries
    ControllerComponent local = component(Map.of("clusters", clustersFile()));
    assertNotNull(local.controller());
    assertTrue(local.checkParts().certificates().getClass() != LocalCa.class,
        "check never asks the local CA to issue");
    assertTrue(!(local.checkParts().certificates() instanceof VaultCertificateSource));
  }
}
