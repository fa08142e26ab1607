package io.promcc.vault;

import io.promcc.core.model.Secret;
import java.io.IOException;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A locally generated key pair and its CSR, for sign mode. The key is generated with the JDK's
 * providers; BouncyCastle builds the PKCS#10 request and the PEM text.
 */
final class KeyMaterial {
  private final KeyPair keyPair;

  private KeyMaterial(KeyPair keyPair) {
    this.keyPair = keyPair;
  }

  /** A fresh key pair of {@code algorithm}. */
  static KeyMaterial generate(KeyAlgorithm algorithm, SecureRandom random) {
    try {
      KeyPairGenerator generator;
      if (algorithm == KeyAlgorithm.EC_P256) {
        generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      } else {
        generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(algorithm.bits(), random);
      }
      return new KeyMaterial(generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the jdk cannot generate " + algorithm + " keys", e);
    }
  }

  KeyPair keyPair() {
    return keyPair;
  }

  /** A PEM CSR for {@code commonName} with {@code altNames} as DNS SANs, signed by the key. */
  String csrPem(String commonName, List<String> altNames) {
    try {
      JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(
          new X500Principal("CN=" + commonName), keyPair.getPublic());
      if (!altNames.isEmpty()) {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        GeneralName[] names = altNames.stream()
            .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
        extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
            extensions.generate());
      }
      String signature = keyPair.getPublic().getAlgorithm().equals("EC")
          ? "SHA256withECDSA" : "SHA256withRSA";
      PKCS10CertificationRequest csr =
          builder.build(new JcaContentSignerBuilder(signature).build(keyPair.getPrivate()));
      return pem(csr);
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot build a certificate signing request", e);
    }
  }

  /** The private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), which Prometheus reads. */
  Secret privateKeyPem() {
    try {
      return Secret.of(pem(new JcaPKCS8Generator(keyPair.getPrivate(), null).generate()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the private key", e);
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "KeyMaterial{" + keyPair.getPublic().getAlgorithm() + ", private key <secret>}";
  }
}
