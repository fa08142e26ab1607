package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.FileModes;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The local CA issuing client certificates: one per cluster, stored privately, renewed at two
 * thirds of its life, reused after a restart, never past the CA; server certificates for the
 * demo; before start and after close, on an injected clock.
 */
class LocalCaTest extends LocalCaFixture {
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
    assertEquals(alpha.certificatePem(),
        Files.readString(state().resolve("clients/alpha-crt.pem")));
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
}
