package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.loop.Pacing;
import io.promcc.app.settings.RunSettings.CertificateMode;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Flags, environment and config file, in that order; every problem at once. */
class RunSettingsTest {
  @TempDir Path temp;
  private Path clusters;
  private final Problems problems = new Problems("settings");

  @BeforeEach
  void files() throws IOException {
    clusters = Files.writeString(temp.resolve("clusters.yml"), "[]\n");
  }

  private RunSettings load(Map<String, String> flags, Map<String, String> env) {
    return SettingsLoader.load(RunSettings.TABLE, flags, env, problems);
  }

  private Path config(String yaml) throws IOException {
    return Files.writeString(temp.resolve("promcc.yml"), yaml);
  }

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

  @ParameterizedTest
  @ValueSource(strings = {"debounce", "http-address", "private-key-mode", "state-dir"})
  void aConfigFileKeyWithoutAValueIsUnsetAndGetsItsDefault(String key) throws IOException {
    RunSettings defaults = load(Map.of("clusters", clusters.toString(), "out", "out"), Map.of());
    Path file = config("clusters: " + clusters + "\nout: out\n" + key + ":\n");

    RunSettings settings = load(Map.of("config", file.toString()), Map.of());

    assertEquals(List.of(), problems.list());
    assertEquals(defaults.toString(), settings.toString());
    assertEquals(defaults.pacing(), settings.pacing());
    assertEquals(defaults.httpAddress(), settings.httpAddress());
  }

  @Test
  void theAdaptersOwnProblemsAreReportedTogetherWithEveryOtherBadValue() throws IOException {
    Path token = Files.writeString(temp.resolve("token"), "x");
    Map<String, String> flags = new TreeMap<>(Map.of("discovery", "kubernetes",
        "certificates", "vault", "out", "out", "namespaces", "Bad_NS",
        "vault-address", "http://vault.example:8200", "vault-token-file", token.toString()));
    flags.put("debounce", "soon");

    assertNull(load(flags, Map.of()));

    String all = problems.list().toString();
    assertTrue(all.contains("soon"), all);
    assertTrue(all.contains("Bad_NS"), "the namespace, checked by the Kubernetes adapter: " + all);
    assertTrue(all.contains("http://vault.example:8200"), "the address, checked by the Vault "
        + "adapter: " + all);
  }

  /**
   * A bad job prefix was refused only when the controller was built, after every other problem
   * had been listed, and as "controller settings ... job prefix": it is one of them, named.
   */
  @Test
  void aBadJobPrefixIsListedWithTheOtherProblemsNamingWhereItCameFrom() {
    assertNull(load(Map.of("clusters", clusters.toString(), "out", "out", "debounce", "soon"),
        Map.of("PROMCC_JOB_PREFIX", "Guest_Cluster")));

    assertEquals(List.of(
        "--debounce must be a duration such as 250ms, 2s, 5m or 1h30m, found \"soon\"",
        "PROMCC_JOB_PREFIX must be lower-case letters, digits, '-' or '_', at most 100 "
            + "characters, found \"Guest_Cluster\""), problems.list());
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
    Map<String, String> values = new TreeMap<>(Map.ofEntries(
        Map.entry("clusters", clusters.toString()), Map.entry("out", temp.resolve("o").toString()),
        Map.entry("certificates", "local-ca"),
        Map.entry("base-config", clusters.toString()), Map.entry("profile", clusters.toString()),
        Map.entry("prometheus-url", "http://127.0.0.1:9090"),
        Map.entry("http-address", "0.0.0.0:9999"), Map.entry("shard", "1/3"),
        Map.entry("settle", "40ms"), Map.entry("debounce", "1s"), Map.entry("max-delay", "3s"),
        Map.entry("resync", "1m"),
        Map.entry("state-dir", temp.resolve("state").toString()),
        Map.entry("output-mode", "per-cluster-files"), Map.entry("job-prefix", "wc"),
        Map.entry("ready-timeout", "1m"), Map.entry("reload-timeout", "2m"),
        Map.entry("sync-timeout", "3m"), Map.entry("certificate-validity", "48h")));
    StringBuilder yaml = new StringBuilder();
    Map<String, String> env = new TreeMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      yaml.append(e.getKey()).append(": \"").append(e.getValue()).append("\"\n");
      env.put("PROMCC_" + e.getKey().toUpperCase().replace('-', '_'), e.getValue());
    }
    RunSettings fromFlags = load(values, Map.of());
    RunSettings fromEnv = load(Map.of(), env);
    RunSettings fromFile = load(Map.of("config", config(yaml.toString()).toString()), Map.of());

