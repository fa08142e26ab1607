package io.promcc.it;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.Secret;
import io.promcc.core.testing.Pem;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

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
        Pem.privateKey(keyPem.reveal()), List.of(ca), ca);
  }

  @Override
  public String toString() {
    return "GuestTls{" + certificate.getSubjectX500Principal().getName() + ", key <secret>, "
        + "clients of " + clientCa.getSubjectX500Principal().getName() + "}";
  }
}
