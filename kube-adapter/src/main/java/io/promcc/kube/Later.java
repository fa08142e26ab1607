package io.promcc.kube;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once, a delay from now, on another thread: the checks of an open watch. Injected
 * beside the ticker that times it, so tests run the checks at a time of their own, no real
 * time passing.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
interface Later {
  /** The common pool's timer, on {@link System#nanoTime()}'s time. */
  Later SYSTEM = (delay, task) -> CompletableFuture.delayedExecutor(delay.toNanos(),
      TimeUnit.NANOSECONDS).execute(task);

  /** Runs {@code task} {@code delay} from now, on a thread of the implementation's. */
  void run(Duration delay, Runnable task);
}
