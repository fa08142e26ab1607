package io.promcc.kube;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.CertificateSourceContract;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.TestCa;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/** The Secrets source passes the same contract as the core's fake, against the API fake. */
class SecretCertificateSourceContractTest extends CertificateSourceContract {
  private final FakeKubeApi fake = FakeKubeApi.start();

  @AfterEach
  void stopFake() {
    fake.close();
  }

  @Override
  protected CertificateSource newSource() {
    return new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
  }

  @Override
  protected void provide(String id) {
    TestCa.Issued issued = fake.ca().issueClient("prometheus." + id);
    fake.store().create(ApiResource.SECRETS, "default", new V1Secret()
        .metadata(new V1ObjectMeta().namespace("default").name(id + "-prometheus")
            .labels(Map.of("clusterID", id, "clusterComponent", "prometheus")))
        .data(Map.of("ca", bytes(fake.ca().certificatePem()), "crt",
            bytes(issued.certificatePem()), "key", bytes(issued.privateKeyPem()))));
  }

  @Override
  protected void breakSource() {
    // once the watch is registered: one still on its way when the fault comes would run on
    Poll.until(Duration.ofSeconds(30), "a watch", () -> fake.store().watchCount() > 0);
    fake.faults().fail(Integer.MAX_VALUE, 500, request -> true);
    fake.faults().closeWatches();
  }

  /** The certificates of the last Secrets listed are served while the API fails. */
  @Override
  protected boolean keepsItsCertificatesWhenBroken() {
    return true;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