    assertEquals(List.of(), problems.list());
    assertEquals(fromFlags, fromEnv);
    assertEquals(fromFlags, fromFile);
    assertEquals(new Shard(1, 3), fromFile.shard().orElseThrow());
    assertEquals(Duration.ofHours(48), fromFile.certificateValidity());
    assertEquals(Duration.ofMillis(40), fromFile.pacing().settle());
    assertEquals(9999, fromFile.httpAddress().getPort());
  }

  /** The same values as flags, as PROMCC_* variables and in a config file give equal settings. */
  private RunSettings sameFromEachPlace(Map<String, String> values) throws IOException {
    StringBuilder yaml = new StringBuilder();
    Map<String, String> env = new TreeMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      yaml.append(e.getKey()).append(": \"").append(e.getValue()).append("\"\n");
      env.put("PROMCC_" + e.getKey().toUpperCase().replace('-', '_'), e.getValue());
    }
    RunSettings fromFlags = load(values, Map.of());
    RunSettings fromEnv = load(Map.of(), env);
    Path file = Files.writeString(temp.resolve("each-" + values.hashCode() + ".yml"),
        yaml.toString());
    RunSettings fromFile = load(Map.of("config", file.toString()), Map.of());
    assertEquals(List.of(), problems.list());
    assertEquals(fromFlags, fromEnv);
    assertEquals(fromFlags, fromFile);
    return fromFlags;
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
        "http-address", "shard", "settle", "debounce", "max-delay", "resync", "state-dir",
        "output-mode", "job-prefix", "promtool", "ready-timeout", "reload-timeout", "sync-timeout",
        "certificate-validity", "config", "vault-token", "vault-token-file",
        // PrometheusAuthOptionsTest
        "prometheus-basic-auth-user", "prometheus-password-file", "prometheus-bearer-token-file"));
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

  @Test
  void aDebounceShorterThanTheDefaultSettleShortensItButAGivenSettleMustFitTheDebounce() {
    Map<String, String> local = Map.of("clusters", clusters.toString(), "out", "o");
    Map<String, String> quick = new TreeMap<>(local);
    quick.put("debounce", "10ms");
    RunSettings shortened = load(quick, Map.of());
    assertEquals(List.of(), problems.list());
    assertEquals(Duration.ofMillis(10), shortened.pacing().settle());
    Map<String, String> same = new TreeMap<>(local);
    same.put("settle", "250ms");
    assertEquals(Duration.ofMillis(250), load(same, Map.of()).pacing().settle());

    Map<String, String> slow = new TreeMap<>(local);
    slow.put("settle", "300ms");
    assertNull(load(slow, Map.of()));
    assertEquals(List.of("--settle must not be longer than debounce \"250ms\", found \"300ms\""),
        problems.list());
  }

  @Test
  void everyProblemIsReportedAtOnceNamingWhereTheValueCameFrom() throws IOException {
    Path file = config("""
        resync: soon
        colour: blue
        """);
    Map<String, String> env = Map.of("PROMCC_CONFIG", file.toString(),
        "PROMCC_HTTP_ADDRESS", "localhost", "PROMCC_SHARD", "3/3");

    RunSettings settings = load(Map.of("debounce", "5s", "certificates", "dir",
        "prometheus-url", "ftp://x", "output-mode", "both"), env);

    assertNull(settings);
    assertEquals(List.of(
        "config file \"" + file + "\" has a key no setting has (see promcc run --help), "
            + "found \"colour\"",
        "--clusters or --discovery is required: say where guest clusters come from, e.g. "
            + "--clusters clusters.yml",
        "--cert-dir is required with --certificates dir",
        "--out is required: the folder shared with Prometheus",
        "--prometheus-url must be an http or https url with a host, found \"ftp://x\"",
        "PROMCC_HTTP_ADDRESS must be HOST:PORT, e.g. 127.0.0.1:9420, found \"localhost\"",
        "PROMCC_SHARD must be K/N with 0 <= K < N (e.g. 0/3), found \"3/3\"",
        "resync in \"" + file + "\" must be a duration such as 250ms, 2s, 5m or 1h30m, "
            + "found \"soon\"",
        "--debounce must not be longer than max-delay \"2s\", found \"5s\"",
        "--output-mode must be merged or per-cluster-files, found \"both\""), problems.list());
  }

  @Test
  void theWatchTimeoutIsFiveMinutesUnlessShortenedAndAtLeastOneSecond() {
    Map<String, String> kube = Map.of("discovery", "kubernetes", "out", "o",
        "certificates", "secrets");
    assertEquals(io.promcc.kube.WatchSettings.defaults(),
        load(kube, Map.of()).kubernetes().orElseThrow().watch());
    assertEquals(new io.promcc.kube.WatchSettings(Duration.ofSeconds(60), Duration.ofMinutes(10),
        Duration.ofSeconds(30)), load(kube, Map.of("PROMCC_WATCH_TIMEOUT", "10m"))
        .kubernetes().orElseThrow().watch());
    assertEquals(List.of(), problems.list());
    Map<String, String> tooShort = new TreeMap<>(kube);
    tooShort.put("watch-timeout", "500ms");
    assertNull(load(tooShort, Map.of()));
    assertEquals(List.of("--watch-timeout must be at least 1s, found \"500ms\""),
        problems.list());
  }

  /**
   * Durations of decades were taken, then cast to an int (the Lease's seconds, a watch's
   * timeoutSeconds) or refused by the HTTP client at each watch or Lease call: the option is
   * named at start instead.
   */
  @Test
  void aWatchTimeoutOrLeaseDurationTooLongForTheApiIsRefusedNamingTheOption() {
    assertNull(load(Map.of("discovery", "kubernetes", "out", "o", "certificates", "secrets",
        "watch-timeout", "25d", "lease-duration", "100y"), Map.of()));
    assertEquals(List.of("--lease-duration must be at most 180d, found \"100y\"",
        "--watch-timeout must be at most 24d, found \"25d\""), problems.list());

    Problems atTheBounds = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, Map.of("discovery",
        "kubernetes", "out", "o", "certificates", "secrets", "watch-timeout", "24d",
        "lease-duration", "180d"), Map.of(), atTheBounds);
    assertEquals(List.of(), atTheBounds.list());
    assertEquals(Duration.ofDays(24), settings.kubernetes().orElseThrow().watch().watchTimeout());
  }

  @Test
  void aKeyAlgorithmWithIssueModeIsRefusedSinceVaultMakesTheKey() throws IOException {
    Path token = Files.writeString(temp.resolve("token"), "x");
    load(Map.of("clusters", clusters.toString(), "out", "o", "certificates", "vault",
        "vault-address", "https://vault.example:8200", "vault-token-file", token.toString(),
        "vault-mode", "issue", "vault-key-algorithm", "rsa-2048"), Map.of());
    assertEquals(List.of("--vault-key-algorithm is for --vault-mode sign only: in issue mode "
        + "Vault makes the key, of the PKI role's key_type"), problems.list());
  }

  @Test
  void rsaKeysComeInTheSizesVaultRolesTake() throws IOException {
    Path token = Files.writeString(temp.resolve("token"), "x");
    Map<String, io.promcc.vault.KeyAlgorithm> expected = Map.of(
        "rsa-2048", io.promcc.vault.KeyAlgorithm.RSA_2048,
        "rsa-3072", io.promcc.vault.KeyAlgorithm.RSA_3072,
        "rsa-4096", io.promcc.vault.KeyAlgorithm.RSA_4096);
    for (var entry : expected.entrySet()) {
      RunSettings settings = load(Map.of("clusters", clusters.toString(), "out", "o",
          "certificates", "vault", "vault-address", "https://vault.example:8200",
          "vault-token-file", token.toString(), "vault-key-algorithm", entry.getKey()), Map.of());
      assertEquals(List.of(), problems.list());
      assertEquals(entry.getValue(), settings.vault().orElseThrow().keyAlgorithm());
    }
    load(Map.of("clusters", clusters.toString(), "out", "o", "certificates", "vault",
        "vault-address", "https://vault.example:8200", "vault-token-file", token.toString(),
        "vault-key-algorithm", "rsa-1024"), Map.of());
    assertEquals(List.of("--vault-key-algorithm must be ec-p256, rsa-2048, rsa-3072 or "
        + "rsa-4096, found \"rsa-1024\""), problems.list());
  }

  @Test
  void credentialsInThePrometheusUrlAreRefusedWithoutPrintingThem() {
    load(Map.of("clusters", clusters.toString(), "out", "o",
        "prometheus-url", "http://admin:s3cret@127.0.0.1:9090"), Map.of());
    assertEquals(1, problems.list().size());
    assertEquals("--prometheus-url must not carry a user or password, found "
        + "\"http://<redacted>@127.0.0.1:9090\"", problems.list().get(0));
    assertFalse(problems.list().get(0).contains("s3cret"), problems.list().get(0));
  }

  /**
   * Also where java.net.URI finds no user information (a host with an underscore, a port that is
   * no number) or no URL at all (a space): the password was printed with the whole text.
   */
  @ParameterizedTest
  @ValueSource(strings = {"http://admin:s3cret@prom_shard0:9090",
      "http://admin:s3cret@prometheus:90o0", "http://admin:s3cret@prom etheus:9090",
      "http://admin:s3#cret@prometheus:9090",
      "http://admin:s3/cret@prometheus:9090", "http:/admin:s3cret@prometheus:9090"})
  void credentialsInAnyPrometheusUrlAreNeverPrinted(String url) {
    load(Map.of("clusters", clusters.toString(), "out", "o", "prometheus-url", url), Map.of());
    assertEquals(1, problems.list().size());
    assertTrue(problems.list().get(0).startsWith("--prometheus-url must "), problems.list().get(0));
    assertTrue(problems.list().get(0).endsWith(", found \""
        + url.substring(0, url.indexOf('a')) + "<redacted>" + url.substring(url.lastIndexOf('@'))
        + "\""), problems.list().get(0));
  }

  @Test
  void aSecretGivenAsAFlagIsRefusedAndNotRepeated() {
    List<Setting> table = List.of(Setting.secret("vault-token", "TOKEN", "A token."));
    RawSettings.gather(table, Map.of("vault-token", "hvs.s3cret"), Map.of(), Map.of(), "",
        problems);
    assertEquals(List.of("--vault-token must not be given as a flag, where it shows in ps; set "
        + "PROMCC_VAULT_TOKEN"), problems.list());
  }

  @Test
  void aMissingOrInvalidConfigFileIsAProblem() throws IOException {
    load(Map.of("config", temp.resolve("none.yml").toString()), Map.of());
    assertTrue(problems.list().get(0).startsWith("config file \"" + temp.resolve("none.yml")
        + "\" cannot be read"), problems.list().toString());
    Problems more = new Problems("settings");
    SettingsLoader.load(RunSettings.TABLE, Map.of("config", config("- a\n- b\n").toString()),
        Map.of(), more);
    assertTrue(more.list().get(0).endsWith("must be a mapping of setting names to values"),
        more.list().toString());
  }

  /**
   * A list that holds itself (an alias inside its own anchor) made the problem's text, and deep
   * nesting made the YAML reader, recurse until a StackOverflowError ended the start with a
   * stack trace instead of the settings' problems.
   */
  @Test
  void aConfigFileValueThatHoldsItselfOrNestsTooDeeplyIsAProblem() throws IOException {
    Path file = config("clusters: " + clusters + "\nout: out\nnamespaces: &n [a, [*n]]\n");
    load(Map.of("config", file.toString()), Map.of());
    String problem = problems.list().get(0);
    assertTrue(problem.startsWith("config file \"" + file + "\" is not valid YAML: "), problem);
    assertTrue(problem.contains("the alias *n is inside the collection it names"), problem);

    Problems more = new Problems("settings");
    SettingsLoader.load(RunSettings.TABLE, Map.of("config", config("debounce: "
        + "[".repeat(100_000) + "]".repeat(100_000) + "\n").toString()), Map.of(), more);
    assertTrue(more.list().get(0).contains("collections nest more than 100 deep"),
        more.list().toString());
  }

  /**
   * A file of gigabytes given as --config (a wrong path) ended the start with an
   * OutOfMemoryError and a stack trace instead of the settings' problems.
   */
  @Test
  void aConfigFileOfGigabytesIsAProblem() throws Exception {
    Path file = temp.resolve("huge.yml");
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(2L << 30);
    }

    load(Map.of("config", file.toString()), Map.of());

    assertEquals("config file \"" + file + "\" is larger than 1 MiB (1048576 bytes), "
        + "found 2147483648 bytes", problems.list().get(0));
  }
}
