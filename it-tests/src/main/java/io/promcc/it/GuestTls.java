package io.promcc.it;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.Secret;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * What a simulated guest API server needs for TLS: its serving certificate and key, the chain
 * that follows it in the handshake, and the CA whose client certificates it accepts. In local
 * mode the local CA is both: it signs the server's certificate (Prometheus verifies the server
 * with the cluster's CA) and the clients' (the server checks Prometheus' certificate).
 *
 * @param certificate the serving certificate
 * @param key its private key ({@link #toString()} does not show it)
 * @param chain the certificates after it, its issuer first
 * @param clientCa the issuer of the client certificates the server accepts
 */
public record GuestTls(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain,
    X509Certificate clientCa) {
  public GuestTls {
    requireNonNull(certificate, "certificate == null");
    requireNonNull(key, "key == null");
    chain = List.copyOf(chain);
    requireNonNull(clientCa, "clientCa == null");
  }

  /**
   * From PEM: a server certificate, its key, and the CA that signed it and also signs the
   * clients' certificates.
   */
  public static GuestTls fromPem(String certificatePem, Secret keyPem, String caPem) {
    X509Certificate ca = CertificateBundle.parseCertificate(caPem, "CA certificate");
    return new GuestTls(CertificateBundle.parseCertificate(certificatePem, "server certificate"),
        parseKey(keyPem), List.of(ca), ca);
  }

  private static PrivateKey parseKey(Secret pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem.reveal()))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      // never the key itself in a message
      throw new IllegalArgumentException("server key is not a PEM private key, found "
          + (object == null ? "nothing" : object.getClass().getSimpleName()));
    } catch (IOException e) {
      throw new UncheckedIOException("server key cannot be read", e);
    }
  }

  @Override
  public String toString() {
    return "GuestTls{" + certificate.getSubjectX500Principal().getName() + ", key <secret>, "
        + "clients of " + clientCa.getSubjectX500Principal().getName() + "}";
  }
}
