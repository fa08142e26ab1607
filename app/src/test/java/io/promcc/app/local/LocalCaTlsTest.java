package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.promcc.app.SourceErrors;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What local mode relies on, checked with a real TLS handshake: a server whose certificate the
 * local CA signed, requiring client certificates of that CA, accepts the client certificate the
 * CA issued for a cluster, verifies as 127.0.0.1, and refuses a client of another CA.
 */
class LocalCaTlsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final char[] PASSWORD = "in-memory".toCharArray();

  @TempDir Path temp;

  private LocalCa ca;
  private HttpsServer server;

  @BeforeEach
  void startServer() throws Exception {
    ca = new LocalCa(temp.resolve("state"), Duration.ofDays(30), Clock.systemUTC(),
        SourceErrors.NONE);
    ca.start();
    ServerCertificate serving = ca.issueServerCertificate(List.of("localhost", "127.0.0.1"),
        Duration.ofDays(1));
    SSLContext context = context(serving.certificatePem(), serving.privateKeyPem(), ca.caPem());
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        var parameters = context.getDefaultSSLParameters();
        parameters.setNeedClientAuth(true);
        params.setSSLParameters(parameters);
      }
    });
    server.createContext("/", exchange -> {
      byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    ca.close();
  }

  @Test
  void aClusterCertificateOfTheCaIsAcceptedByAServerCertificateOfTheCa() throws Exception {
    CertificateBundle alpha = ca.observe(List.of(GuestCluster.of("alpha", "aws",
        "https://127.0.0.1"))).bundles().get(ClusterId.of("alpha"));

    HttpResponse<String> response = get(context(alpha.certificatePem(), alpha.privateKeyPem(),
        alpha.caPem()));

    assertEquals(200, response.statusCode());
    assertEquals("ok", response.body());
  }

  @Test
  void aClientCertificateOfAnotherCaIsRefused() throws Exception {
    LocalCa other = new LocalCa(temp.resolve("other"), Duration.ofDays(30), Clock.systemUTC(),
        SourceErrors.NONE);
    other.start();
    CertificateBundle foreign = other.observe(List.of(GuestCluster.of("alpha", "aws",
        "https://127.0.0.1"))).bundles().get(ClusterId.of("alpha"));

    // trusts the right server, but presents a certificate the server's CA never signed
    SSLContext client = context(foreign.certificatePem(), foreign.privateKeyPem(), ca.caPem());

    assertThrows(IOException.class, () -> get(client));
    other.close();
  }

  private HttpResponse<String> get(SSLContext client) throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(client).connectTimeout(TIMEOUT).build();
    URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
    return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A TLS context presenting {@code certificatePem} and trusting {@code trustedPem}. */
  private static SSLContext context(String certificatePem, Secret keyPem, String trustedPem)
      throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("key", Pki.parsePrivateKey(keyPem), PASSWORD, new Certificate[] {
        CertificateBundle.parseCertificate(certificatePem, "certificate")});
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, PASSWORD);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("ca", CertificateBundle.parseCertificate(trustedPem, "ca"));
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    return context;
  }
}
