package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.TestCa;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SecretCertificateSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final GuestCluster ABC = GuestCluster.of("abc12", "aws", "https://master.abc12");

  private FakeKubeApi fake;
  private SecretCertificateSource source;
  private TestCa.Issued issued;

  @BeforeEach
  void setUp() {
    fake = FakeKubeApi.start();
    issued = fake.ca().issueClient("prometheus-abc12");
  }

  @AfterEach
  void tearDown() {
    if (source != null) {
      source.close();
    }
    fake.close();
  }

  private void startSynced() {
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.start();
    Poll.until(WAIT, "secrets synced", source::hasSynced);
  }

  private V1Secret secret(String namespace, String name, String cluster, String component,
      Map<String, String> data) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    data.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return new V1Secret().metadata(new V1ObjectMeta().namespace(namespace).name(name)
            .labels(Map.of("clusterID", cluster, "clusterComponent", component)))
        .data(bytes);
  }

  private Map<String, String> fullData() {
    return Map.of("ca", fake.ca().certificatePem(), "crt", issued.certificatePem(),
        "key", issued.privateKeyPem());
  }

  private CertificateUnavailableException unavailable() {
    return assertThrows(CertificateUnavailableException.class, () -> source.certificateFor(ABC));
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
  void anUnsyncedSourceSaysSoInsteadOfMissing() {
    fake.faults().fail(Faults.ALWAYS, 500, r -> r.isFor(ApiResource.SECRETS));
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.start();
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY, unavailable().reason());
  }

  @Test
  void whileTheWatchFailsAnAbsentSecretIsNotReportedMissing() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "other-prometheus", "other", "prometheus", fullData()));
    startSynced();
    fake.faults().fail(Faults.ALWAYS, 500, r -> r.isFor(ApiResource.SECRETS));
    fake.faults().closeWatches();
    Poll.until(WAIT, "failure seen", () -> {
      try {
        source.certificateFor(ABC);
        return false;
      } catch (CertificateUnavailableException e) {
        return e.reason().equals(SecretCertificateSource.SOURCE_NOT_READY);
      }
    });
    GuestCluster other = GuestCluster.of("other", "aws", "https://master.other");
    assertEquals(issued.certificatePem(), source.certificateFor(other).certificatePem(),
        "cached complete secret still served");
    fake.faults().clear();
    Poll.until(WAIT, "recovered", () -> {
      try {
        source.certificateFor(ABC);
        return false;
      } catch (CertificateUnavailableException e) {
        return e.reason().equals(SecretCertificateSource.SECRET_MISSING);
      }
    });
  }

  @Test
  void listsOnlyTheConfiguredNamespaceWithTheStaticLabels() {
    startSynced();
    assertTrue(fake.requests().stream().filter(r -> r.isFor(ApiResource.SECRETS))
        .allMatch(r -> r.path().equals("/api/v1/namespaces/default/secrets")
            && "clusterComponent=prometheus".equals(r.query().get("labelSelector"))));
  }
}
