package io.promcc.bench;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.Secret;
import io.promcc.core.testing.TestCertificates;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * Core's two valid test bundles (two CAs, EC P-256) with their keys rewritten from PKCS#8 into
 * the SEC1 form ({@code EC PRIVATE KEY}) in which Vault's PKI returns EC keys, so the delivery
 * harness writes and validates what a Vault-fed controller does. Thread-safe.
 */
final class VaultShapedBundles {
  private VaultShapedBundles() {}

  /** {@link TestCertificates#bundle()} and {@link TestCertificates#other()}, SEC1 keys. */
  static List<CertificateBundle> all() {
    return List.of(sec1(TestCertificates.bundle()), sec1(TestCertificates.other()));
  }

  static CertificateBundle sec1(CertificateBundle bundle) {
    return CertificateBundle.fromPem(bundle.caPem(), bundle.certificatePem(),
        Secret.of(sec1Pem(bundle.privateKeyPem().reveal())));
  }

  /** A PKCS#8 PEM EC key as SEC1 PEM. */
  static String sec1Pem(String pkcs8Pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pkcs8Pem))) {
      Object parsed = parser.readObject();
      if (!(parsed instanceof PrivateKeyInfo info)) {
        throw new IllegalArgumentException("not a PKCS#8 private key");
      }
      StringWriter text = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
        writer.writeObject(info); // written as "EC PRIVATE KEY" for an EC key
      }
      return text.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
