package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Bad values: every problem at once, each naming the option and where it came from. */
class RunSettingsProblemsTest extends RunSettingsFixture {
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

  /**
   * An --out below a file was taken, and every reconcile then failed on the manifest ("cannot
   * read ownership manifest ...: java.nio.file.FileSystemException: ...: Not a directory"):
   * it can never become a folder, as --out that is a file cannot.
   */
  @Test
  void anOutFolderBelowAFileIsRefusedNamingTheFile() throws IOException {
    Path file = Files.writeString(temp.resolve("a-file"), "x");
    String below = file.resolve("sub/out").toString();

    assertNull(load(Map.of("clusters", clusters.toString(), "out", below), Map.of()));

    assertEquals(List.of("--out must be a folder (created if missing), but \"" + file
        + "\" on its path is a file, found \"" + below + "\""), problems.list());
  }

  /**
   * An --out that is a link to nothing, or below one, was taken as a path where nothing is
   * yet, and every reconcile then failed making it ("cannot prepare folder ...:
   * java.nio.file.FileAlreadyExistsException: ..."): promcc makes no folder at a link. A link
   * to a folder is a folder, and a link to a folder on the path is taken.
   */
  @Test
  void anOutThatIsALinkToNothingOrBelowOneIsRefusedNamingTheLink() throws IOException {
    Path link = Files.createSymbolicLink(temp.resolve("link"), temp.resolve("nowhere"));
    Path folder = Files.createDirectories(temp.resolve("folder"));
    Path toFolder = Files.createSymbolicLink(temp.resolve("to-folder"), folder);
    String below = link.resolve("sub").toString();

    assertEquals(List.of("--out must be a folder (created if missing), but it is a link to \""
        + temp.resolve("nowhere") + "\", where nothing is, found \"" + link + "\""),
        problemsOf(Map.of("clusters", clusters.toString(), "out", link.toString()), Map.of()));
    assertEquals(List.of("--out must be a folder (created if missing), but \"" + link
        + "\" on its path is a link to \"" + temp.resolve("nowhere") + "\", where nothing is, "
        + "found \"" + below + "\""), problemsOf(Map.of("clusters", clusters.toString(), "out",
        below), Map.of()));
    assertEquals(List.of(), problemsOf(Map.of("clusters", clusters.toString(), "out",
        toFolder.toString()), Map.of()));
    assertEquals(List.of(), problemsOf(Map.of("clusters", clusters.toString(), "out",
        toFolder.resolve("new/out").toString()), Map.of()));
  }

  /**
   * A --state-dir below a file was taken: the local CA then failed at start after the status
   * port had opened and "promcc ... RunSettings{...}" was logged ("local CA state folder ...
   * cannot be created: java.nio.file.FileAlreadyExistsException: ..."). Other modes never read
   * the folder, so only the local CA's is checked.
   */
  @Test
  void aLocalCaStateFolderThatIsAFileOrBelowOneIsRefusedNamingTheFile() throws IOException {
    Path file = Files.writeString(temp.resolve("a-file"), "x");
    String below = file.resolve("state").toString();

    assertEquals(List.of("--state-dir must be a folder (created if missing), but \"" + file
        + "\" on its path is a file, found \"" + below + "\""), problemsOf(Map.of("clusters",
        clusters.toString(), "out", "o", "state-dir", below), Map.of()));
    assertEquals(List.of("PROMCC_STATE_DIR must be a folder (created if missing), but it is a "
        + "file, found \"" + file + "\""), problemsOf(Map.of("clusters", clusters.toString(),
        "out", "o"), Map.of("PROMCC_STATE_DIR", file.toString())));
    Path certs = Files.createDirectories(temp.resolve("certs"));
    assertEquals(List.of(), problemsOf(Map.of("clusters", clusters.toString(), "out", "o",
        "certificates", "dir", "cert-dir", certs.toString()), Map.of("PROMCC_STATE_DIR", below)));
  }

  /** The problems of one load alone. */
  private static List<String> problemsOf(Map<String, String> flags, Map<String, String> env) {
    Problems each = new Problems("settings");
    SettingsLoader.load(RunSettings.TABLE, flags, env, each);
    return each.list();
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
}
