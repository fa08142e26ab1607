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
 * Prometheus' client's) after the stop as it tells their own ({@link #ofCurrentThread}). So do
 * the threads of promcc's own they start meanwhile (named {@code promcc-}: the file store's
 * writer threads, the readers of promtool's output), which inherit the mark; a thread a library
 * or the JVM starts for such work (a fork-join pool's worker, the delayed executor's timer, a
 * client's pool) goes on serving whatever it is handed later, another controller's work too,
 * and is not marked.
 *
 * <p>Thread-safe. What must agree with the stop's end synchronizes on this object, and does
 * nothing under it but read and set its state and log its lines.
 */
public final class StopEnd {
  /** How each line of what the stop gave up on begins once the stop's last line is logged. */
  public static final String AFTER_THE_STOP = "after the stop: ";

  /** How promcc names the threads it starts; the only ones that inherit a mark. */
  private static final String OWN_THREADS = "promcc-";
  private static final ThreadLocal<StopEnd> OF_THREAD = new ThreadLocal<>();
  /** The mark of the thread that started this one, while it ran marked. */
  private static final InheritableThreadLocal<StopEnd> INHERITED = new InheritableThreadLocal<>();

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
    StopEnd inheritedBefore = INHERITED.get();
    OF_THREAD.set(this);
    INHERITED.set(this); // for the threads the work starts
    try {
      work.run();
    } finally {
      OF_THREAD.set(before);
      INHERITED.set(inheritedBefore);
    }
  }

  /**
   * The stop whose work this thread runs ({@link #runMarked}), or whose work started it if it is
   * one of promcc's own (named {@code promcc-}), if any.
   */
  public static Optional<StopEnd> ofCurrentThread() {
    StopEnd own = OF_THREAD.get();
    if (own != null || !Thread.currentThread().getName().startsWith(OWN_THREADS)) {
      return Optional.ofNullable(own);
    }
    return Optional.ofNullable(INHERITED.get());
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
