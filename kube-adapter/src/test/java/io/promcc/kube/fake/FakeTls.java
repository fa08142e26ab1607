package io.promcc.kube.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS of {@link FakeKubeApi}: its HTTPS server with a serving certificate and the client
 * certificate policy, and who a request's client certificate names. Stateless.
 */
final class FakeTls {
  /** A client certificate's common name and serial (hex), each if there is one. */
  record Peer(Optional<String> commonName, Optional<String> serial) {}

  private FakeTls() {}

  /**
   * An HTTPS server on {@code address} serving {@code servingKey} with {@code servingChain}, or a
   * certificate {@code ca} issues when the key is null, trusting client certificates of
   * {@code ca} and {@code trustedClientCas} as {@code clientAuth} says.
   */
  static HttpsServer server(InetSocketAddress address, TestCa ca, PrivateKey servingKey,
      List<X509Certificate> servingChain, List<X509Certificate> trustedClientCas,
      FakeKubeApi.ClientAuth clientAuth) throws IOException {
    HttpsServer httpsServer = HttpsServer.create(address, 64);
    SSLContext context = sslContext(ca, servingKey, servingChain, trustedClientCas);
    httpsServer.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setNeedClientAuth(clientAuth == FakeKubeApi.ClientAuth.REQUIRE);
        if (clientAuth == FakeKubeApi.ClientAuth.WANT) {
          parameters.setWantClientAuth(true);
        }
        params.setSSLParameters(parameters);
      }
    });
    return httpsServer;
  }

  /** Who the request's client certificate names; empty for none (or plain HTTP). */
  static Peer peer(HttpExchange exchange) {
    Optional<String> commonName = Optional.empty();
    Optional<String> serial = Optional.empty();
    if (exchange instanceof HttpsExchange secure) {
      try {
        Certificate[] chain = secure.getSSLSession().getPeerCertificates();
        if (chain.length > 0 && chain[0] instanceof X509Certificate cert) {
          commonName = new LdapName(cert.getSubjectX500Principal().getName()).getRdns().stream()
              .filter(r -> r.getType().equalsIgnoreCase("CN"))
              .map(r -> r.getValue().toString()).findFirst();
          serial = Optional.of(cert.getSerialNumber().toString(16));
        }
      } catch (SSLPeerUnverifiedException | InvalidNameException e) {
        commonName = Optional.empty();
      }
    }
    return new Peer(commonName, serial);
  }

  private static SSLContext sslContext(TestCa ca, PrivateKey givenKey,
      List<X509Certificate> givenChain, List<X509Certificate> trustedClientCas) {
    try {
      PrivateKey servingKey;
      Certificate[] servingChain;
      if (givenKey != null) {
        servingKey = givenKey;
        servingChain = givenChain.toArray(Certificate[]::new);
      } else {
        TestCa.Issued serving = ca.issueServer();
        servingKey = serving.privateKey();
        servingChain = new Certificate[] {serving.certificate(), ca.certificate()};
      }
      char[] password = "changeit".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", servingKey, password, servingChain);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      int i = 0;
      for (X509Certificate extra : trustedClientCas) {
        trust.setCertificateEntry("client-ca-" + i++, extra);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up tls for the fake kubernetes api", e);
    }
  }
}
