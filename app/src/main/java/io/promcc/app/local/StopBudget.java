package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One bound for the stop of the threads that read watched files: a {@link FileWatcher}'s own, and
 * those of its listeners' reads ({@link CoalescedRuns}: the clusters file's, the base config and
 * profile's). Each close interrupts its thread and waits for it only as long as is left of
 * {@link #TOTAL}, less what the closes before it waited: a read that ignores its interrupt (a stuck
 * volume) holds the stop {@link #TOTAL} at most (and {@link #LEAST} for each close after it),
 * whichever thread it is on and however many do so, where each close waited 5 s of its own, 15 s in
 * all for three such threads (past the 10 s a stop of promcc waits for, and Kubernetes' default
 * grace period). Only the time waited counts, so a close of a thread that ends at once leaves the
 * others their time, however long before them it came. A close that comes when less is left still
 * waits {@link #LEAST}, so that a thread closed after a stuck one, idle or about to end, ends at
 * its interrupt and is not named as stuck, where it was given no time and named with the stuck one:
 * the stop waits {@link #TOTAL}, and {@link #LEAST} for each later close, at most. A thread not
 * ended then ends with the process (they are daemon threads). One per watcher, shared by what reads
 * its watched files.
 *
 * <p>Thread-safe.
 */
public final class StopBudget {
  /** How long the closes that share a budget wait for their threads, in all. */
  public static final Duration TOTAL = Duration.ofSeconds(5);
  /** The least a close waits for its thread, however little of {@link #TOTAL} is left. */
  public static final Duration LEAST = Duration.ofMillis(500);

  private final Duration total;
  private final Duration least;
  private final LongSupplier ticker;
  private Duration waited = Duration.ZERO; // guarded by this

  /** A wait for a thread to end, as {@link java.util.concurrent.ExecutorService}'s. */
  @FunctionalInterface
  interface TimedWait {
    /** Waits at most {@code nanos} (none if 0); true if the thread ended. */
    boolean await(long nanos) throws InterruptedException;
  }

  /** {@link #TOTAL} on the system's monotonic time. */
  public StopBudget() {
    this(TOTAL, System::nanoTime);
  }

  /** {@code total} measured on {@code ticker}, each close waiting {@link #LEAST} at least. */
  StopBudget(Duration total, LongSupplier ticker) {
    this(total, LEAST, ticker);
  }

  /**
   * {@code total} measured on {@code ticker}: nanoseconds, as {@link System#nanoTime()}, each
   * close waiting {@code least} at least (seams for tests, whose threads ignore their interrupts
   * for less than 5 s).
   */
  StopBudget(Duration total, Duration least, LongSupplier ticker) {
    this.total = requireNonNull(total, "total == null");
    this.least = requireNonNull(least, "least == null");
    this.ticker = requireNonNull(ticker, "ticker == null");
  }

  /**
   * Waits with {@code wait} at most what is left, or the least a close waits if that is more,
   * and counts the time it took.
   *
   * @return whether the thread ended
   * @throws InterruptedException if the closing thread is interrupted
   */
  boolean await(TimedWait wait) throws InterruptedException {
    Duration left;
    synchronized (this) {
      left = total.minus(waited);
    }
    long before = ticker.getAsLong();
    try {
      return wait.await(left.compareTo(least) < 0 ? least.toNanos() : left.toNanos());
    } finally {
      Duration took = Duration.ofNanos(Math.max(ticker.getAsLong() - before, 0)); // gone back
      synchronized (this) {
        waited = waited.plus(took);
      }
    }
  }

  /** A close's log line: {@code thread}, interrupted, had not ended when the time was up. */
  String notEnded(String thread) {
    return thread + " had not ended when the " + total.toSeconds() + " s the stop gives the"
        + " threads that read watched files were up, its waits interrupted; it ends with the"
        + " process";
  }
}
