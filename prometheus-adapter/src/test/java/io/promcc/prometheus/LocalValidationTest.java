package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.ValidationException;
import io.promcc.core.port.InvalidFilesException;
import io.promcc.core.testing.Pem;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalValidationTest {
  private static final ThrowawayCa CA = ThrowawayCa.create("test-ca");
  private static final KeyPair EC = ThrowawayCa.ecKeyPair();
  private static final KeyPair RSA = ThrowawayCa.rsaKeyPair(2048);
  private static final ThrowawayCa.Issued EC_BUNDLE = CA.issueClient("ec", EC);
  private static final ThrowawayCa.Issued RSA_BUNDLE = CA.issueClient("rsa", RSA);

  @TempDir Path out;

  private LocalValidation validation() {
    return new LocalValidation(out, Optional.empty());
  }

  private static DesiredState withCluster(String cert, String key) {
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    files.put(TestStates.caPath("a"), DesiredFile.of(FileKind.CERTIFICATE, CA.certificatePem()));
    files.put(TestStates.certPath("a"), DesiredFile.of(FileKind.CERTIFICATE, cert));
    files.put(TestStates.keyPath("a"), DesiredFile.of(FileKind.PRIVATE_KEY, key));
    return TestStates.of("scrape_configs:\n  - job_name: a\n    static_configs: []\n"
        + TestStates.tlsConfig("a", "    "), files);
  }

  private List<String> problems(DesiredState state) {
    ValidationException e = assertThrows(ValidationException.class,
        () -> validation().check(state, state.files().keySet()));
    return e.problems();
  }

  @Test
  void acceptsKeysInEveryPemEncodingThatMatchTheirCertificate() {
    for (String key : List.of(EC_BUNDLE.privateKeyPem(), EC_BUNDLE.traditionalKeyPem())) {
      DesiredState state = withCluster(EC_BUNDLE.certificatePem(), key);
      validation().check(state, state.files().keySet());
    }
    for (String key : List.of(RSA_BUNDLE.privateKeyPem(), RSA_BUNDLE.traditionalKeyPem())) {
      DesiredState state = withCluster(RSA_BUNDLE.certificatePem(), key);
      validation().check(state, state.files().keySet());
    }
    assertTrue(EC_BUNDLE.traditionalKeyPem().startsWith("-----BEGIN EC PRIVATE KEY-----"));
    assertTrue(RSA_BUNDLE.traditionalKeyPem().startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    assertTrue(RSA_BUNDLE.privateKeyPem().startsWith("-----BEGIN PRIVATE KEY-----"));
  }

  @Test
  void rejectsAKeyThatBelongsToAnotherCertificate() {
    ThrowawayCa.Issued other = CA.issueClient("other", ThrowawayCa.ecKeyPair());

    assertEquals(List.of("private key \"certs/a-key.pem\" does not match the certificate in "
        + "\"certs/a-crt.pem\""), problems(withCluster(EC_BUNDLE.certificatePem(),
        other.privateKeyPem())));
    assertEquals(List.of("private key \"certs/a-key.pem\" does not match the certificate in "
        + "\"certs/a-crt.pem\""), problems(withCluster(RSA_BUNDLE.certificatePem(),
        Pem.of(ThrowawayCa.rsaKeyPair(2048).getPrivate()))));
    assertEquals(List.of("private key \"certs/a-key.pem\" does not match the certificate in "
        + "\"certs/a-crt.pem\""), problems(withCluster(RSA_BUNDLE.certificatePem(),
        EC_BUNDLE.privateKeyPem())));
  }

  @Test
  void namesTheFileOfEachProblemSoThatOnlyItsClusterIsHeldBack() {
    ThrowawayCa.Issued other = CA.issueClient("other", ThrowawayCa.ecKeyPair());
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    files.putAll(TestStates.certificateFiles("a", EC_BUNDLE));
    files.putAll(TestStates.certificateFiles("b", EC_BUNDLE));
    files.put(TestStates.keyPath("b"), DesiredFile.of(FileKind.PRIVATE_KEY, other.privateKeyPem()));
    files.put(TestStates.certPath("c"), DesiredFile.of(FileKind.CERTIFICATE, "not PEM"));
    DesiredState state = TestStates.of(TestStates.guestClusterConfig(List.of("a", "b")), files);

    InvalidFilesException e = assertThrows(InvalidFilesException.class,
        () -> validation().check(state, state.files().keySet()));

    assertEquals(Map.of(
        "certs/c-crt.pem", List.of("certificate file \"certs/c-crt.pem\" holds no PEM certificate"),
        "certs/b-key.pem", List.of("private key \"certs/b-key.pem\" does not match the "
            + "certificate in \"certs/b-crt.pem\"")), e.problemsByPath());
  }

  @Test
  void findsTheSameProblemsAmongManyClustersOnSeveralThreadsAsOnOne() throws InterruptedException {
    ThrowawayCa.Issued other = CA.issueClient("other", ThrowawayCa.ecKeyPair());
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String id = String.format("c%03d", i);
      ids.add(id);
      files.putAll(TestStates.certificateFiles(id, i % 2 == 0 ? EC_BUNDLE : RSA_BUNDLE));
    }
    files.put(TestStates.keyPath("c017"),
        DesiredFile.of(FileKind.PRIVATE_KEY, other.privateKeyPem()));
    files.put(TestStates.keyPath("c150"), // c150 has the EC certificate
        DesiredFile.of(FileKind.PRIVATE_KEY, RSA_BUNDLE.privateKeyPem()));
    files.put(TestStates.certPath("c090"), DesiredFile.of(FileKind.CERTIFICATE, "not PEM"));
    DesiredState state = TestStates.of(TestStates.guestClusterConfig(ids), files);
    List<String> expected = List.of(
        "certificate file \"certs/c090-crt.pem\" holds no PEM certificate",
        "private key \"certs/c017-key.pem\" does not match the certificate in "
            + "\"certs/c017-crt.pem\"",
        "private key \"certs/c150-key.pem\" does not match the certificate in "
            + "\"certs/c150-crt.pem\"");

    ExecutorService pool =
        Executors.newFixedThreadPool(3);
    try {
      CountDownLatch helped = new CountDownLatch(1);
      Executor recording = task -> pool.execute(() -> {
        helped.countDown();
        task.run();
      });
      LocalValidation parallel = new LocalValidation(out, Optional.empty(),
          LocalValidation.DEFAULT_PROMTOOL_TIMEOUT, new Concurrently(recording, 4));
      LocalValidation sequential = new LocalValidation(out, Optional.empty(),
          LocalValidation.DEFAULT_PROMTOOL_TIMEOUT, new Concurrently(Runnable::run, 1));

      assertEquals(expected, assertThrows(ValidationException.class,
          () -> parallel.check(state, state.files().keySet())).problems());
      assertEquals(expected, assertThrows(ValidationException.class,
          () -> sequential.check(state, state.files().keySet())).problems());
      // a helper that starts after the caller ran out of items (a busy machine) is not waited
      // for by the check, and may start after both checks ended
      assertTrue(helped.await(60, TimeUnit.SECONDS), "no helper thread took part");
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
    }
  }

  @Test
  void rejectsACertificateThatIsNotPem() {
    List<String> problems = problems(withCluster("not a certificate", EC_BUNDLE.privateKeyPem()));

    assertEquals(List.of("certificate file \"certs/a-crt.pem\" holds no PEM certificate"),
        problems);
  }

  @Test
  void rejectsAKeyWhereACertificateBelongs() {
    List<String> problems = problems(withCluster(EC_BUNDLE.privateKeyPem(),
        EC_BUNDLE.privateKeyPem()));

    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("certificate file \"certs/a-crt.pem\" is not valid PEM: "
        + "found a key"), problems.toString());
  }

  @Test
  void rejectsAKeyThatIsNotPemWithoutShowingIt() {
    String garbage = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n"
        + "-----END PRIVATE KEY-----\n";

    List<String> problems = problems(withCluster(EC_BUNDLE.certificatePem(), garbage));

    assertEquals(1, problems.size());
    assertTrue(problems.get(0).startsWith("private key \"certs/a-key.pem\" cannot be read: "),
        problems.get(0));
    assertFalse(problems.get(0).contains("c2VjcmV0"), problems.get(0));
  }

  @Test
  void rejectsAnEmptyKey() {
    assertEquals(List.of("private key \"certs/a-key.pem\" cannot be read: it holds no PEM block"),
        problems(withCluster(EC_BUNDLE.certificatePem(), "")));
  }

  @Test
  void rejectsAKeyWithoutACertificateNextToIt() {
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    files.put("certs/lonely-key.pem",
        DesiredFile.of(FileKind.PRIVATE_KEY, EC_BUNDLE.privateKeyPem()));
    DesiredState state = TestStates.of("{}", files);

    assertEquals(List.of("private key \"certs/lonely-key.pem\" has no certificate file next to it "
        + "(looked for \"certs/lonely-crt.pem\", \"certs/lonely-cert.pem\")"), problems(state));
  }

  @Test
  void rejectsAConfigNamingTlsFilesThatExistNowhere() {
    DesiredState state = TestStates.of("scrape_configs:\n  - job_name: b\n"
        + "    kubernetes_sd_configs:\n      - role: node\n"
        + TestStates.tlsConfig("b", "        "));

    assertEquals(List.of(
        "config \"prometheus.yml\" names ca_file \"certs/b-ca.pem\", which is neither in the "
            + "desired state nor on disk",
        "config \"prometheus.yml\" names cert_file \"certs/b-crt.pem\", which is neither in the "
            + "desired state nor on disk",
        "config \"prometheus.yml\" names key_file \"certs/b-key.pem\", which is neither in the "
            + "desired state nor on disk"), problems(state));
  }

  @Test
  void readsEachTlsFileReferenceOnItsOwnLineWhateverItsQuotingOrComment() {
    DesiredState state = TestStates.of("scrape_configs:\n  - job_name: b\n"
        + "    tls_config:\n"
        + "      ca_file: 'certs/single-ca.pem' # the CA\n"
        + "      cert_file: \"certs/double-crt.pem\"\n"
        + "      not_a_file: certs/ignored.pem\n"
        + "    oauth2:\n      client_secret_file: certs/other-key.pem\n"
        + "    authorization:\n      credentials_file: ''\n"
        + "    basic_auth:\n      - key_file: certs/listed-key.pem\n"
        + "  - job_name: c\n    tls_config:\n      ca_file: certs/single-ca.pem\n"
        + "      key_file: certs/last-key.pem");

    assertEquals(List.of(
        "config \"prometheus.yml\" names ca_file \"certs/single-ca.pem\", which is neither in the "
            + "desired state nor on disk",
        "config \"prometheus.yml\" names cert_file \"certs/double-crt.pem\", which is neither in "
            + "the desired state nor on disk",
        "config \"prometheus.yml\" names key_file \"certs/last-key.pem\", which is neither in the "
            + "desired state nor on disk",
        "config \"prometheus.yml\" names key_file \"certs/listed-key.pem\", which is neither in "
            + "the desired state nor on disk"), problems(state));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 11, 29})
  void readsAConfigLargerThanOnePieceOfTextWholeFindingEveryMissingFile(int padding) {
    // more than TextPieces.PIECE bytes: the config is read in several pieces of whole lines;
    // every reference names a missing file, so a line split or lost between pieces shows (the
    // padding moves where the pieces would fall if cut anywhere but at a line's end)
    StringBuilder config = new StringBuilder("#" + " ".repeat(padding) + "\nscrape_configs:\n");
    Set<String> expected = new TreeSet<>();
    int jobs = 6_000;
    for (int i = 0; i < jobs; i++) {
      String id = "c" + i;
      config.append("  - job_name: ").append(id).append("\n")
          .append(TestStates.tlsConfig(id, "    "));
      for (String reference : List.of("ca_file \"" + TestStates.caPath(id),
          "cert_file \"" + TestStates.certPath(id), "key_file \"" + TestStates.keyPath(id))) {
        expected.add("config \"prometheus.yml\" names " + reference
            + "\", which is neither in the desired state nor on disk");
      }
    }
    assertTrue(config.length() > 3 * TextPieces.PIECE, "several pieces: " + config.length());
    DesiredState state = TestStates.of(config.toString());

    ValidationException e = assertThrows(ValidationException.class,
        () -> validation().check(state, List.of("prometheus.yml")));

    assertEquals(List.copyOf(expected), e.problems());
  }

  @Test
  void acceptsTlsFilesThatTheUserPutThereOrThatAreAbsolute() throws IOException {
    Files.createDirectories(out.resolve("certs"));
    Files.writeString(out.resolve("certs/b-ca.pem"), "user's");
    Path absolute = Files.writeString(out.resolve("abs-crt.pem"), "user's");
    DesiredState state = TestStates.of("scrape_configs:\n  - job_name: b\n"
        + "    tls_config:\n      ca_file: 'certs/b-ca.pem'\n"
        + "      cert_file: \"" + absolute + "\"\n");

    validation().check(state, state.files().keySet());
  }

  /**
   * A reference is resolved against the folder of the file that names it, as Prometheus does,
   * whatever its form: plain, with {@code .}, {@code ..} or doubled slashes; one that leaves the
   * output folder, or names a file only as seen from another folder, is missing.
   */
  @Test
  void resolvesEachReferenceAgainstTheFolderOfTheFileThatNamesIt() {
    SortedMap<String, DesiredFile> files = new TreeMap<>(
        TestStates.certificateFiles("a", EC_BUNDLE));
    files.put("scrape_configs/local-ca.pem", DesiredFile.of(FileKind.CERTIFICATE,
        CA.certificatePem()));
    files.put("scrape_configs/a.yml", DesiredFile.of(FileKind.SCRAPE_CONFIG,
        "scrape_configs:\n  - job_name: a\n    tls_config:\n"
            + "      ca_file: local-ca.pem\n"
            + "      cert_file: ../certs/a-crt.pem\n"
            + "      key_file: certs/a-key.pem\n"
            + "  - job_name: b\n    tls_config:\n"
            + "      ca_file: ./local-ca.pem\n"
            + "      cert_file: ../../certs/a-crt.pem\n"));
    DesiredState state = TestStates.of("scrape_configs:\n  - job_name: c\n    tls_config:\n"
        + "      ca_file: certs/a-ca.pem\n"
        + "      cert_file: ./certs//a-crt.pem\n"
        + "      key_file: scrape_configs/../certs/a-key.pem\n"
        + "  - job_name: d\n    tls_config:\n"
        + "      ca_file: local-ca.pem\n", files);

    assertEquals(List.of(
        "config \"prometheus.yml\" names ca_file \"local-ca.pem\", which is neither in the "
            + "desired state nor on disk",
        "config \"scrape_configs/a.yml\" names cert_file \"../../certs/a-crt.pem\", which is "
            + "neither in the desired state nor on disk",
        "config \"scrape_configs/a.yml\" names key_file \"certs/a-key.pem\", which is neither "
            + "in the desired state nor on disk"),
        problems(state).stream().filter(problem -> problem.startsWith("config ")).toList());
  }

  @Test
  void tellsPlainRelativePathsFromThoseThatNeedResolving() {
    for (String plain : List.of("a.pem", "certs/a.pem", ".hidden", "..x/y", "a/...")) {
      assertTrue(ReferencedFiles.isPlainRelative(plain), plain);
    }
    for (String other : List.of("", "/abs.pem", "./a", "a/./b", "a/../b", "../a", "a//b", "a/",
        ".", "..", "a\\b")) {
      assertFalse(ReferencedFiles.isPlainRelative(other), other);
    }
  }

  @Test
  void checksOnlyTheChangedFiles() {
    DesiredState state = withCluster("broken", "broken");

    validation().check(state, List.of());
    validation().check(state, List.of(TestStates.CONFIG));
  }

  @Test
  void checksTheKeyAgainstAChangedCertificate() {
    ThrowawayCa.Issued other = CA.issueClient("other", ThrowawayCa.ecKeyPair());
    DesiredState state = withCluster(other.certificatePem(), EC_BUNDLE.privateKeyPem());

    ValidationException e = assertThrows(ValidationException.class,
        () -> validation().check(state, List.of(TestStates.certPath("a"))));
    assertTrue(e.getMessage().contains("does not match"), e.getMessage());
  }

  @Test
  void pairsKeysWithCertificatesByName() {
    assertEquals(List.of("a/x-crt.pem", "a/x-cert.pem"),
        KeyPairs.certificatePathsFor("a/x-key.pem"));
    assertEquals(List.of("x.crt"), KeyPairs.certificatePathsFor("x.key"));
    assertEquals(List.of("crt.pem", "cert.pem"), KeyPairs.certificatePathsFor("key.pem"));
  }
}
