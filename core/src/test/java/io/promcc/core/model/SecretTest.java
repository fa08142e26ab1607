package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.plan.FileDiff;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretTest {
  private static final String KEY = TestCertificates.read("client-key.pem");

  @Test
  void showsNothingWhenPrinted() {
    Secret secret = Secret.of("hunter2");
    assertEquals("<secret>", secret.toString());
    assertEquals("key=<secret>", "key=" + secret);
    assertEquals("<secret>", String.format("%s", secret));
    assertEquals("hunter2", secret.reveal());
  }

  @Test
  void comparesByValueWithAConstantHashCode() {
    assertEquals(Secret.of("a"), Secret.of("a"));
    assertNotEquals(Secret.of("a"), Secret.of("b"));
    assertNotEquals(Secret.of("a"), "a");
    assertEquals(Secret.of("a").hashCode(), Secret.of("b").hashCode());
  }

  @Test
  void noPrivateKeyTextReachesToStringsRejectionsOrExceptions() {
    List<String> shown = new ArrayList<>();
    GuestCluster ok = GuestCluster.of("ok", "aws", "https://h");
    GuestCluster noCert = GuestCluster.of("no-cert", "aws", "https://h");
    GuestCluster dup = GuestCluster.of("dup", "aws", "https://h");
    GuestCluster collides = GuestCluster.of("collides", "aws", "https://h")
        .withLabels(Map.of("cluster_id", "x"));
    List<GuestCluster> clusters = List.of(ok, noCert, dup, dup, collides);
    Map<ClusterId, CertificateBundle> certificates = TestCertificates.forAll(
        List.of(ok, dup, collides));
    DesiredState state = Planner.withDefaults().plan(clusters, certificates,
        ControllerSettings.DEFAULTS);
    assertEquals(3, state.rejections().size());
    assertTrue(state.files().values().stream().anyMatch(file -> file.text().equals(KEY)),
        "the key file itself holds the key");

    shown.add(state.toString());
    state.files().values().forEach(file -> shown.add(file.toString()));
    state.rejections().forEach(rejection -> {
      shown.add(rejection.toString());
      shown.add(rejection.message());
    });
    shown.add(FileDiff.between(state, Map.of()).toString());
    shown.add(TestCertificates.bundle().toString());
    shown.add(exceptionMessage(() -> CertificateBundle.fromPem(TestCertificates.read("ca.pem"),
        TestCertificates.read("client.pem"), Secret.of("not pem " + KEY.substring(40)))));
    // the key given where a certificate belongs, as when two files are swapped
    shown.add(exceptionMessage(() -> CertificateBundle.fromPem(KEY,
        TestCertificates.read("client.pem"), Secret.of(KEY))));
    shown.add(exceptionMessage(() -> CertificateBundle.fromPem(TestCertificates.read("ca.pem"),
        KEY, Secret.of(KEY))));
    shown.add(exceptionMessage(() -> new Planner(ScrapeProfile.defaultProfile(),
        BaseConfig.parse("scrape_configs:\n- job_name: a\n- job_name: a\n", "base.yml"))
        .plan(List.of(ok), certificates, ControllerSettings.DEFAULTS)));

    for (String text : shown) {
      for (String line : keyBody()) {
        assertFalse(text.contains(line.substring(0, 8)), () -> "key text in: " + text);
      }
      assertFalse(text.contains("PRIVATE KEY-----\n"), () -> "key text in: " + text);
    }
  }

  /**
   * A key given with the certificates (a combined PEM) stays out of the certificate text and
   * the world-readable certificate files; only the key file, mode 0600, holds it.
   */
  @Test
  void aKeyGivenWithTheCertificatesStaysOutOfTheirText() {
    String ca = TestCertificates.read("ca.pem");
    String client = TestCertificates.read("client.pem");
    CertificateBundle bundle = CertificateBundle.fromPem(ca + KEY,
        client + KEY.replace("PRIVATE KEY", "RSA PRIVATE KEY"), Secret.of(KEY));
    assertEquals(ca, bundle.caPem());
    assertEquals(client, bundle.certificatePem());
    assertEquals(KEY, bundle.privateKeyPem().reveal());

    GuestCluster cluster = GuestCluster.of("ok", "aws", "https://h");
    DesiredState state = Planner.withDefaults().plan(List.of(cluster),
        Map.of(cluster.id(), bundle), ControllerSettings.DEFAULTS);
    state.files().values().stream().filter(file -> file.kind() != FileKind.PRIVATE_KEY)
        .forEach(file -> assertFalse(file.text().contains("PRIVATE KEY"), file.toString()));
  }

  /**
   * A key block that does not end as it began (cut short, or ended under another label) is left
   * out up to the next block only: the certificates after it stay in the chain. A key under a
   * label with more than letters and digits (an OpenPGP key, a label with a dot or a hyphen) is
   * a key as well.
   */
  @Test
  void aKeyBlockWithoutItsEndOrWithAnOddLabelIsLeftOutAndTheCertificatesAfterItStay() {
    String ca = TestCertificates.read("ca.pem");
    String second = TestCertificates.read("client.pem");
    String cutShort = KEY.substring(0, KEY.indexOf("-----END"));
    String endedOtherwise = KEY.replace("BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY");
    String pgp = KEY.replace("PRIVATE KEY", "PGP PRIVATE KEY BLOCK");
    String dotted = KEY.replace("PRIVATE KEY", "X9.42 DH PRIVATE KEY");
    for (String key : List.of(cutShort, endedOtherwise, pgp, dotted)) {
      CertificateBundle bundle = CertificateBundle.fromPem(ca + key + second,
          TestCertificates.read("client.pem"), Secret.of(KEY));
      assertEquals(ca + second, bundle.caPem(), key);
    }
  }

  @Test
  void aKeyGivenAsCertificateIsNotQuoted() {
    InvalidValueException e = assertThrows(InvalidValueException.class,
        () -> CertificateBundle.fromPem(KEY, TestCertificates.read("client.pem"), Secret.of(KEY)));
    assertEquals("ca certificate is not a PEM certificate, found a PEM block of type \"PRIVATE "
        + "KEY\"", e.getMessage());
  }

  /**
   * A private key pasted as base64 DER (no PEM markers) where a certificate belongs: the message
   * says what the value looked like and quotes none of it.
   */
  @Test
  void aValueWithoutPemMarkersGivenAsCertificateIsDescribedNotQuoted() {
    String der = String.join("", keyBody());
    InvalidValueException ca = assertThrows(InvalidValueException.class,
        () -> CertificateBundle.fromPem(der, TestCertificates.read("client.pem"), Secret.of(KEY)));
    assertEquals("ca certificate is not a PEM certificate, found " + der.length()
        + " characters without PEM markers", ca.getMessage());
    InvalidValueException client = assertThrows(InvalidValueException.class,
        () -> CertificateBundle.fromPem(TestCertificates.read("ca.pem"), der + "\n",
            Secret.of(KEY)));
    assertEquals("client certificate is not a PEM certificate, found " + (der.length() + 1)
        + " characters without PEM markers", client.getMessage());
    assertNull(ca.value());
  }

  /** Nothing of a value that is not a certificate is quoted, whatever it holds. */
  @Test
  void aValueThatIsNotACertificateIsNeverQuoted() {
    String der = String.join("", keyBody());
    String publicKey = "-----BEGIN PUBLIC KEY-----\n" + der + "\n-----END PUBLIC KEY-----\n";
    String notACertificate = "-----BEGIN CERTIFICATE-----\n" + der
        + "\n-----END CERTIFICATE-----\n";
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("", "ca certificate is not a PEM certificate, found an empty value");
    expected.put(" \n", "ca certificate is not a PEM certificate, found only white space");
    expected.put(publicKey, "ca certificate is not a PEM certificate, found a PEM block of type"
        + " \"PUBLIC KEY\"");
    expected.put(KEY + publicKey, "ca certificate is not a PEM certificate, found PEM blocks of"
        + " types \"PRIVATE KEY\", \"PUBLIC KEY\"");
    expected.put(der + "\n" + notACertificate, null);
    expected.forEach((value, message) -> {
      InvalidValueException e = assertThrows(InvalidValueException.class,
          () -> CertificateBundle.fromPem(value, TestCertificates.read("client.pem"),
              Secret.of(KEY)));
      if (message != null) {
        assertEquals(message, e.getMessage());
      } else {
        assertTrue(e.getMessage().startsWith("ca certificate cannot be parsed ("),
            e.getMessage());
      }
      assertNull(e.value());
      for (int i = 0; i + 8 <= der.length(); i++) {
        assertFalse(e.getMessage().contains(der.substring(i, i + 8)), e.getMessage());
      }
    });
  }

  @Test
  void aKeyThatIsNotPemIsNotQuoted() {
    InvalidValueException e = assertThrows(InvalidValueException.class,
        () -> CertificateBundle.fromPem(TestCertificates.read("ca.pem"),
            TestCertificates.read("client.pem"), Secret.of("hunter2")));
    assertEquals("private key is not PEM, found \"<secret>\"", e.getMessage());
  }

  private static List<String> keyBody() {
    return KEY.lines().filter(line -> !line.startsWith("-----") && line.length() >= 16).toList();
  }

  private static String exceptionMessage(Runnable action) {
    PromccException e = assertThrows(PromccException.class, action::run);
    return e.getMessage();
  }
}
