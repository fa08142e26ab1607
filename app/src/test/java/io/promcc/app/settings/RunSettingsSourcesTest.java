package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.loop.Pacing;
import io.promcc.app.settings.RunSettings.CertificateMode;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.Problems;
import io.promcc.prometheus.PrometheusTrust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Flags, environment and config file, in that order; every option from each place. */
class RunSettingsSourcesTest extends RunSettingsFixture {
  @Test
  void localModeNeedsOnlyTheClustersFileAndTheOutputFolder() {
    RunSettings settings = load(Map.of("clusters", clusters.toString(), "out", "out"), Map.of());

    assertEquals(List.of(), problems.list());
    assertEquals(CertificateMode.LOCAL_CA, settings.certificates());
    assertEquals(new Pacing(Duration.ofMillis(25), Duration.ofMillis(250), Duration.ofSeconds(2),
        Duration.ofMinutes(5)), settings.pacing());
    assertEquals("127.0.0.1", settings.httpAddress().getHostString());
    assertEquals(9420, settings.httpAddress().getPort());
    assertEquals(OutputMode.MERGED, settings.outputMode());
    assertEquals(Optional.empty(), settings.prometheusUrl());
  }

  @Test
  void aFlagBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() throws IOException {
    Path file = config("""
        clusters: %s
        out: from-file
        debounce: 1s
        max-delay: 3s
        resync: 7m
        """.formatted(clusters));
    Map<String, String> env = Map.of("PROMCC_CONFIG", file.toString(),
        "PROMCC_DEBOUNCE", "500ms", "PROMCC_MAX_DELAY", "4s");

    RunSettings settings = load(Map.of("debounce", "100ms"), env);

    assertEquals(List.of(), problems.list());
    assertEquals(Duration.ofMillis(100), settings.pacing().debounce(), "flag");
    assertEquals(Duration.ofSeconds(4), settings.pacing().maxDelay(), "environment");
    assertEquals(Duration.ofMinutes(7), settings.pacing().resync(), "file");
    assertEquals(Path.of("from-file").toAbsolutePath(), settings.out(), "file");
    assertEquals(Duration.ofMinutes(5), settings.readyTimeout(), "default");
  }

  @Test
  void everyOptionCanComeFromEachPlace() throws IOException {
    Path prometheusCa = Files.writeString(temp.resolve("prometheus-ca.pem"),
        io.promcc.core.testing.ThrowawayCa.create("prometheus ca").certificatePem());
    Map<String, String> values = new TreeMap<>(Map.ofEntries(
        Map.entry("clusters", clusters.toString()), Map.entry("out", temp.resolve("o").toString()),
        Map.entry("certificates", "local-ca"),
        Map.entry("base-config", clusters.toString()), Map.entry("profile", clusters.toString()),
        Map.entry("prometheus-url", "https://127.0.0.1:9090"),
        Map.entry("prometheus-ca-bundle", prometheusCa.toString()),
        Map.entry("http-address", "0.0.0.0:9999"), Map.entry("shard", "1/3"),
        Map.entry("settle", "40ms"), Map.entry("debounce", "1s"), Map.entry("max-delay", "3s"),
        Map.entry("resync", "1m"),
        Map.entry("state-dir", temp.resolve("state").toString()),
        Map.entry("output-mode", "per-cluster-files"), Map.entry("job-prefix", "wc"),
        Map.entry("ready-timeout", "1m"), Map.entry("reload-timeout", "2m"),
        Map.entry("sync-timeout", "3m"), Map.entry("certificate-validity", "48h")));
    RunSettings fromFile = sameFromEachPlace(values);

    assertEquals(new Shard(1, 3), fromFile.shard().orElseThrow());
    assertEquals(Duration.ofHours(48), fromFile.certificateValidity());
    assertEquals(Duration.ofMillis(40), fromFile.pacing().settle());
    assertEquals(9999, fromFile.httpAddress().getPort());
    assertEquals(Optional.of(prometheusCa), fromFile.prometheusCaBundle()
        .map(PrometheusTrust::path));
  }

