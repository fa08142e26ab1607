package io.promcc.app.loop;

/**
 * The end of a stop, for what it gave up waiting for and goes on (the running reconcile, a
 * part's close): the stop's last line is logged under this object's lock, and so is each line of
 * what it gave up on, with the state that line and the last line read. So a line logged before
 * the last one never says it comes after the stop, only one logged after it does, and the last
 * line names as still running only what had not ended when it was logged.
 *
 * <p>Thread-safe. What must agree with the stop's end synchronizes on this object, and does
 * nothing under it but read and set its state and log its lines.
 */
public final class StopEnd {
  /** How each line of what the stop gave up on begins once the stop's last line is logged. */
  public static final String AFTER_THE_STOP = "after the stop: ";

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
