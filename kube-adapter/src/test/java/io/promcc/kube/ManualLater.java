package io.promcc.kube;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A {@link Later} on a test's ticker: a task runs when the test calls {@link #runDue()} with the
 * ticker at or past its time, on the test's thread. Thread-safe.
 */
final class ManualLater implements Later {
  private final LongSupplier ticker;
  private final List<Task> tasks = new ArrayList<>();

  private record Task(long due, Runnable task) {}

  ManualLater(LongSupplier ticker) {
    this.ticker = ticker;
  }

  @Override
  public synchronized void run(Duration delay, Runnable task) {
    tasks.add(new Task(ticker.getAsLong() + delay.toNanos(), task));
  }

  /** How many tasks wait to run. */
  synchronized int pending() {
    return tasks.size();
  }

  /** Runs every task due at the ticker now, a task one of them leaves due now too. */
  void runDue() {
    while (true) {
      Task next;
      synchronized (this) {
        long now = ticker.getAsLong();
        next = tasks.stream().filter(t -> now - t.due() >= 0).findFirst().orElse(null);
        if (next == null) {
          return;
        }
        tasks.remove(next);
      }
      next.task().run();
    }
  }
}
