package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One bound for the stop of the threads that read watched files: a {@link FileWatcher}'s own,
 * and those of its listeners' reads ({@link CoalescedRuns}: the clusters file's, the base config
 * and profile's). Each close interrupts its thread and waits for it only as long as is left of
 * {@link #TOTAL}, less what the closes before it waited: a read that ignores its interrupt (a
 * stuck volume) holds the stop {@link #TOTAL} at most, whichever thread it is on and however
 * many do so, where each close waited 5 s of its own, 15 s in all for three such threads (past
 * the 10 s a stop of promcc waits for, and Kubernetes' default grace period). Only the time
 * waited counts, so a close of a thread that ends at once leaves the others their time, however
 * long before them it came. A thread not ended when none is left ends with the process (they
 * are daemon threads). One per watcher, shared by what reads its watched files.
 *
 * <p>Thread-safe.
 */
public final class StopBudget {
  /** How long the closes that share a budget wait for their threads, in all. */
  public static final Duration TOTAL = Duration.ofSeconds(5);

  private final Duration total;
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

  /**
   * {@code total} measured on {@code ticker}: nanoseconds, as {@link System#nanoTime()} (seams
   * for tests, whose threads ignore their interrupts for less than 5 s).
   */
  StopBudget(Duration total, LongSupplier ticker) {
    this.total = requireNonNull(total, "total == null");
    this.ticker = requireNonNull(ticker, "ticker == null");
  }

  /**
   * Waits with {@code wait} at most what is left, and counts the time it took.
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
      return wait.await(left.isNegative() ? 0 : left.toNanos());
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