  @Test
  void everyKubernetesAndVaultOptionCanComeFromEachPlaceAndIsTaken() throws IOException {
    Path kubeconfig = Files.writeString(temp.resolve("kubeconfig"), "apiVersion: v1\n");
    Path jwt = Files.writeString(temp.resolve("jwt"), "x");
    Path secretId = Files.writeString(temp.resolve("secret-id"), "x");
    Path caBundle = Files.writeString(temp.resolve("ca.pem"), "x");
    Map<String, String> kube = Map.ofEntries(Map.entry("discovery", "kubernetes"),
        Map.entry("out", "o"), Map.entry("kubeconfig", kubeconfig.toString()),
        Map.entry("service-selector", "app=guest"),
        Map.entry("cluster-id-annotation", "example.com/id"),
        Map.entry("etcd-annotation", "example.com/etcd"),
        Map.entry("api-server-url-annotation", "example.com/api"),
        Map.entry("namespaces", "a,b,platform"), Map.entry("trusted-namespaces", "platform"),
        Map.entry("provider", "kvm"), Map.entry("api-server-allow-list", "10.0.0.0/8"),
        Map.entry("allow-private-network-api-servers", "false"),
        Map.entry("allow-any-api-server-host", "true"),
        Map.entry("prometheus-url", "http://127.0.0.1:9090"),
        Map.entry("leader-election", "true"), Map.entry("lease-namespace", "mon"),
        Map.entry("lease-name", "lease"), Map.entry("lease-duration", "30s"),
        Map.entry("identity", "me"), Map.entry("prometheus-pid-file", "/run/p.pid"),
        Map.entry("promtool-timeout", "3m"), Map.entry("log-level", "debug"),
        Map.entry("private-key-mode", "0640"), Map.entry("watch-timeout", "20s"));
    Map<String, String> vaultKubernetes = new TreeMap<>(kube);
    vaultKubernetes.putAll(Map.ofEntries(Map.entry("certificates", "vault"),
        Map.entry("vault-address", "https://vault.example:8200"),
        Map.entry("vault-auth", "kubernetes"), Map.entry("vault-kubernetes-role", "promcc"),
        Map.entry("vault-kubernetes-mount", "k8s"), Map.entry("vault-jwt-file", jwt.toString()),
        Map.entry("vault-namespace", "team"), Map.entry("vault-ca-bundle", caBundle.toString()),
        Map.entry("vault-pki-mount", "pki"), Map.entry("vault-pki-role", "prom-{cluster}"),
        Map.entry("vault-common-name", "p.{cluster}.example.com"),
        Map.entry("vault-alt-names", "a.{cluster}.example.com"), Map.entry("vault-mode", "issue"),
        Map.entry("vault-ttl", "72h"), Map.entry("vault-max-concurrent-requests", "8"),
        Map.entry("vault-allow-insecure-http", "false")));
    Map<String, String> vaultAppRole = new TreeMap<>(kube);
    vaultAppRole.putAll(Map.of("certificates", "vault", "vault-address",
        "https://vault.example:8200", "vault-auth", "approle", "vault-approle-mount", "ar",
        "vault-role-id", "role-1", "vault-secret-id-file", secretId.toString(),
        "vault-key-algorithm", "rsa-2048"));

    Map<String, String> secrets = new TreeMap<>(kube);
    secrets.putAll(Map.of("certificates", "secrets", "secrets-namespace", "certs"));

    RunSettings k = sameFromEachPlace(vaultKubernetes);
    RunSettings a = sameFromEachPlace(vaultAppRole);
    RunSettings fromSecrets = sameFromEachPlace(secrets);

    var discovery = k.kubernetes().orElseThrow().discovery();
    assertEquals("app=guest", discovery.labelSelector());
    assertEquals(List.of("a", "b", "platform"), discovery.namespaces());
    assertEquals(List.of("platform"), discovery.trustedNamespaces());
    assertEquals("certs", fromSecrets.kubernetes().orElseThrow().secrets().namespace());
    var lease = k.kubernetes().orElseThrow().leaderElection().orElseThrow();
    assertEquals(List.of("mon", "lease", "me", Duration.ofSeconds(30)),
        List.of(lease.namespace(), lease.leaseName(), lease.identity(), lease.leaseDuration()));
    // a silent watch is given up after its timeout plus a grace of at most 30 s
    assertEquals(new io.promcc.kube.WatchSettings(Duration.ofSeconds(60), Duration.ofSeconds(20),
        Duration.ofSeconds(20)), k.kubernetes().orElseThrow().watch());
    var vault = k.vault().orElseThrow();
    assertEquals("https://vault.example:8200", vault.address().toString());
    assertEquals(Duration.ofHours(72), vault.ttl());
    assertEquals(8, vault.maxConcurrentRequests());
    assertTrue(vault.auth() instanceof io.promcc.vault.VaultAuthSettings.Kubernetes);
    assertTrue(a.vault().orElseThrow().auth() instanceof io.promcc.vault.VaultAuthSettings.AppRole);
    // a key_type=rsa role (Vault's default, the original platform's) signs only RSA keys
    assertEquals(io.promcc.vault.KeyAlgorithm.RSA_2048, a.vault().orElseThrow().keyAlgorithm());
    assertEquals(io.promcc.vault.KeyAlgorithm.EC_P256, k.vault().orElseThrow().keyAlgorithm());
    assertEquals(0640, k.privateKeyMode());
    assertEquals(Path.of("/run/p.pid"), k.prometheusPidFile().orElseThrow());

    // together with the local-mode test above, every option of the table was set somewhere
    java.util.Set<String> covered = new java.util.TreeSet<>(vaultKubernetes.keySet());
    covered.addAll(vaultAppRole.keySet());
    covered.addAll(secrets.keySet());
    covered.addAll(List.of("clusters", "cert-dir", "base-config", "profile", "prometheus-url",
        "prometheus-ca-bundle", "http-address", "shard", "settle", "debounce", "max-delay",
        "resync", "state-dir",
        "output-mode", "job-prefix", "promtool", "ready-timeout", "reload-timeout", "sync-timeout",
        "certificate-validity", "config", "vault-token", "vault-token-file",
        // PrometheusAuthOptionsTest
        "prometheus-basic-auth-user", "prometheus-password-file", "prometheus-bearer-token-file",
        // PrometheusProbeOptionsTest
        "prometheus-probe-period", "prometheus-probe-failures"));
    java.util.Set<String> all = new java.util.TreeSet<>();
    RunSettings.TABLE.forEach(setting -> all.add(setting.name()));
    assertEquals(all, covered);
  }

