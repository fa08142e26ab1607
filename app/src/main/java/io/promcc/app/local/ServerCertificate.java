package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Secret;
import java.time.Instant;

/**
 * A serving certificate the {@link LocalCa} signed (for a guest API server of the demo, so that
 * Prometheus, which trusts the local CA for each cluster, can verify it).
 *
 * @param certificatePem PEM of the server certificate
 * @param privateKeyPem PKCS#8 PEM of its private key
 * @param caPem PEM of the local CA, which clients verify the server with and which signed the
 *     client certificates the server should accept
 * @param notAfter end of the certificate's validity
 */
public record ServerCertificate(String certificatePem, Secret privateKeyPem, String caPem,
    Instant notAfter) {
  public ServerCertificate {
    requireNonNull(certificatePem, "certificatePem == null");
    requireNonNull(privateKeyPem, "privateKeyPem == null");
    requireNonNull(caPem, "caPem == null");
    requireNonNull(notAfter, "notAfter == null");
  }

  @Override
  public String toString() {
    return "ServerCertificate{notAfter=" + notAfter + ", private key <secret>}";
  }
}
