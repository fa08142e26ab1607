package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.testing.TestCertificates;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class VaultShapedBundlesTest {
  @Test
  void keysAreSec1AsVaultReturnsThemAndStillTheSameKeys() throws Exception {
    List<CertificateBundle> bundles = VaultShapedBundles.all();

    assertEquals(2, bundles.size());
    assertNotEquals(bundles.get(0).certificatePem(), bundles.get(1).certificatePem());
    CertificateBundle original = TestCertificates.bundle();
    String key = bundles.get(0).privateKeyPem().reveal();
    assertTrue(key.startsWith("-----BEGIN EC PRIVATE KEY-----\n"), key.lines().findFirst()
        .orElse(""));
    assertEquals(original.certificatePem(), bundles.get(0).certificatePem());
    assertEquals(privateValue(original.privateKeyPem().reveal()),
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(der(key)).getKey());
  }

  private static BigInteger privateValue(String pkcs8Pem) throws Exception {
    ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(der(pkcs8Pem)));
    return key.getS();
  }

  private static byte[] der(String pem) {
    return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
  }
}
