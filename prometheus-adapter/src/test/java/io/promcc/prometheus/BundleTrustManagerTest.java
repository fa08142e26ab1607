package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import io.promcc.core.testing.ThrowawayCa;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
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

  /**
   * A call's read counts only a bundle found changed (a client is made again only then), and
   * drops the cached sessions with it; no read due, or the same certificates read, count none.
   */
  @Test
  void aCallsReadCountsOnlyABundleFoundChanged() {
    X509Certificate old = ThrowawayCa.create("old ca").certificate();
    X509Certificate kept = ThrowawayCa.create("kept ca").certificate();
    Queue<Optional<List<X509Certificate>>> reads = new ArrayDeque<>(List.of(Optional.empty(),
        Optional.of(List.of(old, kept)), Optional.of(List.of(kept)), Optional.empty(),
        Optional.of(List.of(kept))));
    AtomicInteger dropped = new AtomicInteger();
    BundleTrustManager trust = new BundleTrustManager(Path.of("/etc/prometheus-ca/ca.pem"),
        List.of(old, kept), new MutableClock(NOW), Optional::empty, reads::remove,
        dropped::incrementAndGet);

    assertEquals(List.of(0L, 0L, 1L, 1L, 1L), List.of(trust.readIfDue(), trust.readIfDue(),
        trust.readIfDue(), trust.readIfDue(), trust.readIfDue()));
    assertEquals(1, dropped.get());
  }
  /**
   * A CA that expires with no change of the file counts as a change at a call's read (sessions
   * dropped, a client made again: a kept connection is verified no more), named once in the log;
   * the reads after it count none and say nothing.
   */
  @Test
  void aCaExpiredSinceTheLastReadCountsAsAChangeNamedOnce() {
    ThrowawayCa expiring = ThrowawayCa.create("expiring prometheus ca",
        NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)));
    X509Certificate kept = ThrowawayCa.create("kept ca").certificate();
    List<X509Certificate> bundle = List.of(expiring.certificate(), kept);
    MutableClock clock = new MutableClock(NOW);
    AtomicInteger dropped = new AtomicInteger();
    BundleTrustManager trust = new BundleTrustManager(Path.of("/etc/prometheus-ca/ca.pem"),
        bundle, clock, Optional::empty, () -> Optional.of(bundle), dropped::incrementAndGet);

    try (LogCapture log = LogCapture.of(BundleTrustManager.class)) {
      assertEquals(0L, trust.readIfDue());
      // past the expiring CA, not the kept one (valid 2 days from its making, to the second)
      clock.advance(Duration.ofDays(1).plusHours(1));
      assertEquals(List.of(1L, 1L), List.of(trust.readIfDue(), trust.readIfDue()));

      assertEquals(1, dropped.get());
      assertEquals(List.of("WARNING prometheus ca bundle \"/etc/prometheus-ca/ca.pem\": "
          + "\"CN=expiring prometheus ca\" expired at "
          + expiring.certificate().getNotAfter().toInstant() + " since it was read: it "
          + "verifies nothing from now on (as for go and curl); the bundle's other "
          + "certificates verify prometheus'"), log.lines());
    }
  }

  /**
   * The count a call reads is raised only once the cached sessions are dropped: a call in
   * between would make a client whose first handshake resumes a session the CA taken out
   * verified, and keep that connection.
   */
  @Test
  void aChangeIsCountedOnlyOnceTheSessionsAreDropped() {
    X509Certificate old = ThrowawayCa.create("old ca").certificate();
    X509Certificate kept = ThrowawayCa.create("kept ca").certificate();
    Queue<Optional<List<X509Certificate>>> reads = new ArrayDeque<>(List.of(
        Optional.of(List.of(kept)), Optional.empty()));
    List<Long> seenWhileDropping = new ArrayList<>();
    BundleTrustManager[] trust = new BundleTrustManager[1];
    trust[0] = new BundleTrustManager(Path.of("/etc/prometheus-ca/ca.pem"), List.of(old, kept),
        new MutableClock(NOW), Optional::empty, reads::remove,
        () -> seenWhileDropping.add(trust[0].readIfDue())); // as a call on another thread

    assertEquals(1L, trust[0].readIfDue());

    assertEquals(List.of(0L), seenWhileDropping);
  }
}
