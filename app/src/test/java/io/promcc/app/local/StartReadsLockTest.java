package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ValidationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The clusters file's read at start takes the lock a change's read holds while it runs: one that
 * hangs on its volume holds the start no longer than a read of its own would, and fails it in
 * the same words, where the start would wait for that lock for good.
 */
class StartReadsLockTest {
  private static final Path FILE = Path.of("/volume/clusters.yml").toAbsolutePath();

  private final StartReads reads = new StartReads(Duration.ofMillis(200), path -> { });
  private final ReentrantLock lock = new ReentrantLock();

  @Test
  void aLockHeldByAReadThatHangsFailsTheStartNamingTheFileAndTheBound() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch back = new CountDownLatch(1);
    CompletableFuture<Void> hungRead = CompletableFuture.runAsync(() -> {
      lock.lock();
      try {
        held.countDown();
        back.await(30, TimeUnit.SECONDS); // the volume that hangs, released by the test
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        lock.unlock();
      }
    });
    try {
      assertTrue(held.await(30, TimeUnit.SECONDS), "the change's read holds the lock");
      ValidationException e = assertThrows(ValidationException.class,
          () -> reads.lock("clusters file \"" + FILE + "\"", lock));
      assertEquals("clusters file \"" + FILE + "\" is invalid (1 problem)\n  - was not read: its "
          + "read at start did not end within 200ms (is its volume hanging?)", e.getMessage());
      assertFalse(lock.isHeldByCurrentThread(), "the lock taken after all");
    } finally {
      back.countDown();
      hungRead.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFreeLockIsTakenAndAnInterruptIsKept() {
    Thread.currentThread().interrupt();
    try {
      reads.lock("clusters file \"" + FILE + "\"", lock);
      assertTrue(lock.isHeldByCurrentThread(), "the lock was not taken");
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt was lost");
    } finally {
      Thread.interrupted();
      if (lock.isHeldByCurrentThread()) {
        lock.unlock();
      }
    }
  }
}
