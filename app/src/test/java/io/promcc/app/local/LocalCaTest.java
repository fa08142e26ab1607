package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.FileModes;
import io.promcc.core.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local CA's state folder, issuing, renewal and failures, restarts (a folder become
 * read-only, a validity lowered) and its own end, on an injected clock.
 */
class LocalCaTest {
  private static final Duration VALIDITY = Duration.ofDays(30);

  @TempDir Path temp;

  private final MutableClock clock = MutableClock.startingNow();
  private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
  private final SourceErrors errors = (source, message) -> reports.add(source + ": " + message);
  private final List<LocalCa> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(LocalCa::close);
  }

  private Path state() {
    return temp.resolve("state");
  }

  private LocalCa ca(Path folder, Duration validity) {
    LocalCa ca = new LocalCa(folder, validity, clock, errors);
    opened.add(ca);
    return ca;
  }

  private LocalCa started() {
    LocalCa ca = ca(state(), VALIDITY);
    ca.start();
    return ca;
  }

  private static CertificateObservation observe(LocalCa ca, String... ids) {
    return ca.observe(Arrays.stream(ids)
        .map(id -> GuestCluster.of(id, "aws", "https://" + id + ".example")).toList());
  }

  private static CertificateBundle bundle(CertificateObservation seen, String id) {
    CertificateBundle bundle = seen.bundles().get(ClusterId.of(id));
    if (bundle == null) {
      throw new AssertionError("no bundle for " + id + ": " + seen.problems());
    }
    return bundle;
  }

  private static Rejection problem(CertificateObservation seen, String id) {
    Rejection problem = seen.problems().get(ClusterId.of(id));
    if (problem == null) {
      throw new AssertionError("no problem for " + id);
    }
    return problem;
  }

  private static Instant renewalOf(CertificateBundle bundle) {
    X509Certificate certificate = CertificateBundle.parseCertificate(bundle.certificatePem(), "c");
    Instant notBefore = certificate.getNotBefore().toInstant();
    return notBefore.plus(Duration.between(notBefore, bundle.notAfter()).multipliedBy(2)
        .dividedBy(3));
  }

  /** The base64 lines of every private key in the state folder, to look for in messages. */
  private List<String> keyLines() throws IOException {
    List<String> lines = new ArrayList<>();
    try (var files = Files.walk(state())) {
      for (Path file : files.filter(f -> f.toString().endsWith("key.pem")).toList()) {
        Files.readAllLines(file).stream().filter(l -> !l.startsWith("-----")).forEach(lines::add);
      }
    }
    return lines;
  }

  @Test
  void createsACaInAFreshStateFolderWithPrivateModes() throws Exception {
    LocalCa ca = started();

    assertEquals("rwx------", FileModes.of(state()));
    assertEquals("rw-r--r--", FileModes.of(state().resolve("ca.pem")));
    assertEquals("rw-------", FileModes.of(state().resolve("ca-key.pem")));
    X509Certificate certificate = CertificateBundle.parseCertificate(ca.caPem(), "ca");
    assertEquals(ca.caPem(), Files.readString(state().resolve("ca.pem")));
    assertEquals("CN=promcc local CA", certificate.getSubjectX500Principal().getName());
    assertTrue(certificate.getBasicConstraints() >= 0, "a CA certificate");
    certificate.verify(certificate.getPublicKey());
    assertEquals(256, ((ECPublicKey) certificate.getPublicKey()).getParams().getCurve()
        .getField().getFieldSize());
    assertEquals(clock.instant().plus(Duration.ofDays(3650)),
        certificate.getNotAfter().toInstant());
    assertTrue(ca.awaitSynced(Duration.ZERO));
  }

  @Test
  void aRestartLoadsTheCaItFinds() throws Exception {
    String first = started().caPem();

    LocalCa again = ca(state(), VALIDITY);
    again.start();

    assertEquals(first, again.caPem());
  }

  @Test
  void aKeyThatDoesNotMatchTheCaCertificateIsAClearError() throws Exception {
    started();
    LocalCa other = ca(temp.resolve("other"), VALIDITY);
    other.start();
    Files.copy(temp.resolve("other/ca-key.pem"), state().resolve("ca-key.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    LocalCa ca = ca(state(), VALIDITY);

    LocalCaException e = assertThrows(LocalCaException.class, ca::start);

    assertEquals("local CA key \"" + state().resolve("ca-key.pem") + "\" does not match the "
        + "certificate \"" + state().resolve("ca.pem") + "\"; restore the right key, or move "
        + "both away to create a new local CA", e.getMessage());
    for (String line : keyLines()) {
      assertFalse(e.getMessage().contains(line));
    }
    assertFalse(ca.awaitSynced(Duration.ofSeconds(30)));
    Rejection problem = problem(observe(ca, "alpha"), "alpha");
    assertEquals("source-not-ready", problem.reason());
    assertEquals(e.getMessage(), problem.message());
  }

  @Test
  void aCaCertificateWithoutItsKeyIsAClearError() throws Exception {
    started();
    Files.delete(state().resolve("ca-key.pem"));

    LocalCaException e = assertThrows(LocalCaException.class, ca(state(), VALIDITY)::start);

    assertTrue(e.getMessage().startsWith("local CA key \"" + state().resolve("ca-key.pem")
        + "\" does not exist, but its certificate"), e.getMessage());
  }

  @Test
  void unreadableOrDamagedCaFilesAreClearErrors() throws Exception {
    started();
    Path key = state().resolve("ca-key.pem");
    String goodKey = Files.readString(key);
    Files.delete(key);
    Files.createDirectory(key);
    LocalCaException unreadable = assertThrows(LocalCaException.class,
        ca(state(), VALIDITY)::start);
    assertTrue(unreadable.getMessage().startsWith("local CA key \"" + key + "\" cannot be read"),
        unreadable.getMessage());

    Files.delete(key);
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    LocalCaException damagedKey = assertThrows(LocalCaException.class,
        ca(state(), VALIDITY)::start);
    assertEquals("local CA key \"" + key + "\" is not a PEM private key",
        damagedKey.getMessage());

    Files.writeString(key, goodKey);
    Files.writeString(state().resolve("ca.pem"), "garbage");
    LocalCaException damagedCertificate = assertThrows(LocalCaException.class,
        ca(state(), VALIDITY)::start);
    assertTrue(damagedCertificate.getMessage().contains("is not a PEM certificate"),
        damagedCertificate.getMessage());
  }

  @Test
  void aKeyLeftWithoutItsCertificateByACrashIsReplacedByANewCa() throws Exception {
    String first = started().caPem();
    Files.delete(state().resolve("ca.pem"));

    LocalCa ca = ca(state(), VALIDITY);
    ca.start();

    assertNotEquals(first, ca.caPem());
  }

  @Test
  void aStateFolderThatCannotBeMadeIsAClearError() throws Exception {
    Files.writeString(state(), "a file");

    LocalCaException e = assertThrows(LocalCaException.class, ca(state(), VALIDITY)::start);

    assertTrue(e.getMessage().startsWith("local CA state folder \"" + state()
        + "\" cannot be created"), e.getMessage());
  }

  @Test
  void aClusterIdTooLongForTheUsualCommonNameGetsItsCertificateNamedByTheIdAlone()
      throws Exception {
    LocalCa ca = started();
    String longest = "a".repeat(ClusterId.MAX_LENGTH); // "prometheus." and it exceed 64
    String fits = "b".repeat(64 - "prometheus.".length());

    CertificateObservation seen = observe(ca, longest, fits);

    assertEquals(Map.of(), seen.problems());
    assertEquals("CN=" + longest, CertificateBundle.parseCertificate(
        bundle(seen, longest).certificatePem(), "c").getSubjectX500Principal().getName());
    assertEquals("CN=prometheus." + fits, CertificateBundle.parseCertificate(
        bundle(seen, fits).certificatePem(), "c").getSubjectX500Principal().getName());
  }

  @Test
  void issuesAClientCertificatePerClusterAndStoresItPrivately() throws Exception {
    LocalCa ca = started();

    CertificateObservation seen = observe(ca, "alpha", "beta");

    CertificateBundle alpha = bundle(seen, "alpha");
    X509Certificate certificate = CertificateBundle.parseCertificate(alpha.certificatePem(), "c");
    X509Certificate caCertificate = CertificateBundle.parseCertificate(ca.caPem(), "ca");
    assertEquals("CN=prometheus.alpha", certificate.getSubjectX500Principal().getName());
    assertEquals(List.of("1.3.6.1.5.5.7.3.2"), certificate.getExtendedKeyUsage(), "clientAuth");
    assertEquals(-1, certificate.getBasicConstraints(), "not a CA");
    certificate.verify(caCertificate.getPublicKey());
    assertEquals(256, ((ECPublicKey) certificate.getPublicKey()).getParams().getCurve()
        .getField().getFieldSize());
    assertTrue(Pki.matches(Pki.parsePrivateKey(alpha.privateKeyPem()),
        certificate.getPublicKey()));
    assertEquals(clock.instant().plus(VALIDITY), alpha.notAfter());
    assertEquals(ca.caPem(), alpha.caPem());
    assertEquals(CertificateBundle.formatSerial(certificate.getSerialNumber()), alpha.serial());
    assertNotEquals(alpha.serial(), bundle(seen, "beta").serial());
    assertEquals("rwx------", FileModes.of(state().resolve("clients")));
    assertEquals("rw-------", FileModes.of(state().resolve("clients/alpha-crt.pem")));
    assertEquals("rw-------", FileModes.of(state().resolve("clients/alpha-key.pem")));
    assertEquals(alpha.certificatePem(), Files.readString(state().resolve("clients/alpha-crt.pem")));
    assertEquals(alpha.privateKeyPem().reveal(),
        Files.readString(state().resolve("clients/alpha-key.pem")));
    assertTrue(seen.problems().isEmpty());
    assertEquals(List.of(), reports);
  }

  @Test
  void aCertificateIsKeptUntilTwoThirdsOfItsLifetimeThenRenewed() throws Exception {
    LocalCa ca = started();
    CertificateBundle first = bundle(observe(ca, "alpha"), "alpha");
    Instant renewAt = renewalOf(first);
    assertEquals(Optional.of(renewAt), observe(ca, "alpha").nextAttention());

    clock.set(renewAt.minusSeconds(1));
    assertEquals(first, bundle(observe(ca, "alpha"), "alpha"));

    clock.set(renewAt);
    CertificateObservation renewed = observe(ca, "alpha");
    CertificateBundle second = bundle(renewed, "alpha");

    assertNotEquals(first.serial(), second.serial());
    assertEquals(renewAt.plus(VALIDITY), second.notAfter());
    assertEquals(Optional.of(renewalOf(second)), renewed.nextAttention());
    assertEquals(second.certificatePem(),
        Files.readString(state().resolve("clients/alpha-crt.pem")));
  }

  @Test
  void theNextAttentionIsTheEarliestRenewal() throws Exception {
    LocalCa ca = started();
    CertificateBundle alpha = bundle(observe(ca, "alpha"), "alpha");
    clock.advance(Duration.ofDays(5));

    CertificateObservation seen = observe(ca, "alpha", "beta");

    assertTrue(renewalOf(alpha).isBefore(renewalOf(bundle(seen, "beta"))));
    assertEquals(Optional.of(renewalOf(alpha)), seen.nextAttention());
  }

  @Test
  void aRestartReusesStoredCertificatesInsteadOfIssuingNewOnes() throws Exception {
    LocalCa first = started();
    CertificateBundle before = bundle(observe(first, "alpha"), "alpha");
    first.close();
    clock.advance(Duration.ofDays(1));

    LocalCa again = ca(state(), VALIDITY);
    again.start();
    CertificateObservation seen = observe(again, "alpha");

    assertEquals(before, bundle(seen, "alpha"));
    assertEquals(Optional.of(renewalOf(before)), seen.nextAttention());
    assertEquals(List.of(), reports);
  }

  @Test
  void aStoredCertificatePastItsRenewalIsRenewedAfterARestart() throws Exception {
    LocalCa first = started();
    CertificateBundle before = bundle(observe(first, "alpha"), "alpha");
    first.close();
    clock.set(renewalOf(before).plusSeconds(60));

    LocalCa again = ca(state(), VALIDITY);
    again.start();

    assertNotEquals(before.serial(), bundle(observe(again, "alpha"), "alpha").serial());
  }

  @Test
  void clustersNoLongerObservedAreForgottenAndTheirFilesDeleted() throws Exception {
    LocalCa ca = started();
    observe(ca, "alpha", "beta");
    assertTrue(Files.exists(state().resolve("clients/beta-key.pem")));

    observe(ca, "alpha");

    assertFalse(Files.exists(state().resolve("clients/beta-crt.pem")));
    assertFalse(Files.exists(state().resolve("clients/beta-key.pem")));
    assertTrue(Files.exists(state().resolve("clients/alpha-key.pem")));
  }

  @Test
  void filesOfClustersThatWentWhileStoppedAreDeletedOnTheFirstObserve() throws Exception {
    LocalCa first = started();
    observe(first, "alpha", "beta");
    first.close();
    Path unrelated = Files.writeString(state().resolve("clients/README"), "kept");
    Path crashLeftover = Files.writeString(state().resolve("clients/.tmp-gamma-key.pem-0a"), "x");

    LocalCa again = ca(state(), VALIDITY);
    again.start();
    observe(again, "alpha");

    assertFalse(Files.exists(state().resolve("clients/beta-crt.pem")));
    assertFalse(Files.exists(state().resolve("clients/beta-key.pem")));
    assertFalse(Files.exists(crashLeftover));
    assertTrue(Files.exists(unrelated));
    assertTrue(Files.exists(state().resolve("clients/alpha-crt.pem")));
  }

  @Test
  void damagedOrForeignStoredCertificatesAreReplacedAndReported() throws Exception {
    LocalCa first = started();
    CertificateBundle alpha = bundle(observe(first, "alpha", "beta", "gamma"), "alpha");
    first.close();
    Files.writeString(state().resolve("clients/alpha-crt.pem"), "garbage");
    Files.copy(state().resolve("clients/gamma-key.pem"), state().resolve("clients/beta-key.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.delete(state().resolve("clients/gamma-key.pem")); // half a pair

    LocalCa again = ca(state(), VALIDITY);
    again.start();
    CertificateObservation seen = observe(again, "alpha", "beta", "gamma");

    assertEquals(3, seen.bundles().size(), seen.problems().toString());
    assertNotEquals(alpha.serial(), bundle(seen, "alpha").serial());
    assertEquals(3, reports.size(), reports.toString());
    assertTrue(reports.get(0).contains("alpha-crt.pem\" is not usable"), reports.get(0));
    assertTrue(reports.get(1).contains("beta-crt.pem\" is not usable (its key does not match"),
        reports.get(1));
    assertTrue(reports.get(2).contains("gamma"), reports.get(2));
    for (String report : reports) {
      for (String line : keyLines()) {
        assertFalse(report.contains(line), report);
      }
    }
  }

  @Test
  void certificatesOfAnotherCaAreReplacedWhenTheCaWasMadeAnew() throws Exception {
    LocalCa first = started();
    CertificateBundle before = bundle(observe(first, "alpha"), "alpha");
    first.close();
    Files.delete(state().resolve("ca.pem"));
    Files.delete(state().resolve("ca-key.pem"));

    LocalCa again = ca(state(), VALIDITY);
    again.start();
    CertificateBundle after = bundle(observe(again, "alpha"), "alpha");

    assertNotEquals(before.serial(), after.serial());
    assertEquals(again.caPem(), after.caPem());
    assertTrue(reports.get(0).contains("not signed by this local CA"), reports.toString());
  }

  @Test
  void aFailureToIssueIsAProblemReportedOnceAndTriedAgainLater() throws Exception {
    LocalCa ca = started();
    Path clients = state().resolve("clients");
    Files.writeString(clients, "not a folder");

    CertificateObservation seen = observe(ca, "alpha", "beta");
    observe(ca, "alpha", "beta");

    for (String id : List.of("alpha", "beta")) {
      assertEquals("local-ca-failed", problem(seen, id).reason());
      assertTrue(problem(seen, id).message().startsWith("cannot create the client certificate "
          + "folder of the local CA in \"" + state() + "\""), problem(seen, id).message());
    }
    assertEquals(Optional.of(clock.instant().plus(LocalCa.RETRY_AFTER)), seen.nextAttention());
    assertEquals(1, reports.size(), reports.toString());
    assertTrue(reports.get(0).startsWith("local-ca: cannot create"), reports.get(0));

    Files.delete(clients);
    assertEquals("local-ca-failed", problem(observe(ca, "alpha"), "alpha").reason(),
        "not tried again before the retry time");
    clock.advance(LocalCa.RETRY_AFTER);
    assertEquals(1, observe(ca, "alpha").bundles().size());
  }

  /**
   * The still-valid certificate is served and the failure is the cluster's problem too, as for a
   * Vault certificate whose renewal fails: core shows the cluster degraded.
   */
  @Test
  void aStillValidCertificateIsKeptWhileItsRenewalFails() throws Exception {
    LocalCa ca = started();
    CertificateBundle first = bundle(observe(ca, "alpha"), "alpha");
    Path key = state().resolve("clients/alpha-key.pem");
    Files.delete(key);
    Files.createDirectories(key.resolve("in-the-way")); // the renewed key cannot be written
    clock.set(renewalOf(first));

    CertificateObservation seen = observe(ca, "alpha");

    assertEquals(first, bundle(seen, "alpha"));
    Rejection problem = seen.problems().get(ClusterId.of("alpha"));
    assertTrue(problem != null, "a renewal that fails is no problem of the cluster: it shows as "
        + "active until its certificate ends; problems " + seen.problems());
    assertEquals(LocalCa.FAILED, problem.reason());
    assertEquals(Optional.of(clock.instant().plus(LocalCa.RETRY_AFTER)), seen.nextAttention());
    assertEquals(1, reports.size(), reports.toString());
    assertTrue(reports.get(0).startsWith("local-ca: cannot issue a client certificate for "
        + "cluster \"alpha\""), reports.get(0));
  }

  @Test
  void clientCertificatesNeverOutliveTheCa() throws Exception {
    LocalCa ca = ca(state(), Duration.ofDays(4000));
    ca.start();

    CertificateBundle alpha = bundle(observe(ca, "alpha"), "alpha");

    assertEquals(CertificateBundle.parseCertificate(ca.caPem(), "ca").getNotAfter().toInstant(),
        alpha.notAfter());
  }

  @Test
  void beforeStartAndAfterCloseEveryClusterIsNotReady() throws Exception {
    LocalCa ca = ca(state(), VALIDITY);
    assertEquals("source-not-ready", problem(observe(ca, "alpha"), "alpha").reason());
    assertFalse(ca.awaitSynced(Duration.ZERO));
    assertThrows(IllegalStateException.class, ca::caPem);

    ca.start();
    ca.start();
    assertEquals(1, observe(ca, "alpha").bundles().size());
    ca.close();
    ca.close();

    Rejection closed = problem(observe(ca, "alpha"), "alpha");
    assertEquals("source-not-ready", closed.reason());
    assertTrue(closed.message().endsWith("is closed"), closed.message());
    assertThrows(IllegalStateException.class, ca::start);
  }

  @Test
  void twoCasStartingTogetherOnAFreshFolderAgreeOnOne() throws Exception {
    LocalCa one = ca(state(), VALIDITY);
    LocalCa two = ca(state(), VALIDITY);

    var first = java.util.concurrent.CompletableFuture.runAsync(one::start);
    var second = java.util.concurrent.CompletableFuture.runAsync(two::start);
    first.get(30, java.util.concurrent.TimeUnit.SECONDS);
    second.get(30, java.util.concurrent.TimeUnit.SECONDS);

    assertEquals(one.caPem(), two.caPem());
  }

  @Test
  void aServerCertificateNamesItsHostsAndIpsForServerAuthentication() throws Exception {
    LocalCa ca = started();

    ServerCertificate server = ca.issueServerCertificate(
        List.of("api.alpha.example", "localhost", "127.0.0.1", "::1"), Duration.ofDays(1));

    X509Certificate certificate = CertificateBundle.parseCertificate(server.certificatePem(), "s");
    certificate.verify(CertificateBundle.parseCertificate(ca.caPem(), "ca").getPublicKey());
    assertEquals("CN=api.alpha.example", certificate.getSubjectX500Principal().getName());
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), certificate.getExtendedKeyUsage(), "serverAuth");
    List<String> names = certificate.getSubjectAlternativeNames().stream()
        .map(n -> n.get(0) + "=" + n.get(1)).toList();
    assertEquals(List.of("2=api.alpha.example", "2=localhost", "7=127.0.0.1",
        "7=0:0:0:0:0:0:0:1"), names);
    assertEquals(clock.instant().plus(Duration.ofDays(1)), server.notAfter());
    assertEquals(ca.caPem(), server.caPem());
    assertTrue(Pki.matches(Pki.parsePrivateKey(server.privateKeyPem()),
        certificate.getPublicKey()));
    assertFalse(server.toString().contains("PRIVATE"), server.toString());
  }

  @Test
  void aServerCertificateNeedsANameAndAPositiveValidity() {
    LocalCa ca = started();

    assertThrows(IllegalArgumentException.class,
        () -> ca.issueServerCertificate(List.of(), Duration.ofDays(1)));
    IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
        () -> ca.issueServerCertificate(List.of("a b"), Duration.ofDays(1)));
    assertEquals("server name must be a DNS name or an IP address, found \"a b\"",
        blank.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ca.issueServerCertificate(List.of("localhost"), Duration.ZERO));
  }

  @Test
  void noPrivateKeyAppearsInToString() throws Exception {
    LocalCa ca = started();
    observe(ca, "alpha");

    for (String line : keyLines()) {
      assertFalse(ca.toString().contains(line));
    }
    assertEquals("LocalCa{" + state() + ", 1 clusters}", ca.toString());
  }

  @Test
  void aClientValidityThatIsNotPositiveIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LocalCa(state(), Duration.ofSeconds(-1), clock, errors));
    assertEquals("client certificate validity must be positive, found \"PT-1S\"", e.getMessage());
  }

  /** A second failure episode, after issuing worked again, is a log line and a count too. */
  @Test
  void theSameFailureAgainAfterARecoveryIsReportedAgain() throws Exception {
    LocalCa ca = started();
    Path clients = state().resolve("clients");
    Files.writeString(clients, "not a folder");
    observe(ca, "alpha");
    assertEquals(1, reports.size(), reports.toString());

    Files.delete(clients);
    clock.advance(LocalCa.RETRY_AFTER);
    bundle(observe(ca, "alpha"), "alpha"); // issuing works again
    for (Path file : List.of(clients.resolve("alpha-crt.pem"), clients.resolve("alpha-key.pem"))) {
      Files.delete(file);
    }
    Files.delete(clients);
    Files.writeString(clients, "not a folder"); // the same failure, a new episode

    CertificateObservation seen = observe(ca, "alpha", "beta");

    assertEquals(LocalCa.FAILED, seen.problems().get(ClusterId.of("beta")).reason());
    assertEquals(2, reports.size(), "the second episode has no log line and no "
        + "promcc_source_errors_total increment: " + reports);
  }

  /** A gone cluster whose files could not be deleted once is not forgotten with its key. */
  @Test
  void filesOfAGoneClusterThatCouldNotBeDeletedAreDeletedLater() throws Exception {
    LocalCa ca = started();
    observe(ca, "alpha", "beta");
    Path certificate = state().resolve("clients/beta-crt.pem");
    Path key = state().resolve("clients/beta-key.pem");
    Files.delete(certificate);
    Files.createDirectories(certificate.resolve("in-the-way")); // cannot be deleted for now

    observe(ca, "alpha"); // beta is gone; deleting its files fails
    assertEquals(1, reports.size(), reports.toString());
    Files.delete(certificate.resolve("in-the-way")); // the obstacle goes
    observe(ca, "alpha");
    clock.advance(Duration.ofDays(1));
    observe(ca, "alpha");

    assertFalse(Files.exists(key), "the private key of gone cluster beta stays in " + key
        + " for good (until a restart)");
  }

  /** Private keys are 0600: a CA key that others can read is refused, or made private. */
  @Test
  void aCaKeyOthersCanReadIsNotUsedAsItIs() throws Exception {
    started();
    Files.setPosixFilePermissions(state(), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path key = state().resolve("ca-key.pem");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    reports.clear();

    boolean refused = false;
    try {
      started();
    } catch (LocalCaException e) {
      refused = true;
    }

    assertTrue(refused || "rw-------".equals(FileModes.of(key)) && !reports.isEmpty(),
        "the CA key " + key + " is " + FileModes.of(key) + " in a folder "
            + FileModes.of(state()) + ", loaded silently: refused " + refused + ", reports "
            + reports);
  }

  /** Kubernetes' fsGroup gives a volume's group read and write on every file: still the CA's. */
  @Test
  void aCaKeyItsGroupMayReadIsStillUsed() throws Exception {
    started();
    Path key = state().resolve("ca-key.pem");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw----"));

    started();

    assertEquals("rw-rw----", FileModes.of(key));
  }

  /**
   * Gone clusters whose files cannot be deleted (a read-only state volume, say) are tried again
   * at every observe, but reported once each, not once per observe.
   */
  @Test
  void goneClustersWhoseFilesCannotBeDeletedAreNotReportedAtEveryObserve() throws Exception {
    LocalCa ca = started();
    observe(ca, "alpha", "beta", "gamma");
    for (String gone : List.of("beta", "gamma")) {
      Path certificate = state().resolve("clients/" + gone + "-crt.pem");
      Files.delete(certificate);
      Files.createDirectories(certificate.resolve("in-the-way")); // cannot be deleted
    }
    reports.clear();

    for (int i = 0; i < 10; i++) {
      observe(ca, "alpha");
    }

    assertTrue(reports.size() <= 2, reports.size() + " reports of the same two failures in 10 "
        + "observes: " + reports.subList(0, Math.min(4, reports.size())));
  }

  /**
   * A CA key that is a link to a private (0600) file: its mode is the file's, not the link's own
   * (rwxrwxrwx on Linux), which no chmod changes.
   */
  @Test
  void aCaKeyLinkedToAPrivateFileIsNotRefusedAsReadableByOthers() throws Exception {
    started();
    Path key = state().resolve("ca-key.pem");
    Path secrets = Files.createDirectories(temp.resolve("secrets"));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
    Path target = secrets.resolve("ca-key.pem");
    Files.move(key, target);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(key, target);

    try {
      started();
    } catch (LocalCaException e) {
      throw new AssertionError("refused: " + e.getMessage(), e);
    }
  }

  /**
   * A problem (here a stored certificate that cannot be used) goes to the SourceErrors, which in
   * the app log it with the source's name and count it: the CA logging it as well printed every
   * problem twice.
   */
  @Test
  void aProblemIsReportedOnceNotAlsoLoggedByTheCa() throws Exception {
    LocalCa first = ca(state(), VALIDITY);
    first.start();
    bundle(observe(first, "alpha"), "alpha");
    first.close();
    Files.writeString(state().resolve("clients").resolve("alpha-crt.pem"), "not a certificate\n");
    List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger(LocalCa.class.getName());
    logger.addHandler(handler);
    try {
      LocalCa again = ca(state(), VALIDITY);
      again.start();
      bundle(observe(again, "alpha"), "alpha");
    } finally {
      logger.removeHandler(handler);
    }

    assertEquals(1, reports.size(), reports.toString());
    assertTrue(reports.get(0).contains("is not usable"), reports.toString());
    assertEquals(List.of(), logged.stream().filter(r -> r.getLevel().intValue()
        >= Level.WARNING.intValue()).map(LogRecord::getMessage).toList());
  }

  /**
   * operations.md: local-ca-failed "(e.g. --state-dir not writable); retried; a cluster whose
   * certificate is still valid keeps it, degraded". At a restart on a state folder that has
   * become read-only (a read-only volume, a full or remounted file system), the CA is not even
   * loaded: opening ca.lock for writing fails, start() throws, and promcc run exits 2 "nothing
   * was started", although the CA and every client certificate could be read and served.
   */
  @Test
  void aRestartOnAReadOnlyStateFolderStillServesTheStoredCertificates() throws Exception {
    LocalCa first = ca(state(), VALIDITY);
    first.start();
    CertificateBundle before = bundle(observe(first, "alpha"), "alpha");
    first.close();

    try (ReadOnly readOnly = ReadOnly.of(state(), state().resolve("ca.lock"),
        state().resolve("clients"))) {
      LocalCa again = ca(state(), VALIDITY);
      try {
        again.start();
      } catch (LocalCaException e) {
        fail("a read-only state folder with a valid CA could not even be loaded: "
            + e.getMessage());
      }
      assertEquals(before, bundle(observe(again, "alpha"), "alpha"));
    }
  }

  /**
   * Near the CA's end a client certificate is cut to the CA's end, and its renewal, two thirds
   * from its back-dated start, can lie before the moment it is issued: every observe (every
   * reconcile, up to four a second) issues and writes a new certificate and key for every cluster.
   */
  @Test
  void aCertificateIssuedNearTheEndOfTheCaIsNotDueAtOnce() throws Exception {
    LocalCa ca = ca(state(), VALIDITY);
    ca.start();
    Instant caEnd = CertificateBundle.parseCertificate(ca.caPem(), "ca").getNotAfter()
        .toInstant();
    clock.set(caEnd.minus(Duration.ofMinutes(2)));

    CertificateObservation issued = observe(ca, "alpha");
    CertificateObservation again = observe(ca, "alpha"); // the same instant

    assertTrue(issued.nextAttention().isPresent());
    assertFalse(issued.nextAttention().get().isBefore(clock.instant()), "the certificate just "
        + "issued is due for renewal at " + issued.nextAttention().get() + ", before now "
        + clock.instant());
    assertEquals(bundle(issued, "alpha").serial(), bundle(again, "alpha").serial(),
        "a second observe at the same instant issued another certificate");
  }

  /**
   * --certificate-validity "how long a client certificate is valid". Lowered at a restart (720h
   * to 2h), the stored 30-day certificates are served for 20 more days.
   */
  @Test
  void aLowerCertificateValidityAfterARestartIsHonoured() throws Exception {
    LocalCa first = ca(state(), VALIDITY);
    first.start();
    bundle(observe(first, "alpha"), "alpha");
    first.close();

    LocalCa again = ca(state(), Duration.ofHours(2));
    again.start();
    CertificateBundle served = bundle(observe(again, "alpha"), "alpha");

    assertFalse(served.notAfter().isAfter(clock.instant().plus(Duration.ofHours(2))),
        "served a certificate valid until " + served.notAfter() + " with a validity of 2h");
  }

  /**
   * operations.md, local-ca-failed: "a cluster whose certificate is still valid keeps it,
   * degraded (also after a restart: a CA already in a folder that cannot be written is loaded,
   * and the stored certificates served)". With --certificate-validity lowered at that restart
   * (720h to 2h) the stored, still valid 30-day certificate is due for replacement; issuing
   * fails on the read-only folder, and the cluster keeps the valid one, degraded, instead of
   * having none (waiting, its jobs removed).
   */
  @Test
  void aLoweredValidityOnAReadOnlyFolderKeepsServingTheStillValidCertificate() throws Exception {
    LocalCa first = ca(state(), VALIDITY);
    first.start();
    CertificateBundle before = observe(first, "alpha").bundles().get(ClusterId.of("alpha"));
    assertNotNull(before);
    first.close();

    try (ReadOnly readOnly = ReadOnly.of(state(), state().resolve("ca.lock"),
        state().resolve("clients"))) {
      LocalCa again = ca(state(), Duration.ofHours(2));
      again.start();
      CertificateObservation seen = observe(again, "alpha");
      assertEquals(before, seen.bundles().get(ClusterId.of("alpha")), "a still valid stored "
          + "certificate (until " + before.notAfter() + ") was dropped when issuing its "
          + "replacement failed: the cluster has none; problems " + seen.problems());
    }
  }

  /**
   * The class comment of LocalCa: a failure (the state folder not writable) is "reported once to
   * SourceErrors" (promcc_source_errors_total{source="local-ca"}). A restart on a state folder
   * that cannot be written is reported at once, not only when the first renewal fails (two
   * thirds of 30 days later).
   */
  @Test
  void aRestartOnAReadOnlyFolderIsReportedToSourceErrors() throws Exception {
    LocalCa first = ca(state(), VALIDITY);
    first.start();
    assertNotNull(observe(first, "alpha").bundles().get(ClusterId.of("alpha")));
    first.close();

    try (ReadOnly readOnly = ReadOnly.of(state(), state().resolve("ca.lock"),
        state().resolve("clients"))) {
      LocalCa again = ca(state(), VALIDITY);
      again.start();
      CertificateObservation seen = observe(again, "alpha");
      assertNotNull(seen.bundles().get(ClusterId.of("alpha")));
      assertFalse(reports.isEmpty(), "the state folder cannot be written (renewals will fail), "
          + "but nothing was reported to SourceErrors (no promcc_source_errors_total); "
          + "problems: " + seen.problems());
    }
  }

  /**
   * Makes paths read-only for this process: by mode when it runs as an ordinary user, by the
   * immutable attribute (chattr +i) when it runs as root, whom modes do not stop.
   */
  private static final class ReadOnly implements AutoCloseable {
    private final List<Path> paths;
    private final boolean immutable;

    private ReadOnly(List<Path> paths, boolean immutable) {
      this.paths = paths;
      this.immutable = immutable;
    }

    static ReadOnly of(Path... paths) throws Exception {
      for (Path path : paths) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
            Files.isDirectory(path) ? "r-x------" : "r--------"));
      }
      if (!Files.isWritable(paths[1])) {
        return new ReadOnly(List.of(paths), false);
      }
      // root: modes do not stop it
      for (Path path : paths) {
        assumeTrue(chattr("+i", path), "chattr +i is not available");
      }
      return new ReadOnly(List.of(paths), true);
    }

    private static boolean chattr(String flag, Path path) throws Exception {
      try {
        Process process = new ProcessBuilder("chattr", flag, path.toString())
            .redirectErrorStream(true).start();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void close() throws Exception {
      for (Path path : paths) {
        if (immutable) {
          chattr("-i", path);
        }
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
            Files.isDirectory(path) ? "rwx------" : "rw-------"));
      }
    }
  }
}
