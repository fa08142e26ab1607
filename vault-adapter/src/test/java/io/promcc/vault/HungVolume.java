package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A volume that hangs (NFS that does not answer) until {@link #answer()}: every read begun before
 * then waits for it, and the reads begun and ended are counted, as is the end of each read the
 * adapter gave up (its log line, on the thread that read the volume: a read an earlier test gave
 * up may end, and be logged, while this one runs). Made before the adapter's first read; closed
 * after each test, which answers first, so no read waits past the test.
 *
 * <p>Thread-safe: reads run on the adapter's reader threads, the rest on the test's.
 */
final class HungVolume implements AutoCloseable {
  private final long boundNanos;
  private final CountDownLatch back = new CountDownLatch(1);
  private final AtomicInteger begun = new AtomicInteger();
  private final AtomicInteger ended = new AtomicInteger();
  /** The threads that read the volume (the adapter's reader threads), by id. */
  private final Set<Long> readers = ConcurrentHashMap.newKeySet();
  /**
   * The adapter's log lines, where the end of a read given up is counted: a kept certificate's
   * is the source's, a login credential's the authenticator's.
   */
  private final LogCapture keptEnds = LogCapture.of(VaultCertificateSource.class);
  private final LogCapture credentialEnds = LogCapture.of(VaultAuthenticator.class);

  /**
   * A volume whose reads wait at most twice {@code bound} (far past every wait of the test),
   * and whose {@link #awaitReadsEnded} waits at most {@code bound}.
   */
  HungVolume(Duration bound) {
    boundNanos = bound.toNanos();
  }

  /**
   * Reads on the volume: waits until it answers, then returns what {@code read} gives; a read
   * the volume does not answer within its bound, or whose thread is interrupted (a hung NFS read
   * ignores it; this one keeps it), finds {@code nothing}.
   */
  <T> T read(Supplier<T> read, T nothing) {
    readers.add(Thread.currentThread().getId()); // threadId() is Java 19's
    begun.incrementAndGet();
    try {
      return back.await(boundNanos * 2, TimeUnit.NANOSECONDS) ? read.get() : nothing;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return nothing;
    } finally {
      ended.incrementAndGet();
    }
  }

  /** The volume answers: the reads waiting end, and reads from now on do not wait. */
  void answer() {
    back.countDown();
  }

  /**
   * The wait for a read as it begins: {@code hung} while the volume hangs (the reads the adapter
   * gives up), and once it answered the bound of this volume, far past the late start of a
   * reader thread on a busy machine (the reads that must end then).
   */
  Supplier<Duration> readWait(Duration hung) {
    return () -> back.getCount() == 0 ? Duration.ofNanos(boundNanos) : hung;
  }

  /** How many reads have begun on the volume. */
  int readsBegun() {
    return begun.get();
  }

  /**
   * Waits until {@code n} reads given up have ended and their end is counted (logged, as the
   * adapter stops giving every read up at once): a read ends before its end is counted, and a
   * read between the two is given up at once.
   */
  void awaitReadsEnded(int n) {
    long deadline = System.nanoTime() + boundNanos;
    while (ended.get() < n || endsCounted() < n) {
      assertTrue(System.nanoTime() < deadline, "reads ended: " + ended + ", counted: "
          + endsCounted() + "; " + keptEnds.lines() + credentialEnds.lines());
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  private long endsCounted() {
    return Stream.concat(keptEnds.records().stream(), credentialEnds.records().stream())
        .filter(r -> readers.contains(r.getLongThreadID()))
        .filter(r -> r.getMessage().contains("which did not end within")).count();
  }

  /** Answers (no read waits past the test), and stops counting the ends of reads. */
  @Override
  public void close() {
    answer();
    keptEnds.close();
    credentialEnds.close();
  }
}
