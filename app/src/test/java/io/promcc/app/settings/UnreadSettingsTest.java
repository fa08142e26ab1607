package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings a chosen mode would never read, or that cannot work together, are refused. */
class UnreadSettingsTest {
  @TempDir Path temp;
  private final Problems problems = new Problems("settings");

  private RunSettings load(Map<String, String> given) {
    Map<String, String> flags = new TreeMap<>(given);
    flags.put("out", temp.resolve("out").toString());
    return SettingsLoader.load(RunSettings.TABLE, flags, Map.of(), problems);
  }

  private static Map<String, String> secretsMode(String... more) {
    Map<String, String> flags = new TreeMap<>(Map.of("discovery", "kubernetes",
        "certificates", "secrets"));
    for (int i = 0; i < more.length; i += 2) {
      flags.put(more[i], more[i + 1]);
    }
    return flags;
  }

  /**
   * One settings file serves every shard (deploy/promcc-settings.yaml). A lease-name in it gives
   * every shard the same Lease, so only one shard's holder publishes, and the Events of clusters
   * waiting on the other shards (known only there) are never published.
   */
  @Test
  void aLeaseNameGivenWithShardsIsRefusedOrStaysPerShard() {
    Problems first = new Problems("settings");
    RunSettings shard0 = SettingsLoader.load(RunSettings.TABLE, withOut(secretsMode("shard", "0/2",
        "lease-name", "guest-events")), Map.of(), first);
    RunSettings shard1 = SettingsLoader.load(RunSettings.TABLE, withOut(secretsMode("shard", "1/2",
        "lease-name", "guest-events")), Map.of(), problems);
    assertEquals(List.of(), first.list());
    assertEquals(List.of(), problems.list());
    assertEquals("guest-events-0", leaseName(shard0));
    assertEquals("guest-events-1", leaseName(shard1));
  }

  private Map<String, String> withOut(Map<String, String> flags) {
    Map<String, String> all = new TreeMap<>(flags);
    all.put("out", temp.resolve("out").toString());
    return all;
  }

  /** Secrets mode, with one variable in the environment. */
  private RunSettings secretsModeWith(String variable, String value) {
    return SettingsLoader.load(RunSettings.TABLE, withOut(secretsMode()), Map.of(variable, value),
        problems);
  }

  private static String leaseName(RunSettings settings) {
    return settings.kubernetes().orElseThrow().leaderElection().orElseThrow().leaseName();
  }

  /** Without --prometheus-url no Prometheus control is made, so the PID file is never used. */
  @Test
  void aPrometheusPidFileWithoutAPrometheusUrlIsRefused() {
    RunSettings settings = load(secretsMode("prometheus-pid-file", "/run/prometheus.pid"));

    assertNull(settings, "accepted, and Prometheus is never reloaded: " + problems.list());
    assertFalse(problems.isEmpty());
  }

  /**
   * --cert-dir with another certificate source is refused ("is only read with --certificates
   * dir"); the Secrets namespace with Vault certificates is silently ignored instead.
   */
  @Test
  void aSecretsNamespaceWithVaultCertificatesIsRefusedAsCertDirIs() throws IOException {
    Path token = Files.writeString(temp.resolve("token"), "t\n");
    RunSettings settings = load(Map.of("discovery", "kubernetes", "certificates", "vault",
        "vault-address", "https://vault.example:8200", "vault-token-file", token.toString(),
        "secrets-namespace", "certificates"));

    assertNull(settings, "secrets-namespace accepted and ignored with --certificates vault");
    assertTrue(problems.list().toString().contains("secrets-namespace"), problems.list()
        .toString());
  }

  /** The same: Vault options with Secrets certificates are silently ignored. */
  @Test
  void vaultOptionsWithSecretsCertificatesAreRefusedAsCertDirIs() {
    RunSettings settings = load(secretsMode("vault-address", "https://vault.example:8200",
        "vault-auth", "kubernetes", "vault-kubernetes-role", "promcc"));

    assertNull(settings, "vault options accepted and ignored with --certificates secrets");
  }

  /** Lease options with leader election off are silently ignored. */
  @Test
  void leaseOptionsWithLeaderElectionOffAreRefused() {
    RunSettings settings = load(secretsMode("leader-election", "false",
        "lease-name", "promcc-events-0"));

    assertNull(settings, "lease-name accepted and ignored with --leader-election false");
  }

  /** Local mode reads no discovery option: one given is a leftover or a mistake. */
  @Test
  void aDiscoveryOptionInLocalModeIsRefused() throws IOException {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example.com\n");
    RunSettings settings = load(Map.of("clusters", clusters.toString(), "service-selector",
        "app=master", "state-dir", temp.resolve("state").toString()));

    assertNull(settings, "service-selector accepted and ignored in local mode");
    assertTrue(problems.list().toString().contains("is only read with --discovery kubernetes"),
        problems.list().toString());
  }

