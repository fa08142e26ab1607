package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableSortedMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.core.testing.MutableClock;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.TestCa;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * What a source serves for a cluster from its Secrets: the bundle, or a reason naming what is
 * wrong (missing, partial, invalid, ambiguous, expired), never revealing a key.
 */
class SecretCertificateSourceTest extends SecretCertificateSourceFixture {
  @Test
  void aPrivateKeyInTheCertificateDataIsNotServedAsCertificateText() {
    TestCa.Issued caKeyStandIn = fake.ca().issueClient("the-ca-key");
    fake.store().create(ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12",
        "prometheus", Map.of("ca", fake.ca().certificatePem() + caKeyStandIn.privateKeyPem(),
            "crt", issued.certificatePem() + issued.privateKeyPem(),
            "key", issued.privateKeyPem())));
    startSynced();

    CertificateBundle bundle = source.certificateFor(ABC);

    assertEquals(fake.ca().certificatePem(), bundle.caPem());
    assertEquals(issued.certificatePem(), bundle.certificatePem());
    assertEquals(issued.privateKeyPem(), bundle.privateKeyPem().reveal());
    assertFalse(bundle.toString().contains("PRIVATE KEY"), bundle.toString());
  }

  @Test
  void servesTheBundleOfTheLabelledSecret() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    startSynced();
    CertificateBundle bundle = source.certificateFor(ABC);
    assertEquals(fake.ca().certificatePem(), bundle.caPem());
    assertEquals(issued.certificatePem(), bundle.certificatePem());
    assertEquals(issued.privateKeyPem(), bundle.privateKeyPem().reveal());
    assertEquals(CertificateBundle.formatSerial(issued.certificate().getSerialNumber()),
        bundle.serial());
    assertFalse(bundle.toString().contains("PRIVATE KEY"), "key never in toString");
    assertSame(bundle, source.certificateFor(ABC), "parsed once per secret version");
  }

  @Test
  void aMissingSecretIsNamedAsSuch() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "other-prometheus", "other", "prometheus", fullData()));
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-etcd", "abc12", "etcd", fullData()));
    fake.store().create(ApiResource.SECRETS, null,
        secret("elsewhere", "abc12-prometheus", "abc12", "prometheus", fullData()));
    startSynced();
    CertificateUnavailableException e = unavailable();
    assertEquals(SecretCertificateSource.SECRET_MISSING, e.reason());
    assertEquals("no secret with labels \"clusterComponent=prometheus,clusterID=abc12\" in "
        + "namespace \"default\" for cluster \"abc12\"", e.getMessage());
    assertEquals(ABC.id(), e.cluster());
  }

  @Test
  void aPartialSecretNamesTheMissingKeys() {
    fake.store().create(ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12",
        "prometheus", Map.of("ca", fake.ca().certificatePem())));
    startSynced();
    CertificateUnavailableException e = unavailable();
    assertEquals(SecretCertificateSource.SECRET_INCOMPLETE, e.reason());
    assertEquals("secret \"default/abc12-prometheus\" for cluster \"abc12\" lacks data keys "
        + "\"crt\", \"key\"", e.getMessage());
  }

  @Test
  void anInvalidKeyIsReportedWithoutRevealingIt() {
    Map<String, String> data = new LinkedHashMap<>(fullData());
    data.put("key", "not-a-pem-but-a-secret-value");
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", data));
    startSynced();
    CertificateUnavailableException e = unavailable();
    assertEquals(SecretCertificateSource.SECRET_INVALID, e.reason());
    assertFalse(e.getMessage().contains("not-a-pem-but-a-secret-value"), e.getMessage());
  }

  /**
   * A private key pasted as base64 DER under "ca" (no PEM markers): the message, which reaches
   * the log and the Service's Event, says what the value looked like and quotes none of it.
   */

  @Test
  void aKeyPastedWithoutPemMarkersAsTheCaIsNotQuoted() {
    String der = issued.privateKeyPem().lines().filter(line -> !line.startsWith("-----"))
        .collect(Collectors.joining());
    Map<String, String> data = new LinkedHashMap<>(fullData());
    data.put("ca", der);
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", data));
    startSynced();
    CertificateUnavailableException e = unavailable();
    assertEquals(SecretCertificateSource.SECRET_INVALID, e.reason());
    assertEquals("secret \"default/abc12-prometheus\" for cluster \"abc12\" is unusable: ca "
        + "certificate is not a PEM certificate, found " + der.length() + " characters without "
        + "PEM markers", e.getMessage());
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsSecretInvalid() {
    Map<String, String> data = new LinkedHashMap<>(fullData());
    data.put("key", fake.ca().issueClient("prometheus-other").privateKeyPem());
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", data));
    startSynced();
    CertificateUnavailableException e = unavailable();
    assertEquals(SecretCertificateSource.SECRET_INVALID, e.reason());
    assertEquals("secret \"default/abc12-prometheus\" for cluster \"abc12\" is unusable: its "
        + "private key is not the certificate's", e.getMessage());
  }

  @Test
  void anEd25519CertificateWithItsOwnKeyIsServed() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=prometheus-abc12");
    String certificate = pem(new JcaX509CertificateConverter().getCertificate(
        new JcaX509v3CertificateBuilder(name, BigInteger.TEN, Date.from(now.minusSeconds(60)),
            Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic())
            .build(new JcaContentSignerBuilder("Ed25519").build(pair.getPrivate()))));
    String key = pem(new JcaPKCS8Generator(pair.getPrivate(), null));
    fake.store().create(ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12",
        "prometheus", Map.of("ca", certificate, "crt", certificate, "key", key)));
    startSynced();

    assertEquals(certificate, source.certificateFor(ABC).certificatePem());
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  @Test
  void twoSecretsForOneClusterAreAmbiguous() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-a", "abc12", "prometheus", fullData()));
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-b", "abc12", "prometheus", fullData()));
    startSynced();
    assertEquals(SecretCertificateSource.SECRET_AMBIGUOUS, unavailable().reason());
  }

  @Test
  void aSecretCreatedOrCompletedLaterIsServed() {
    fake.store().create(ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12",
        "prometheus", Map.of("ca", fake.ca().certificatePem())));
    startSynced();
    assertEquals(SecretCertificateSource.SECRET_INCOMPLETE, unavailable().reason());
    fake.store().update(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    Poll.until(WAIT, "completed secret served",
        () -> source.certificateFor(ABC).certificatePem().equals(issued.certificatePem()));
  }

  @Test
  void listsOnlyTheConfiguredNamespaceWithTheStaticLabels() {
    startSynced();
    assertTrue(fake.requests().stream().filter(r -> r.isFor(ApiResource.SECRETS))
        .allMatch(r -> r.path().equals("/api/v1/namespaces/default/secrets")
            && "clusterComponent=prometheus,clusterID".equals(r.query().get("labelSelector"))));
  }

  /**
   * Labels with no fixed part (only the cluster's) still narrow the watch, to the Secrets that
   * carry the label naming the cluster: not every Secret of the namespace, with its data, is
   * listed and cached.
   */

  @Test
  void labelsWithNoFixedPartWatchOnlySecretsCarryingTheClusterLabel() {
    fake.store().create(ApiResource.SECRETS, null, new V1Secret().metadata(new V1ObjectMeta()
        .namespace("default").name("unrelated-tls")).data(Map.of("tls.key",
            issued.privateKeyPem().getBytes(StandardCharsets.UTF_8))));
    Map<String, byte[]> data = new LinkedHashMap<>();
    fullData().forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
    fake.store().create(ApiResource.SECRETS, null, new V1Secret().metadata(new V1ObjectMeta()
        .namespace("default").name("abc12").labels(Map.of("clusterID", "abc12"))).data(data));
    source = new SecretCertificateSource(fake.newClient(), new SecretSettings("default",
        ImmutableSortedMap.of("clusterID", SecretSettings.CLUSTER_PLACEHOLDER), "ca", "crt",
        "key"), WatchSettings.defaults());
    source.start();
    Poll.until(WAIT, "secrets synced", source::hasSynced);

    assertTrue(fake.requests().stream().filter(r -> r.isFor(ApiResource.SECRETS))
        .allMatch(r -> "clusterID".equals(r.query().get("labelSelector"))),
        fake.requests().toString());
    assertEquals(issued.certificatePem(), source.certificateFor(ABC).certificatePem());
  }

  @Test
  void anExpiredCertificateIsRefusedWithReasonExpired() {
    Instant now = Instant.now();
    TestCa.Issued expired = fake.ca().issueClient("prometheus-abc12",
        now.minus(Duration.ofDays(3)), now.minus(Duration.ofHours(1)));
    fake.store().create(ApiResource.SECRETS, null, secret("default", "abc12-prometheus", "abc12",
        "prometheus", Map.of("ca", fake.ca().certificatePem(), "crt", expired.certificatePem(),
            "key", expired.privateKeyPem())));
    startSynced();
    CertificateUnavailableException e = unavailable();
    assertEquals("expired", e.reason());
    assertTrue(e.getMessage().startsWith("certificate of secret \"default/abc12-prometheus\" for "
        + "cluster \"abc12\" expired at "), e.getMessage());
  }

  @Test
  void observeGivesABundleOrAReasonPerClusterAndTheFirstExpiry() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    startSynced();
    GuestCluster missing = GuestCluster.of("nosecret", "aws", "https://master.nosecret");
    CertificateObservation observation = source.observe(List.of(ABC, missing));
    assertEquals(List.of(ABC.id()), List.copyOf(observation.bundles().keySet()));
    assertEquals(SecretCertificateSource.SECRET_MISSING,
        observation.problems().get(missing.id()).reason());
    assertEquals(Optional.of(issued.certificate().getNotAfter().toInstant()),
        observation.nextAttention(), "observe again when the served certificate expires");
  }

  @Test
  void aCertificateExpiresOnTheInjectedClock() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    MutableClock clock = MutableClock.startingNow();
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults(), clock);
    source.start();
    Poll.until(WAIT, "secrets synced", source::hasSynced);
    Instant notAfter = issued.certificate().getNotAfter().toInstant();
    clock.set(notAfter.minusSeconds(1));
    assertEquals(issued.certificatePem(), source.certificateFor(ABC).certificatePem());
    clock.set(notAfter);
    assertEquals(SecretCertificateSource.EXPIRED, unavailable().reason(),
        "a certificate is expired from its notAfter on");
    CertificateObservation observation = source.observe(List.of(ABC));
    assertEquals(SecretCertificateSource.EXPIRED, observation.problems().get(ABC.id()).reason());
    assertEquals(Optional.empty(), observation.nextAttention(), "nothing valid left to watch");
  }
}
