package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import java.security.KeyPair;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ThrowawayCaTest {
  private static final ThrowawayCa CA = ThrowawayCa.create("test ca");

  private static Set<String> sans(X509Certificate certificate) throws Exception {
    Set<String> names = new TreeSet<>();
    certificate.getSubjectAlternativeNames().forEach(name -> names.add(name.get(1).toString()));
    return names;
  }

  @Test
  void theCaIsSelfSignedAndMaySignCertificates() throws Exception {
    X509Certificate ca = CA.certificate();
    ca.verify(ca.getPublicKey());
    assertEquals("CN=test ca", ca.getSubjectX500Principal().getName());
    assertEquals(Integer.MAX_VALUE, ca.getBasicConstraints(), "a CA without path length limit");
    assertTrue(ca.getKeyUsage()[5], "keyCertSign");
    assertEquals(ca, Pem.certificate(CA.certificatePem()));
  }

  @Test
  void serverCertificatesNameTheLoopbackAddressesAndServeTls() throws Exception {
    ThrowawayCa.Issued server = CA.issueServer("api.example.com");

    server.certificate().verify(CA.certificate().getPublicKey());
    assertEquals(Set.of("localhost", "api.example.com", "127.0.0.1", "0:0:0:0:0:0:0:1"),
        sans(server.certificate()));
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), server.certificate().getExtendedKeyUsage());
    assertEquals(-1, server.certificate().getBasicConstraints(), "not a CA");
    assertEquals(CA.certificatePem(), server.caPem());
  }

  @Test
  void clientCertificatesCarryTheCommonNameAndMatchTheirKey() throws Exception {
    ThrowawayCa.Issued client = CA.issueClient("prometheus.abc12");

    assertEquals("CN=prometheus.abc12", client.certificate().getSubjectX500Principal().getName());
    assertEquals(List.of("1.3.6.1.5.5.7.3.2"), client.certificate().getExtendedKeyUsage());
    assertTrue(Pem.keyMatches(Pem.privateKey(client.privateKeyPem()), client.certificate()));
    assertFalse(Pem.keyMatches(CA.issueClient("other").privateKey(), client.certificate()));
    CertificateBundle bundle = client.bundle();
    assertEquals(client.certificate().getNotAfter().toInstant(), bundle.notAfter());
  }

  @Test
  void signsAGivenRsaKeyWithBothUsagesAndAnyValidity() throws Exception {
    KeyPair rsa = ThrowawayCa.rsaKeyPair(2048);
    Instant notAfter = Instant.now().minus(Duration.ofDays(1));

    X509Certificate leaf = CA.sign(new ThrowawayCa.Leaf("old", rsa.getPublic(),
        List.of("a.example.com"), List.of(), notAfter.minus(Duration.ofDays(3)), notAfter,
        EnumSet.allOf(ThrowawayCa.Usage.class)));

    leaf.verify(CA.certificate().getPublicKey());
    assertEquals(rsa.getPublic(), leaf.getPublicKey());
    assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage());
    assertThrows(CertificateExpiredException.class, () -> leaf.checkValidity(new Date()));
    assertTrue(leaf.getSerialNumber().bitLength() > 150, "a 20-byte serial as Vault makes");
  }

  @Test
  void privateKeysReadBackFromEveryPemForm() {
    KeyPair ec = ThrowawayCa.ecKeyPair();
    KeyPair rsa = ThrowawayCa.rsaKeyPair(2048);

    assertTrue(Pem.pkcs8(ec.getPrivate()).startsWith("-----BEGIN PRIVATE KEY-----\n"));
    assertTrue(Pem.traditional(ec).startsWith("-----BEGIN EC PRIVATE KEY-----\n"));
    assertTrue(Pem.traditional(rsa).startsWith("-----BEGIN RSA PRIVATE KEY-----\n"));
    for (KeyPair keys : List.of(ec, rsa)) {
      X509Certificate certificate = CA.issueClient("k", keys).certificate();
      assertTrue(Pem.keyMatches(Pem.privateKey(Pem.pkcs8(keys.getPrivate())), certificate));
      assertTrue(Pem.keyMatches(Pem.privateKey(Pem.traditional(keys)), certificate));
    }
    IllegalArgumentException notAKey = assertThrows(IllegalArgumentException.class,
        () -> Pem.privateKey(CA.certificatePem()));
    assertEquals("not a PEM private key, found X509CertificateHolder", notAKey.getMessage());
  }

  @Test
  void issuedNeverShowsItsKey() {
    ThrowawayCa.Issued client = CA.issueClient("c");

    assertEquals("Issued{CN=c, key <secret>}", client.toString());
  }
}
