package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.TestCa;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of {@link SecretCertificateSource} share: a fake API server with its test CA, a
 * client certificate it issued for cluster abc12, the source under test (closed after each test)
 * and Secrets to feed it.
 */
abstract class SecretCertificateSourceFixture {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final GuestCluster ABC = GuestCluster.of("abc12", "aws", "https://master.abc12");

  FakeKubeApi fake;
  SecretCertificateSource source;
  TestCa.Issued issued;

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

  void startSynced() {
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.start();
    Poll.until(WAIT, "secrets synced", source::hasSynced);
    // and watched: a fault injected while the watch request is still on its way would miss it
    // (accepted before the fault, registered after closeWatches), and the watch run on
    Poll.until(WAIT, "secrets watched", () -> fake.store().watchCount(ApiResource.SECRETS) > 0);
  }

  V1Secret secret(String namespace, String name, String cluster, String component,
      Map<String, String> data) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    data.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return new V1Secret().metadata(new V1ObjectMeta().namespace(namespace).name(name)
            .labels(Map.of("clusterID", cluster, "clusterComponent", component)))
        .data(bytes);
  }

  Map<String, String> fullData() {
    return Map.of("ca", fake.ca().certificatePem(), "crt", issued.certificatePem(),
        "key", issued.privateKeyPem());
  }

  CertificateUnavailableException unavailable() {
    return assertThrows(CertificateUnavailableException.class, () -> source.certificateFor(ABC));
  }
}
