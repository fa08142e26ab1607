package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.core.testing.Pem;
import io.promcc.vault.fake.FakeCa;
import io.promcc.vault.fake.FakeVault;
import io.promcc.vault.fake.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a certificate from Vault is: sign and issue modes, names, ttl and key types, the
 * namespace and TLS to Vault, and the failures Vault's answers name; renewal, the cache and
 * concurrency are {@link VaultCertificateSourceRenewalTest}'s.
 */
class VaultCertificateSourceTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void signModeReturnsACertificateOfTheClusterCaForTheLocallyMadeKey() throws Exception {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().build());

    CertificateBundle bundle = source.certificateFor(cluster);

    FakeCa ca = vault.pkiMount("pki-alpha");
    X509Certificate certificate = CertificateBundle.parseCertificate(bundle.certificatePem(), "c");
    certificate.verify(ca.keyPair().getPublic()); // throws unless the mount's CA signed it
    PrivateKey key = Pem.privateKey(bundle.privateKeyPem().reveal());
    assertAll(
        () -> assertTrue(Pem.keyMatches(key, certificate), "key does not match certificate"),
        () -> assertEquals("EC", key.getAlgorithm()),
        () -> assertTrue(bundle.privateKeyPem().reveal().startsWith("-----BEGIN PRIVATE KEY-----")),
        () -> assertEquals("CN=prometheus.alpha.k8s.example",
            certificate.getSubjectX500Principal().getName()),
        () -> assertEquals(ca.pem().strip(), bundle.caPem().strip()),
        () -> assertEquals(certificate.getNotAfter().toInstant(), bundle.notAfter()),
        () -> assertEquals(CertificateBundle.formatSerial(certificate.getSerialNumber()),
            bundle.serial()));

    assertEquals(List.of("token login", "issued alpha"), fixture.listener.events);

    List<RecordedRequest> signs = vault.requests().stream()
        .filter(r -> r.path().equals("pki-alpha/sign/role-alpha")).toList();
    assertEquals(1, signs.size());
    assertEquals("POST", signs.get(0).method());
    assertTrue(signs.get(0).hadToken());
    assertTrue(signs.get(0).body().contains("CERTIFICATE REQUEST"));
    for (RecordedRequest request : vault.requests()) {
      assertFalse(request.body().contains("PRIVATE KEY"), "a private key left the process");
    }
  }

  @Test
  void signModeWithRsaMakesAnRsaKey() throws Exception {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    vault.pkiRole("pki-alpha", "role-alpha").keyType("rsa"); // an operator who wants RSA
    VaultCertificateSource source = fixture.source(
        fixture.settings().keyAlgorithm(KeyAlgorithm.RSA_2048).build());

    CertificateBundle bundle = source.certificateFor(cluster);

    PrivateKey key = Pem.privateKey(bundle.privateKeyPem().reveal());
    X509Certificate certificate = CertificateBundle.parseCertificate(bundle.certificatePem(), "c");
    assertEquals("RSA", key.getAlgorithm());
    assertTrue(Pem.keyMatches(key, certificate));
    certificate.verify(vault.pkiMount("pki-alpha").keyPair().getPublic());
  }

  @Test
  void issueModeReturnsTheKeyVaultMadeWithItsCertificate() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("ec-one", "rsa-one");
    vault.pkiRole("pki-rsa-one", "role-rsa-one").keyType("rsa");
    VaultCertificateSource source = fixture.source(fixture.settings().mode(IssueMode.ISSUE)
        .altNameTemplates(List.of("{cluster}.prometheus.k8s.example")).build());

    for (GuestCluster cluster : clusters) {
      CertificateBundle bundle = source.certificateFor(cluster);
      X509Certificate certificate =
          CertificateBundle.parseCertificate(bundle.certificatePem(), "c");
      certificate.verify(vault.pkiMount("pki-" + cluster.id()).keyPair().getPublic());
      PrivateKey key = Pem.privateKey(bundle.privateKeyPem().reveal());
      assertTrue(Pem.keyMatches(key, certificate), "key does not match for " + cluster.id());
      assertTrue(certificate.getSubjectAlternativeNames().stream()
          .anyMatch(n -> n.get(1).equals(cluster.id() + ".prometheus.k8s.example")));
    }
    assertEquals(1, vault.requestCount("pki-ec-one/issue/role-ec-one"));
    assertEquals(1, vault.requestCount("pki-rsa-one/issue/role-rsa-one"));
  }

  @Test
  void issueModeRefusesAKeyThatIsNotTheCertificatesAsSignModeDoes() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().mode(IssueMode.ISSUE)
        .build());
    String otherKey = KeyMaterial.generate(KeyAlgorithm.EC_P256, new java.security.SecureRandom())
        .privateKeyPem().reveal();
    // a proxy or another Vault version answers with a key that is not the certificate's
    vault.rewriteNext("pki-alpha/issue/", 1,
        answer -> answer.get("data").asObject().set("private_key", otherKey));

    CertificateObservation observed = source.observe(List.of(alpha));

    assertFalse(observed.bundles().containsKey(alpha.id()), "the mismatched key was served");
    Rejection problem = observed.problems().get(alpha.id());
    assertEquals("vault-invalid-response", problem.reason());
    assertTrue(problem.message().contains("the private key is not the certificate's"),
        problem.message());
    assertFalse(problem.message().contains("PRIVATE KEY"), "no key in the message");
  }

  /**
   * The name is checked as the key is: a certificate for another common name is not the
   * cluster's.
   */
  @Test
  void aSignedCertificateForAnotherCommonNameIsAnInvalidResponse() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    FakeCa ca = vault.pkiMount("pki-alpha");
    // a Vault (or a proxy) that answers with a certificate for the CSR's key but another name
    vault.rewriteNext("pki-alpha/sign/", 1, answer -> {
      X509Certificate signed = CertificateBundle.parseCertificate(
          answer.get("data").asObject().get("certificate").asString(), "certificate");
      X509Certificate other = ca.issue(signed.getPublicKey(), "prometheus.beta.k8s.example",
          List.of("prometheus.beta.k8s.example"), List.of(),
          signed.getNotBefore().toInstant(), signed.getNotAfter().toInstant());
      answer.get("data").asObject().set("certificate", FakeCa.pem(other));
    });
    VaultCertificateSource source = fixture.source(fixture.settings().build());

    CertificateObservation observed = source.observe(List.of(alpha));

    assertFalse(observed.bundles().containsKey(alpha.id()),
        "a certificate for prometheus.beta.k8s.example was served for cluster alpha");
    Rejection problem = observed.problems().get(alpha.id());
    assertEquals("vault-invalid-response", problem.reason());
    assertTrue(problem.message().contains("prometheus.beta.k8s.example"), problem.message());
  }

  @Test
  void requestedTtlIsHonouredAndCappedAtTheRolesMaxTtl() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("short", "long");
    vault.pkiRole("pki-short", "role-short").maxTtl(Duration.ofHours(1));
    VaultCertificateSource source =
        fixture.source(fixture.settings().ttl(Duration.ofHours(24)).build());

    Instant now = fixture.clock.instant();
    assertEquals(now.plus(Duration.ofHours(1)), source.certificateFor(clusters.get(0)).notAfter());
    assertEquals(now.plus(Duration.ofHours(24)), source.certificateFor(clusters.get(1)).notAfter());
  }

  @Test
  void signModeAgainstARoleWithTheDefaultKeyTypeIsRefusedWithItsReason() {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    vault.pkiRole("pki-alpha", "role-alpha").keyType("rsa"); // Vault's default key_type
    VaultCertificateSource source = fixture.source(fixture.settings().build());

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(cluster));
    assertEquals("vault-key-type-refused", e.reason());
    assertTrue(e.getMessage().contains("POST pki-alpha/sign/role-alpha with status 400 "
        + "(vault-key-type-refused): \"role requires keys of type rsa\""), e.getMessage());
    assertTrue(e.getMessage().contains("key_type=ec"), e.getMessage());
    // the refusal names the option value an operator can set
    assertTrue(e.getMessage().contains("rsa-2048"), e.getMessage());
  }

  @Test
  void sealedVaultIsNamedInTheError() {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    vault.seal();

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(cluster));
    assertEquals("vault-sealed", e.reason());
    assertTrue(e.getMessage().contains("status 503 (vault-sealed): \"Vault is sealed\""),
        e.getMessage());
  }

  @Test
  void serverErrorIsNamedInTheError() {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    vault.failNext("pki-alpha/", 1, 500, "internal error");

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(cluster));
    assertEquals("vault-server-error", e.reason());
    assertTrue(e.getMessage().contains(
        "POST pki-alpha/sign/role-alpha with status 500 (vault-server-error): \"internal error\""),
        e.getMessage());
  }

  @Test
  void namesTheRoleDoesNotAllowAreRefusedWithTheirReason() {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    vault.pkiRole("pki-alpha", "role-alpha").allowedDomains("allowed.example");
    VaultCertificateSource source = fixture.source(fixture.settings().build());

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(cluster));
    assertEquals("vault-name-refused", e.reason());
    assertTrue(e.getMessage().contains(
        "\"common name prometheus.alpha.k8s.example not allowed by this role\""), e.getMessage());
    assertTrue(e.getMessage().contains("allowed_domains"), e.getMessage());

    // subdomains need allow_subdomains; then an alt name outside the domains is refused
    VaultCertificateSource withAltName = fixture.source(fixture.settings()
        .commonNameTemplate("{cluster}.allowed.example")
        .altNameTemplates(List.of("{cluster}.elsewhere.example")).build());
    assertEquals("vault-name-refused", assertThrows(CertificateUnavailableException.class,
        () -> withAltName.certificateFor(cluster)).reason());
    vault.pkiRole("pki-alpha", "role-alpha").allowSubdomains(true);
    CertificateUnavailableException alt = assertThrows(CertificateUnavailableException.class,
        () -> fixture.source(fixture.settings().commonNameTemplate("{cluster}.allowed.example")
            .altNameTemplates(List.of("{cluster}.elsewhere.example")).build())
            .certificateFor(cluster));
    assertTrue(alt.getMessage().contains(
        "\"subject alternate name alpha.elsewhere.example not allowed by this role\""),
        alt.getMessage());

    VaultCertificateSource allowed = fixture.source(fixture.settings()
        .commonNameTemplate("{cluster}.allowed.example").build());
    assertEquals("CN=alpha.allowed.example", CertificateBundle.parseCertificate(
        allowed.certificateFor(cluster).certificatePem(), "c").getSubjectX500Principal().getName());
  }

  @Test
  void missingMountIsNamedInTheError() {
    fixture.useNewToken();
    VaultCertificateSource source = fixture.source(fixture.settings().build());

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(GuestCluster.of("nomount", "kvm", "https://x.example")));
    assertEquals("vault-not-found", e.reason());
  }

  @Test
  void unreachableVaultIsNamedInTheError() {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    vault.close();

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(cluster));
    assertEquals("vault-unreachable", e.reason());
    assertTrue(e.getMessage().contains("cannot reach vault at " + vault.address()), e.getMessage());
  }

  @Test
  void vaultThatDoesNotAnswerInTimeIsUnreachable() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("alpha", "warm");
    VaultCertificateSource source = fixture.source(
        fixture.settings().requestTimeout(Duration.ofSeconds(1)).build());
    // log in and open the connection first, so that only the answer can be late: a held
    // request runs into the 1 s timeout however busy the machine is
    source.certificateFor(clusters.get(1));
    vault.pause();
    try {
      CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
          () -> source.certificateFor(clusters.get(0)));
      assertEquals("vault-unreachable", e.reason());
      // the request's timeout (the JDK's words), or the wait for the whole answer (promcc's)
      assertTrue(e.getMessage().matches("(?s).*: (request timed out|no whole answer within PT1S"
          + "|no connection within the connect timeout) \\(check .*")
          && !e.getMessage().contains("Exception"), e.getMessage());
    } finally {
      vault.resume();
    }
  }

  @Test
  void revokedTokenIsReplacedByAFreshLoginAndTheCallRetried() {
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    VaultSettings settings = fixture.settings().build();
    VaultCertificateSource source = fixture.source(settings);
    var first = fixture.useNewToken();
    source.certificateFor(cluster);

    // an operator revokes the token and puts a new one in place
    vault.revoke(first);
    fixture.useNewToken();
    fixture.clock.advance(Duration.ofHours(150)); // due
    vault.clearRequests();

    source.certificateFor(cluster);
    assertEquals(List.of("pki-alpha/sign/role-alpha", "auth/token/lookup-self",
            "pki-alpha/sign/role-alpha"),
        vault.requests().stream().map(RecordedRequest::path).toList());
  }

  @Test
  void namespaceIsSentWithEveryRequest() {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    vault.requireNamespace("team-a/monitoring");
    VaultCertificateSource source = fixture.source(
        fixture.settings().namespace("team-a/monitoring").build());

    source.certificateFor(cluster);
    assertFalse(vault.requests().isEmpty());
    for (RecordedRequest request : vault.requests()) {
      assertEquals("team-a/monitoring", request.header("X-Vault-Namespace"), request.path());
    }
  }

  @Test
  void tlsToVaultIsVerifiedAgainstTheConfiguredCaBundle(@TempDir Path dir) throws Exception {
    try (VaultFixture https = new VaultFixture(true)) {
      https.useNewToken();
      GuestCluster cluster = https.clusters("alpha").get(0);
      Path bundle = Files.writeString(dir.resolve("vault-ca.pem"), https.vault.tlsCaPem());

      VaultCertificateSource trusting = https.source(https.settings().caBundle(bundle).build());
      assertEquals(https.vault.address().getScheme(), "https");
      trusting.certificateFor(cluster);

      VaultCertificateSource untrusting = https.source(https.settings().build());
      CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
          () -> untrusting.certificateFor(cluster));
      assertEquals("vault-tls", e.reason(), e.getMessage());
    }
  }

  @Test
  void signModeMakesRsaKeysAsLongAsTheRoleRequires() throws Exception {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    vault.pkiRole("pki-alpha", "role-alpha").keyType("rsa").keyBits(3072);
    VaultCertificateSource tooShort = fixture.source(
        fixture.settings().keyAlgorithm(KeyAlgorithm.RSA_2048).build());
    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> tooShort.certificateFor(cluster));
    assertEquals("vault-key-type-refused", e.reason());
    assertTrue(e.getMessage().contains("rsa-3072"), e.getMessage());

    VaultCertificateSource source = fixture.source(
        fixture.settings().keyAlgorithm(KeyAlgorithm.RSA_3072).build());
    CertificateBundle bundle = source.certificateFor(cluster);

    PrivateKey key = Pem.privateKey(bundle.privateKeyPem().reveal());
    X509Certificate certificate = CertificateBundle.parseCertificate(bundle.certificatePem(), "c");
    assertEquals(3072, ((java.security.interfaces.RSAPublicKey) certificate.getPublicKey())
        .getModulus().bitLength());
    assertTrue(Pem.keyMatches(key, certificate));
    certificate.verify(vault.pkiMount("pki-alpha").keyPair().getPublic());
  }
}
