package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.promcc.core.testing.RecordingProxy;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.TestCa;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wording of a failed call that the app's Events log: one line, as the log's lines are. */
class ApiServerFailuresTest {
  private static final String OTHER = "other.promcc.test";
  private static final String LOOPBACK = InetAddress.getLoopbackAddress().getHostAddress();
  private static final TestCa CA = TestCa.create("promcc-api-server-failures-test-ca");

  @TempDir Path temp;

  /**
   * OkHttp's words for a certificate that names another host span four lines ("Hostname
   * other.promcc.test not verified:", then its certificate's pin, DN and names): the Event's
   * warning, one log line, spanned them.
   */
  @Test
  void aCertificateForAnotherHostIsWordedOnOneLine() throws Exception {
    TestCa.Issued serving = CA.issueServer("kube.promcc.test");
    try (FakeKubeApi api = FakeKubeApi.builder()
            .servingCertificate(serving.certificate(), serving.privateKey(), CA.certificate())
            .start();
        RecordingProxy proxy = RecordingProxy.http().routing(OTHER, LOOPBACK)) {
      // the kubeconfig's proxy reaches the fake by a name its certificate does not hold
      Path file = TokenKubeconfig.write(temp.resolve("config"), "https://" + OTHER + ":"
          + api.url().getPort(), CA.certificatePem(),
          ", proxy-url: \"http://" + proxy.address() + "\"");
      ApiClient client = ApiServerLookup.find(Optional.of(file), ClientLookup.of(Map.of()))
          .build();
      ApiException failed = assertThrows(ApiException.class,
          () -> new VersionApi(client).getCode().execute());

      String described = ApiServerFailures.describe(failed, client);

      assertEquals(1, described.lines().count(), described);
      assertTrue(described.startsWith("SSLPeerUnverifiedException: Hostname " + OTHER
          + " not verified: certificate: sha256/") && described.contains(" DN: ")
          && described.endsWith(", localhost, kube.promcc.test]"), described);
    }
  }
}
