package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.core.model.Secret;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An observation's look at the credential file never waits for its read: a read that hangs
 * (a volume that does not answer) is named in what the observation reports, and the change it
 * finds once the volume answers is told to the listeners, which start the next observation.
 */
class TokenRefusalsLookTest {
  private static final CredentialDigest OLD = CredentialDigest.of(Secret.of("hvs.old"));
  private static final CredentialDigest FIXED = CredentialDigest.of(Secret.of("hvs.fixed"));
  private static final Instant FIRST = Instant.parse("2026-12-07T10:00:00Z");
  private static final long BOUND_SECONDS = 30;

  /** The volume of the credential file: its reads wait until it answers. */
  private final CountDownLatch volume = new CountDownLatch(1);
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicInteger changes = new AtomicInteger();
  private final TokenRefusals refusals = new TokenRefusals(() -> 1, () -> OLD, () -> {
    reads.incrementAndGet();
    try {
      return volume.await(BOUND_SECONDS, TimeUnit.SECONDS) ? FIXED : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  });

  @AfterEach
  void answer() {
    volume.countDown();
  }

  @Test
  void aLookWhoseReadHangsReturnsAtOnceNamesTheHangAndToldTheChangeOnceItEnds()
      throws Exception {
    refusals.addChangeListener(changes::incrementAndGet);
    refusals.refused(refusals.attemptBegins(), new TokenOrigin(1, OLD), FIRST);

    // on a thread of its own, so that a look that waits fails the test, not holds it
    CompletableFuture<Void> look = CompletableFuture.runAsync(
        () -> refusals.lookAtCredential(FIRST));
    try {
      look.get(5, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      fail("the observation's look still waits for the read after 5 s");
    }
    CompletableFuture.runAsync(() -> refusals.lookAtCredential(FIRST.plusSeconds(1)))
        .get(5, TimeUnit.SECONDS); // the next observation, the read still hanging
    assertEquals(Optional.of("the vault login credential's file, read again since " + FIRST
        + ", has not answered (is its volume hanging?): the clusters waiting for the credential "
        + "are asked once it answers with another one"), refusals.lookHangs());
    // the look's thread may not have begun its read yet: wait for it, bounded
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (reads.get() == 0) {
      assertTrue(System.nanoTime() < deadline, "the look's read did not begin");
      Thread.onSpinWait();
      Thread.yield();
    }
    assertEquals(1, reads.get(), "one read at a time");

    volume.countDown();
    while (changes.get() == 0) {
      assertTrue(System.nanoTime() < deadline, "the change was not told to the listeners");
      Thread.onSpinWait();
      Thread.yield();
    }
    assertTrue(refusals.worksAgain(), "the file holds another credential");
    assertEquals(Optional.empty(), refusals.lookHangs());
  }
}