  @Test
  void theVaultTokenComesFromTheEnvironmentOnlyAndAFileFromEachPlace() throws IOException {
    Path token = Files.writeString(temp.resolve("token"), "x");
    Map<String, String> base = Map.of("discovery", "kubernetes", "out", "o",
        "certificates", "vault", "vault-address", "https://vault.example:8200");
    RunSettings fromEnv = load(base, Map.of("PROMCC_VAULT_TOKEN", "hvs.x"));
    assertEquals(List.of(), problems.list());
    assertTrue(fromEnv.vault().orElseThrow().auth().toString().contains("PROMCC_VAULT_TOKEN"),
        fromEnv.vault().orElseThrow().auth().toString());
    Map<String, String> withFile = new TreeMap<>(base);
    withFile.put("vault-token-file", token.toString());
    assertTrue(sameFromEachPlace(withFile).vault().isPresent());

    Path config = config("vault-token: hvs.s3cret\n");
    Problems more = new Problems("settings");
    SettingsLoader.load(RunSettings.TABLE, Map.of("config", config.toString()), Map.of(), more);
    assertTrue(more.list().contains("vault-token in \"" + config + "\" must not be in the "
        + "config file; set PROMCC_VAULT_TOKEN"), more.list().toString());
    assertFalse(more.list().toString().contains("s3cret"));
  }
}
