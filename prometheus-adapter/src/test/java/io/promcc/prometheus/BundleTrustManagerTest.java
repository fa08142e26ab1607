package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.testing.MutableClock;
import io.promcc.core.testing.ThrowawayCa;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The certificates of a CA bundle verify Prometheus' while they are valid: one that expires
 * while the controller runs verifies nothing from the next full handshake on, as one expired
 * when the bundle was read, where the JDK took it as valid for ever.
 */
class BundleTrustManagerTest {
  private static final Instant NOW = Instant.now();

  @Test
  void aCaThatExpiresWhileRunningVerifiesNothingFromThenOn() throws CertificateException {
    ThrowawayCa expiring = ThrowawayCa.create("expiring prometheus ca",
        NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
    ThrowawayCa other = ThrowawayCa.create("other ca");
    X509Certificate[] chain = {expiring.issueServer().certificate(), expiring.certificate()};
    MutableClock clock = new MutableClock(NOW);
    BundleTrustManager trust = new BundleTrustManager(Path.of("/etc/prometheus-ca/ca.pem"),
        List.of(expiring.certificate(), other.certificate()), clock);

    trust.checkServerTrusted(chain, "ECDHE_ECDSA");
    clock.advance(Duration.ofDays(2));
    CertificateException e = assertThrows(CertificateException.class,
        () -> trust.checkServerTrusted(chain, "ECDHE_ECDSA"));

    assertEquals("is signed by \"CN=expiring prometheus ca\" of the ca bundle "
        + "\"/etc/prometheus-ca/ca.pem\", which expired at "
        + expiring.certificate().getNotAfter().toInstant(), e.getMessage());
  }

  @Test
  void aBundleWhoseEveryCaExpiredWhileRunningNamesTheOneThatSignedTheChain() {
    ThrowawayCa expiring = ThrowawayCa.create("expiring prometheus ca",
        NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
    X509Certificate[] chain = {expiring.issueServer().certificate()};
    MutableClock clock = new MutableClock(NOW.plus(Duration.ofDays(2)));
    BundleTrustManager trust = new BundleTrustManager(Path.of("/etc/prometheus-ca/ca.pem"),
        List.of(expiring.certificate()), clock);

    CertificateException e = assertThrows(CertificateException.class,
        () -> trust.checkServerTrusted(chain, "ECDHE_ECDSA"));

    assertEquals("is signed by \"CN=expiring prometheus ca\" of the ca bundle "
        + "\"/etc/prometheus-ca/ca.pem\", which expired at "
        + expiring.certificate().getNotAfter().toInstant(), e.getMessage());
  }
}
