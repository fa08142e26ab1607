package io.promcc.core.port;

import java.time.Duration;

/**
 * The one lifecycle of everything the controller starts besides itself: cluster sources and
 * certificate sources. The controller calls {@link #start()}, then {@link #awaitSynced} with a
 * bound before the first reconcile (nothing is written from a partial view), and {@link #close()}
 * when it stops.
 *
 * <p>The defaults suit a source that needs no background work (a file, an in-memory list): it is
 * synced as soon as it exists. Implementations are thread-safe; {@code start} and {@code close}
 * are idempotent, and a closed source cannot be started again.
 */
public interface Lifecycle extends AutoCloseable {

  /** Starts background work (informers, watches, logins). Returns at once. Idempotent. */
  default void start() {}

  /**
   * Waits until the source has a complete view, or the timeout passes.
   *
   * @return true if synced, false if {@code timeout} passed first (the source keeps trying)
   * @throws InterruptedException if the waiting thread is interrupted
   */
  default boolean awaitSynced(Duration timeout) throws InterruptedException {
    return true;
  }

  /** Stops background work and releases resources. Idempotent; never throws a checked exception. */
  @Override
  default void close() {}
}
