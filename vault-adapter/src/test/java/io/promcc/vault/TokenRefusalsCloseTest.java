package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The look at the login credential's file, on its own thread, is stopped by the close of the
 * certificate source: its read is interrupted (a file's read ends at an interrupt) and waited
 * for within what is left of the close's budget, and no look begins after. The read is the
 * test's: it waits for the test's release or an interrupt.
 */
class TokenRefusalsCloseTest {
  private static final long BOUND_SECONDS = 30;
  private static final CredentialDigest OLD = CredentialDigest.of(Secret.of("hvs.old"));

  private final CountDownLatch reading = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch interrupted = new CountDownLatch(1);
  private final AtomicBoolean ended = new AtomicBoolean();
  private final AtomicInteger reads = new AtomicInteger();
  /** Whether the read ends at an interrupt (a file's does; one on a hung volume does not). */
  private volatile boolean endsAtInterrupt = true;
  private final TokenRefusals refusals = new TokenRefusals(() -> 1, () -> OLD, this::read);

  @AfterEach
  void releaseTheRead() {
    release.countDown();
  }

  private CredentialDigest read() {
    reads.incrementAndGet();
    reading.countDown();
    try {
      while (true) {
        try {
          release.await(BOUND_SECONDS, TimeUnit.SECONDS);
          return OLD;
        } catch (InterruptedException e) {
          interrupted.countDown();
          if (endsAtInterrupt) {
            Thread.currentThread().interrupt();
            return null;
          }
        }
      }
    } finally {
      ended.set(true);
    }
  }

  /** Refuses the token, which begins a look, and waits until its read is under way. */
  private void lookUnderWay() throws InterruptedException {
    refusals.refused(refusals.attemptBegins(), new TokenOrigin(1, OLD), Instant.EPOCH);
    assertTrue(reading.await(BOUND_SECONDS, TimeUnit.SECONDS), "no look began");
  }

  @Test
  void theCloseInterruptsTheLookAndWaitsForItsEnd() throws Exception {
    lookUnderWay();

    CompletableFuture.runAsync(() -> refusals.close(Duration.ofSeconds(BOUND_SECONDS).toNanos()))
        .get(BOUND_SECONDS, TimeUnit.SECONDS);

    assertTrue(interrupted.await(BOUND_SECONDS, TimeUnit.SECONDS),
        "the look's read was not interrupted by the close");
    assertTrue(ended.get(), "the close returned before the look ended");
    refusals.lookAtCredential(Instant.EPOCH);
    assertTrue(refusals.lookHangs().isEmpty(), "a look began after the close");
    assertEquals(1, reads.get(), "a look began after the close");
  }

  @Test
  void aLookWhoseReadDoesNotEndAtTheInterruptHoldsTheCloseNoLongerThanItsBudget()
      throws Exception {
    endsAtInterrupt = false; // a volume that hangs
    lookUnderWay();

    CompletableFuture.runAsync(() -> refusals.close(Duration.ofMillis(50).toNanos()))
        .get(BOUND_SECONDS, TimeUnit.SECONDS);

    assertTrue(interrupted.await(BOUND_SECONDS, TimeUnit.SECONDS),
        "the look's read was not interrupted by the close");
    assertFalse(ended.get(), "the read ended by itself");
  }
}
