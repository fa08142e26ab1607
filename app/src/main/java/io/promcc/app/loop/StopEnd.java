package io.promcc.app.loop;

import java.util.Optional;

/**
 * The end of a stop, for what it gave up waiting for and goes on (the running reconcile, a
 * part's close): the stop's last line is logged under this object's lock, and so is each line of
 * what it gave up on, with the state that line and the last line read. So a line logged before
 * the last one never says it comes after the stop, only one logged after it does, and the last
 * line names as still running only what had not ended when it was logged.
 *
 * <p>The threads of what a stop may give up on run marked with it ({@link #runMarked}), so that
 * promcc's log handler tells the lines they log through any logger (the file store's,
 * Prometheus' client's) after the stop as it tells their own ({@link #ofCurrentThread}).
 *
 * <p>Thread-safe. What must agree with the stop's end synchronizes on this object, and does
 * nothing under it but read and set its state and log its lines.
 */
public final class StopEnd {
  /** How each line of what the stop gave up on begins once the stop's last line is logged. */
  public static final String AFTER_THE_STOP = "after the stop: ";

  private static final ThreadLocal<StopEnd> OF_THREAD = new ThreadLocal<>();

  private boolean ended; // guarded by this

  /**
   * Ends the stop: runs {@code lastLine} (which logs the stop's last line, reading under this
   * lock what still runs), after which each line of what runs on says it comes after the stop.
   * A second call does nothing.
   */
  public synchronized void end(Runnable lastLine) {
    if (ended) {
      return;
    }
    try {
      lastLine.run();
    } finally {
      ended = true;
    }
  }

  /**
   * Runs {@code work} on this thread marked as work this stop may give up on (the reconcile
   * loop, a part's close), what it throws thrown on; the thread's mark before is set back after.
   */
  public void runMarked(Runnable work) {
    StopEnd before = OF_THREAD.get();
    OF_THREAD.set(this);
    try {
      work.run();
    } finally {
      OF_THREAD.set(before);
    }
  }

  /** The stop whose work this thread runs ({@link #runMarked}), if any. */
  public static Optional<StopEnd> ofCurrentThread() {
    return Optional.ofNullable(OF_THREAD.get());
  }

  /** Whether the stop's last line was logged. */
  public synchronized boolean ended() {
    return ended;
  }

  /**
   * What a line of what the stop gave up on begins with: {@link #AFTER_THE_STOP} once the stop
   * ended, else nothing. Read under this lock with the line it begins.
   */
  public synchronized String late() {
    return ended ? AFTER_THE_STOP : "";
  }
}
