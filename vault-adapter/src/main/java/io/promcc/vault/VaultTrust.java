package io.promcc.vault;

import io.promcc.core.model.InvalidValueException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS trust of {@link VaultConnection} when a CA bundle replaces the JVM's trust store:
 * exactly the certificates of the bundle verify Vault's. Stateless.
 */
final class VaultTrust {
  private VaultTrust() {}

  /**
   * An SSL context that trusts exactly the certificates in the PEM file {@code path}.
   *
   * @throws InvalidValueException if it cannot be read or holds no certificate
   */
  static SSLContext ofCaBundle(Path path) {
    String pem;
    try {
      pem = Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new InvalidValueException("vault ca bundle", path.toString(),
          "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    return trusting(pem, path.toString());
  }

  /**
   * An SSL context that trusts exactly the certificates in {@code pem}.
   *
   * @throws InvalidValueException naming {@code source} if there is no certificate in it
   */
  static SSLContext trusting(String pem, String source) {
    try {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (certificates.isEmpty()) {
        throw new InvalidValueException("vault ca bundle", source, "holds no certificate");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trust.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new InvalidValueException("vault ca bundle", source,
          "is invalid (" + e.getMessage() + ")");
    }
  }
}
