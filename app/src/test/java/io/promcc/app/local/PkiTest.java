package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The local CA's key handling with BouncyCastle registered as a JVM-wide provider, as the
 * Kubernetes client registers every provider on the class path once it sets up TLS (Kubernetes
 * discovery with {@code --certificates local-ca}): an EC key read back from its PEM is then
 * BouncyCastle's, named "ECDSA" instead of "EC".
 */
class PkiTest {
  private final boolean registeredBefore = Security.getProvider("BC") != null;

  @AfterEach
  void unregister() {
    if (!registeredBefore) {
      Security.removeProvider("BC");
    }
  }

  @Test
  void aKeyReadBackMatchesItsCertificateAndSignsWithAGlobalBouncyCastle() throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    KeyPair keys = Pki.newKeyPair();
    Instant now = Instant.parse("2026-12-04T10:00:00Z");
    X509Certificate ca = Pki.selfSignedCa(keys, "promcc local CA", now,
        now.plus(Duration.ofDays(365)));

    PrivateKey readBack = Pki.parsePrivateKey(Pki.pem(keys.getPrivate()));

    assertTrue(Pki.matches(readBack, ca.getPublicKey()), "the CA's own key, read back ("
        + readBack.getAlgorithm() + "), matches its certificate");
    X509Certificate issued = Pki.issue(ca, readBack, Pki.newKeyPair().getPublic(), "abc12",
        List.of(), KeyPurposeId.id_kp_clientAuth, now, now.plus(Duration.ofDays(1)));
    assertTrue(Pki.signedBy(issued, ca), "a certificate signed with the key read back");
  }
}
