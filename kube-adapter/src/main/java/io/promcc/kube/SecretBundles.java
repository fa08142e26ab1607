package io.promcc.kube;

import static io.promcc.kube.SecretCertificateSource.SECRET_INCOMPLETE;
import static io.promcc.kube.SecretCertificateSource.SECRET_INVALID;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.KeyPairs;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateUnavailableException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A certificate bundle read from a Secret's data for {@link SecretCertificateSource}: the three
 * PEM keys present, parsed, and the private key the certificate's. Pure and stateless.
 */
final class SecretBundles {
  private SecretBundles() {}

  /**
   * The bundle in a Secret's {@code data}, read with {@code settings}' keys.
   *
   * @param name how messages name the Secret, e.g. {@code secret "ns/name"}
   * @throws CertificateUnavailableException {@value SecretCertificateSource#SECRET_INCOMPLETE}
   *     naming the missing keys, or {@value SecretCertificateSource#SECRET_INVALID}
   */
  static CertificateBundle read(ClusterId cluster, Map<String, byte[]> secretData, String name,
      SecretSettings settings) {
    String id = cluster.value();
    Map<String, byte[]> data = secretData == null ? Map.of() : secretData;
    List<String> missing = new ArrayList<>();
    for (String key : List.of(settings.caKey(), settings.certificateKey(),
        settings.privateKeyKey())) {
      byte[] value = data.get(key);
      if (value == null || value.length == 0) {
        missing.add(Quoting.quote(key));
      }
    }
    if (!missing.isEmpty()) {
      throw new CertificateUnavailableException(cluster, SECRET_INCOMPLETE,
          name + " for cluster " + Quoting.quote(id) + " lacks data "
              + (missing.size() == 1 ? "key " : "keys ") + String.join(", ", missing));
    }
    try {
      CertificateBundle bundle = CertificateBundle.fromPem(
          text(data.get(settings.caKey())), text(data.get(settings.certificateKey())),
          Secret.of(text(data.get(settings.privateKeyKey()))));
      Optional<String> mismatch = keyProblem(bundle);
      if (mismatch.isPresent()) {
        throw new CertificateUnavailableException(cluster, SECRET_INVALID,
            name + " for cluster " + Quoting.quote(id) + " is unusable: " + mismatch.get());
      }
      return bundle;
    } catch (InvalidValueException e) {
      throw new CertificateUnavailableException(cluster, SECRET_INVALID,
          name + " for cluster " + Quoting.quote(id) + " is unusable: " + e.getMessage(), e);
    }
  }

  /**
   * Why the bundle's key cannot be used with its certificate (PKCS#8, PKCS#1 or SEC1 PEM, not
   * encrypted), if it cannot; never quoting the key.
   */
  private static Optional<String> keyProblem(CertificateBundle bundle) {
    PrivateKey key;
    try (PEMParser parser = new PEMParser(new StringReader(bundle.privateKeyPem().reveal()))) {
      Object pem = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (pem instanceof PrivateKeyInfo info) {
        key = converter.getPrivateKey(info);
      } else if (pem instanceof PEMKeyPair pair) {
        key = converter.getKeyPair(pair).getPrivate();
      } else {
        return Optional.of("its private key is not an unencrypted PEM private key");
      }
    } catch (IOException | RuntimeException e) {
      return Optional.of("its private key cannot be read");
    }
    return KeyPairs.matches(key, CertificateBundle.parseCertificate(bundle.certificatePem(),
        "client certificate").getPublicKey()) ? Optional.empty()
        : Optional.of("its private key is not the certificate's");
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