  /**
   * A Vault token left in the Pod's environment (PROMCC_VAULT_TOKEN, from a Secret) after the
   * settings switched to Secrets certificates is refused; the refusal, printed at start, must
   * not show the token, as no other problem of a secret setting does.
   */
  @Test
  void aVaultTokenLeftInTheEnvironmentIsRefusedWithoutShowingIt() {
    RunSettings settings = secretsModeWith("PROMCC_VAULT_TOKEN", "hvs.contract-s3cret-token");

    assertNull(settings);
    assertFalse(problems.list().toString().contains("hvs.contract-s3cret-token"),
        "the token is shown: " + problems.list());
  }

  /**
   * A settings file (or flag) that already names each shard's Lease as deploy/rbac.yaml lists
   * it (promcc-events-0 for shard 0) keeps that name: it must not become
   * promcc-events-0-0, a Lease the Role does not list (403 on every call, no Events).
   */
  @Test
  void aLeaseNameThatAlreadyNamesItsShardIsNotSuffixedAgain() {
    RunSettings settings = load(secretsMode("shard", "0/2", "lease-name", "promcc-events-0"));

    assertEquals(List.of(), problems.list());
    assertEquals("promcc-events-0", leaseName(settings));
  }

  /** Only the local CA issues certificates; another source's validity is not promcc's. */
  @Test
  void aCertificateValidityWithAnotherCertificateSourceIsRefused() {
    RunSettings settings = load(secretsMode("certificate-validity", "48h"));

    assertNull(settings, "certificate-validity accepted and ignored with --certificates secrets");
    assertEquals(List.of("--certificate-validity is only read with --certificates local-ca, but "
        + "certificates come from secrets, found \"48h\""), problems.list());
  }

  /**
   * Without --prometheus-url nothing waits for Prometheus nor reloads it: both timeouts, set in
   * a settings file meant for a Prometheus, would be ignored without a word.
   */
  @Test
  void readyAndReloadTimeoutsWithoutAPrometheusUrlAreRefused() throws IOException {
    Path config = Files.writeString(temp.resolve("promcc.yml"),
        "ready-timeout: 10m\nreload-timeout: 10m\n");
    RunSettings settings = load(secretsMode("config", config.toString()));

    assertNull(settings, "timeouts accepted and ignored without --prometheus-url");
    String file = "in \"" + config + "\"";
    String why = " (without it the files are only written: nothing waits for Prometheus or "
        + "reloads it)";
    assertEquals(List.of(
        "ready-timeout " + file + " only applies with --prometheus-url" + why
            + ", found \"10m\"",
        "reload-timeout " + file + " only applies with --prometheus-url" + why
            + ", found \"10m\""),
        problems.list());
  }

  /** Their defaults are no choice of the user's: every mode takes them without a word. */
  @Test
  void theDefaultsOfModeBoundOptionsAreTakenInEveryMode() throws IOException {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example.com\n");
    RunSettings secrets = load(secretsMode());
    RunSettings local = load(Map.of("clusters", clusters.toString(), "certificates", "dir",
        "cert-dir", temp.toString(), "state-dir", temp.resolve("state").toString()));

    assertEquals(List.of(), problems.list());
    assertEquals(Duration.ofHours(720), secrets.certificateValidity());
    assertEquals(Duration.ofMinutes(5), local.readyTimeout());
    assertEquals(Duration.ofMinutes(5), local.reloadTimeout());
  }

  /** As they are read: with a Prometheus URL and the local CA, all three are taken. */
  @Test
  void theTimeoutsAndTheValidityAreTakenWhereTheyAreRead() throws IOException {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example.com\n");
    RunSettings settings = load(Map.of("clusters", clusters.toString(), "state-dir",
        temp.resolve("state").toString(), "prometheus-url", "http://127.0.0.1:9090",
        "ready-timeout", "10m", "reload-timeout", "12m", "certificate-validity", "48h"));

    assertEquals(List.of(), problems.list());
    assertEquals(Duration.ofMinutes(10), settings.readyTimeout());
    assertEquals(Duration.ofMinutes(12), settings.reloadTimeout());
    assertEquals(Duration.ofHours(48), settings.certificateValidity());
  }

  /** A leftover Vault address with credentials in it is refused without showing them. */
  @Test
  void aLeftOverVaultAddressWithCredentialsIsRefusedWithoutShowingThem() {
    RunSettings settings = secretsModeWith("PROMCC_VAULT_ADDRESS",
        "https://admin:hunter2-pw@vault.example:8200");

    assertNull(settings);
    assertTrue(problems.list().toString().contains("PROMCC_VAULT_ADDRESS"),
        problems.list().toString());
    assertFalse(problems.list().toString().contains("hunter2-pw"),
        "the password in the address is shown: " + problems.list());
  }
}
