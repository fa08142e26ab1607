package io.promcc.kube.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FakeKubeApi.Builder#servingCertificate}: the fake presents the caller's certificate and
 * chain (as a guest API server whose certificate another CA signed), and still asks for client
 * certificates as configured.
 */
class ServingCertificateTest {
  private final TestCa outside = TestCa.create("outside-ca");
  private FakeKubeApi fake;

  @AfterEach
  void stop() {
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  void presentsTheGivenCertificateAndChain() throws Exception {
    TestCa.Issued serving = outside.issueServer();
    fake = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.REQUIRE)
        .trustClientCa(outside.certificate())
        .servingCertificate(serving.certificate(), serving.privateKey(), outside.certificate())
        .start();

    try (SSLSocket socket = connect(outside, outside.issueClient("prometheus"))) {
      Certificate[] presented = socket.getSession().getPeerCertificates();
      assertEquals(2, presented.length);
      assertEquals(serving.certificate(), presented[0]);
      assertEquals(outside.certificate(), presented[1]);
    }
    // a client that trusts only the fake's own CA does not accept the given certificate
    assertThrows(SSLException.class,
        () -> connect(fake.ca(), fake.adminCertificate()).getSession().getPeerCertificates());
  }

  @Test
  void clientsOfTheGivenIssuerAreServedAndOthersRefused() throws Exception {
    TestCa.Issued serving = outside.issueServer();
    fake = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.REQUIRE)
        .trustClientCa(outside.certificate())
        .servingCertificate(serving.certificate(), serving.privateKey(), outside.certificate())
        .start();

    CoreV1Api trusted = new CoreV1Api(fake.newClient(Optional.of(outside.issueClient("ok"))));
    assertEquals(0, trusted.listNamespacedService("default").execute().getItems().size());
    assertEquals(Optional.of("ok"), fake.requests().get(fake.requests().size() - 1)
        .clientCommonName());
    CoreV1Api anonymous = new CoreV1Api(fake.newClient(Optional.empty()));
    assertThrows(ApiException.class, () -> anonymous.listNamespacedService("default").execute());
    TestCa stranger = TestCa.create("stranger");
    CoreV1Api foreign = new CoreV1Api(fake.newClient(Optional.of(stranger.issueClient("x"))));
    assertThrows(ApiException.class, () -> foreign.listNamespacedService("default").execute());
  }

  /** A TLS connection to the fake that trusts {@code trusted} and presents {@code client}. */
  private SSLSocket connect(TestCa trusted, TestCa.Issued client)
      throws IOException, GeneralSecurityException {
    char[] password = "changeit".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("client", client.privateKey(), password,
        new Certificate[] {client.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", trusted.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket(fake.url().getHost(), fake.url().getPort());
    socket.setSoTimeout(30_000);
    try {
      socket.startHandshake();
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return socket;
  }
}
