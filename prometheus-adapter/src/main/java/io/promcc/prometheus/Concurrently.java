package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Maps a list through a CPU-bound function (or one reading files the page cache most likely
 * holds) on several threads, results in the input's order.
 *
 * <p>The calling thread works too, pulling items from the same counter as the helpers it hands to
 * the executor: a busy executor slows the work down but never stalls it (a helper that has not
 * started when the caller runs out of items is skipped, not waited for), and on one core nothing
 * is handed out. The function must be safe to call concurrently. An unchecked
 * exception or error of the function is rethrown to the caller (the first one seen); the other
 * threads stop taking new items. Thread-safe.
 */
final class Concurrently {
  /** At least this many items per thread: fewer are not worth a hand-off. */
  private static final int MIN_ITEMS_PER_THREAD = 16;

  private final Executor executor;
  private final int parallelism;

  /** Helpers from the common fork-join pool, as many threads in all as there are processors. */
  static Concurrently onCommonPool() {
    return new Concurrently(ForkJoinPool.commonPool(),
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param executor runs the helpers
   * @param parallelism threads in all, the caller's included (at least 1)
   */
  Concurrently(Executor executor, int parallelism) {
    this.executor = requireNonNull(executor, "executor == null");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, found " + parallelism);
    }
    this.parallelism = parallelism;
  }

  /** {@code function} applied to every item, in the items' order. */
  <T, R> List<R> map(List<T> items, Function<? super T, ? extends R> function) {
    requireNonNull(items, "items == null");
    requireNonNull(function, "function == null");
    int n = items.size();
    Object[] results = new Object[n];
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
        try {
          results[i] = function.apply(items.get(i));
        } catch (RuntimeException | Error e) {
          next.set(n); // the others stop at their next item
          throw e;
        }
      }
    };
    int helpers = Math.min(parallelism, Math.max(1, n / MIN_ITEMS_PER_THREAD)) - 1;
    List<AtomicBoolean> claims = new ArrayList<>(helpers);
    List<CompletableFuture<Void>> running = new ArrayList<>(helpers);
    for (int h = 0; h < helpers; h++) {
      AtomicBoolean claim = new AtomicBoolean();
      try {
        running.add(CompletableFuture.runAsync(() -> {
          if (claim.compareAndSet(false, true)) {
            worker.run();
          }
        }, executor));
        claims.add(claim);
      } catch (RejectedExecutionException e) {
        break; // the caller does the rest
      }
    }
    Throwable failure = null;
    try {
      worker.run();
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    for (int h = 0; h < running.size(); h++) {
      if (claims.get(h).compareAndSet(false, true)) {
        continue; // never started (a busy executor): it will find nothing to do
      }
      try {
        running.get(h).join(); // also makes the helper's results visible to this thread
      } catch (CompletionException e) {
        failure = failure == null ? e.getCause() : failure;
      }
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    @SuppressWarnings("unchecked")
    List<R> out = (List<R>) Arrays.asList(results);
    return out;
  }
}
