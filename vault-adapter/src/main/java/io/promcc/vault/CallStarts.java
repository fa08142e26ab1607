package io.promcc.vault;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Whether a call of {@link VaultConnection} may start: not on an interrupted thread, nor on any
 * thread once {@link #refuse()} was called. A close interrupts its workers one after the other,
 * so a worker it has not interrupted yet (one that waited for another worker's login, whose
 * interrupt let go of the lock) would start a call after the close began; the close refuses
 * first, and a call starts under the read lock that the refusal waits for: none starts after
 * it. Thread-safe.
 */
final class CallStarts {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean refused; // guarded by lock

  /**
   * What {@code start} answers, run unless the calling thread is interrupted ({@code
   * interrupted} is thrown) or {@link #refuse()} was called ({@code refusedAfterClose}). {@code
   * start} must only start the call, not wait for it: the refusal waits for it.
   */
  <T> T start(Supplier<T> start, Supplier<VaultRequestException> interrupted,
      Supplier<VaultRequestException> refusedAfterClose) {
    lock.readLock().lock();
    try {
      if (refused) {
        throw refusedAfterClose.get();
      }
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted.get();
      }
      return start.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** From now on, no call starts; waits for those starting now. Idempotent. */
  void refuse() {
    lock.writeLock().lock();
    try {
      refused = true;
    } finally {
      lock.writeLock().unlock();
    }
  }
}
