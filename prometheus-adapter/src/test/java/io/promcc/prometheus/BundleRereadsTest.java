package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.ThrowawayCa;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The CA bundle read again after a handshake (one it did not verify, and one it verified): at
 * most once per interval, a read that hangs (a volume) waited for at most the bound and none
 * started while it hangs, and a bundle that cannot be used now leaves the one read before. The
 * interval is timed on an injected ticker (nanoseconds, as {@link System#nanoTime()}), no wall
 * clock.
 */
class BundleRereadsTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Path FILE = Path.of("/etc/prometheus-ca/ca.pem");
  /** Nanoseconds, moved by hand; not zero: any origin will do. */
  private final AtomicLong ticker = new AtomicLong(123_456_789L);
  private final List<X509Certificate> bundle = List.of(ThrowawayCa.create("ca").certificate());
  private final AtomicInteger reads = new AtomicInteger();
  /** Counted down as a read begins, on its own thread, which may start after the bound. */
  private final CountDownLatch begun = new CountDownLatch(1);

  @Test
  void theBundleIsReadAtMostOncePerInterval() {
    BundleRereads rereads = new BundleRereads(FILE, () -> {
      reads.incrementAndGet();
      return bundle;
    }, ticker::get, INTERVAL, Duration.ofSeconds(30));

    assertEquals(Optional.of(bundle), rereads.read());
    advance(INTERVAL.minusNanos(1));
    assertEquals(Optional.empty(), rereads.read());
    advance(Duration.ofNanos(1));
    assertEquals(Optional.of(bundle), rereads.read());
    assertEquals(2, reads.get());
  }

  /**
   * A ticker that wraps around between two reads (System.nanoTime may, its origin being any)
   * neither stops the reads nor has one at every handshake: the interval is a difference of
   * two ticks.
   */
  @Test
  void aTickerThatWrapsAroundNeitherStopsNorStormsTheReads() {
    ticker.set(Long.MAX_VALUE - INTERVAL.toNanos() / 2);
    BundleRereads rereads = new BundleRereads(FILE, () -> {
      reads.incrementAndGet();
      return bundle;
    }, ticker::get, INTERVAL, Duration.ofSeconds(30));

    assertEquals(Optional.of(bundle), rereads.read());
    assertEquals(Optional.empty(), rereads.read()); // the read's end, past it, is wrapped
    advance(INTERVAL.minusNanos(1)); // past Long.MAX_VALUE
    assertEquals(Optional.empty(), rereads.read());
    advance(Duration.ofNanos(1));
    assertEquals(Optional.of(bundle), rereads.read());
    assertEquals(2, reads.get());
  }

  private void advance(Duration by) {
    ticker.addAndGet(by.toNanos());
  }

  @Test
  void aReadThatHangsIsWaitedForAtMostTheBoundAndNoneStartsUntilItEnds()
      throws InterruptedException {
    CountDownLatch volume = new CountDownLatch(1);
    BundleRereads rereads = new BundleRereads(FILE, () -> {
      reads.incrementAndGet();
      begun.countDown();
      while (true) {
        try {
          volume.await(); // as a read of a hung volume, which no interrupt ends
          break;
        } catch (InterruptedException e) {
          // it goes on
        }
      }
      return bundle;
    }, ticker::get, INTERVAL, Duration.ofMillis(200));

    long started = System.nanoTime();
    assertEquals(Optional.empty(), rereads.read());
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60));
    advance(INTERVAL);
    assertEquals(Optional.empty(), rereads.read()); // at once: the first still hangs
    assertTrue(begun.await(60, TimeUnit.SECONDS), "the first read began");
    assertEquals(1, reads.get());
    volume.countDown();
  }

  /**
   * A handshake the bundle verified reads it at most once per interval since any read, the
   * start's included (this was made just after it), and its reads keep none from a handshake
   * the bundle did not verify: a rotation's new certificate of Prometheus, seen just after one,
   * is not refused for an interval.
   */
  @Test
  void aVerifiedHandshakeReadsOncePerIntervalSinceAnyAndKeepsNoneFromOneNotVerified() {
    BundleRereads rereads = new BundleRereads(FILE, () -> {
      reads.incrementAndGet();
      return bundle;
    }, ticker::get, INTERVAL, Duration.ofSeconds(30));

    assertEquals(Optional.empty(), rereads.readVerified()); // the start read it
    advance(INTERVAL);
    assertEquals(Optional.of(bundle), rereads.readVerified());
    assertEquals(Optional.of(bundle), rereads.read());
    advance(INTERVAL.minusNanos(1));
    assertEquals(Optional.empty(), rereads.readVerified());
    advance(Duration.ofNanos(1));
    assertEquals(Optional.of(bundle), rereads.readVerified());
    assertEquals(3, reads.get());
  }

  /** A read that hangs keeps the reads of verified handshakes from starting as well. */
  @Test
  void aReadThatHangsKeepsTheReadsOfVerifiedHandshakesFromStarting()
      throws InterruptedException {
    CountDownLatch volume = new CountDownLatch(1);
    BundleRereads rereads = new BundleRereads(FILE, () -> {
      reads.incrementAndGet();
      begun.countDown();
      while (true) {
        try {
          volume.await(); // as a read of a hung volume, which no interrupt ends
          break;
        } catch (InterruptedException e) {
          // it goes on
        }
      }
      return bundle;
    }, ticker::get, INTERVAL, Duration.ofMillis(200));

    assertEquals(Optional.empty(), rereads.read());
    advance(INTERVAL);
    assertEquals(Optional.empty(), rereads.readVerified()); // at once: the first still hangs
    assertTrue(begun.await(60, TimeUnit.SECONDS), "the first read began");
    assertEquals(1, reads.get());
    volume.countDown();
  }

  @Test
  void aBundleThatCannotBeUsedNowIsNoAnswer() {
    BundleRereads rereads = new BundleRereads(FILE, () -> {
      throw new IllegalStateException("holds no pem certificate");
    }, ticker::get, INTERVAL, Duration.ofSeconds(30));

    assertEquals(Optional.empty(), rereads.read());
  }

  /**
   * A handshake interrupted while it waits for a read that hangs leaves that read known as
   * hanging, as one given up at the bound is: no second reader starts beside it.
   */
  @Test
  void aReadThatHangsPastAnInterruptedWaitStartsNoOtherReader() throws InterruptedException {
    CountDownLatch volume = new CountDownLatch(1);
    CountDownLatch reading = new CountDownLatch(1);
    BundleRereads rereads = new BundleRereads(FILE, () -> {
      reads.incrementAndGet();
      reading.countDown();
      while (true) {
        try {
          volume.await(); // as a read of a hung volume, which no interrupt ends
          break;
        } catch (InterruptedException e) {
          // it goes on
        }
      }
      return bundle;
    }, ticker::get, INTERVAL, Duration.ofSeconds(30));
    Thread handshake = new Thread(rereads::read, "handshake");
    handshake.start();
    assertTrue(reading.await(60, TimeUnit.SECONDS));

    handshake.interrupt();
    handshake.join(TimeUnit.SECONDS.toMillis(60));
    advance(INTERVAL);

    try {
      assertFalse(handshake.isAlive());
      assertEquals(Optional.empty(), rereads.read()); // at once: the first still hangs
      assertEquals(1, reads.get());
    } finally {
      volume.countDown();
    }
  }

  /**
   * A bundle that cannot be used at a read (missing, empty mid-rotation) leaves the certificates
   * read before, said once with the reason while it stays so, not at every read; a read that
   * finds it usable again says so once.
   */
  @Test
  void aBundleThatCannotBeUsedIsSaidOnceAndItsReturnToo() {
    String missing = "prometheus ca bundle cannot be read (no such file or directory), found \""
        + FILE + "\"";
    BundleRereads rereads = new BundleRereads(FILE, () -> {
      if (reads.incrementAndGet() <= 2) {
        throw new IllegalStateException(missing);
      }
      return bundle;
    }, ticker::get, INTERVAL, Duration.ofSeconds(30));

    try (LogCapture log = LogCapture.of(BundleRereads.class)) {
      assertEquals(Optional.empty(), rereads.read());
      advance(INTERVAL);
      assertEquals(Optional.empty(), rereads.readVerified());
      advance(INTERVAL);
      assertEquals(Optional.of(bundle), rereads.read());
      advance(INTERVAL);
      assertEquals(Optional.of(bundle), rereads.readVerified());

      assertEquals(List.of("WARNING " + missing + ", when read again: the certificates read "
          + "before go on verifying prometheus' (it is read again at most every 10 s)",
          "INFO prometheus ca bundle \"" + FILE + "\" can be used again: read again, 1 "
          + "certificate(s)"), log.lines());
    }
  }

  /** A read given up at the bound is said once, not again while it hangs. */
  @Test
  void aReadThatHangsIsSaidOnce() {
    CountDownLatch volume = new CountDownLatch(1);
    BundleRereads rereads = new BundleRereads(FILE, () -> {
      while (true) {
        try {
          volume.await(); // as a read of a hung volume, which no interrupt ends
          return bundle;
        } catch (InterruptedException e) {
          // it goes on
        }
      }
    }, ticker::get, INTERVAL, Duration.ofMillis(200));

    try (LogCapture log = LogCapture.of(BundleRereads.class)) {
      assertEquals(Optional.empty(), rereads.read());
      advance(INTERVAL);
      assertEquals(Optional.empty(), rereads.readVerified());

      assertEquals(List.of("WARNING prometheus ca bundle \"" + FILE + "\" was not read within "
          + "200 ms (its volume may hang), when read again: the certificates read before go on "
          + "verifying prometheus' (it is read again at most every 10 s)"), log.lines());
    } finally {
      volume.countDown();
    }
  }
}
