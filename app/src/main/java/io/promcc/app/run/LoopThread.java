package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.app.loop.Joins;
import io.promcc.app.loop.ReconcileLoop;
import io.promcc.app.loop.StopEnd;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The reconcile loop on a daemon thread of its own, as a controller runs it, and what a stop
 * does with it: it waits for the loop, gives up on a reconcile that outlasts the wait (named in a
 * warning, and in the stop's last line if it has not ended by then), and tells what the loop died
 * of. A death before the stop gave up on it is the controller's failure ({@link #failure()}: the
 * process exits 1). The death of a reconcile the stop gave up on is not: the stop was asked and
 * goes on without it, and a reconcile it gave up on changes no exit code, whether it dies while
 * the parts close or after the stop; that death is logged with its stack trace, as during the
 * stop or after it, on the side of the stop's last line it falls on ({@link StopEnd}).
 *
 * <p>Thread-safe: {@link #start} once; the others from the controller's thread.
 */
final class LoopThread {
  private static final System.Logger LOG = System.getLogger(Controller.class.getName());

  private final ReconcileLoop loop;
  private final StopEnd stopEnd;
  private final Runnable died;
  private final Thread thread;
  private Throwable failure; // what it died of before it was given up on; guarded by stopEnd
  private String givenUp; // what the stop's last line calls it, once given up; guarded by stopEnd
  private boolean failureRead; // a death from now on is logged here; guarded by stopEnd

  /** {@code loop} on a thread of its own once started; {@code died} is told of its death. */
  LoopThread(ReconcileLoop loop, Runnable died) {
    this.loop = requireNonNull(loop, "loop == null");
    this.stopEnd = loop.stopEnd();
    this.died = requireNonNull(died, "died == null");
    this.thread = new Thread(this::run, "promcc-reconcile-loop");
    this.thread.setDaemon(true); // one the stop gave up on keeps no JVM alive
  }

  void start() {
    thread.start();
  }

  /**
   * Waits for the loop's end, {@code bound} at most, an interrupt of the waiting thread ending no
   * wait: the stop's waits are bounded. Returns whether it was interrupted (its status cleared).
   */
  boolean joinThroughInterrupts(Duration bound) {
    return Joins.throughInterrupts(thread, bound);
  }

  /**
   * The stop waits no longer: a reconcile still going on is given up on, named in a warning with
   * where its thread is (else the log said only "stopped"); {@code promcc run} exits next. Its
   * lines logged after the stop's last line say they come after the stop.
   *
   * @param waited since the stop, for the warning
   */
  void giveUp(Duration waited) {
    // read first: the loop logs under its own lock, then the stop's end's
    Optional<Instant> since = loop.status().runningSince();
    String what = since.map(at -> " began at " + at)
        .orElse(" was running (the loop had not ended)");
    synchronized (stopEnd) { // its end is logged before the warning, or it is given up on
      if (failure != null || !thread.isAlive() || !loop.reconciling()) {
        return; // it ended, and its end was logged
      }
      givenUp = "the reconcile that" + what;
      Exception where = new Exception("where " + thread.getName() + " was");
      where.setStackTrace(thread.getStackTrace());
      LOG.log(Level.WARNING, Controller.GAVE_UP + what + ", " + waited.toMillis() + " ms after "
          + "the stop (its waits interrupted); what it writes is whole, and it ends at the "
          + "latest with the process", where);
    }
  }

  /**
   * What the stop's last line calls the reconcile it gave up on, if that is still going on;
   * read as that line is logged, under the stop's end's lock.
   */
  Optional<String> givenUpRunning() {
    synchronized (stopEnd) {
      return Optional.ofNullable(givenUp).filter(what -> loop.reconciling());
    }
  }

  /**
   * What the loop died of before the stop gave up on it, if it did: the controller's failure.
   * A death after this call is logged with its stack trace, as after the stop.
   */
  Optional<Throwable> failure() {
    synchronized (stopEnd) {
      failureRead = true;
      return Optional.ofNullable(failure);
    }
  }

  /**
   * The loop, marked as the stop's ({@link StopEnd#runMarked}): what a reconcile the stop gave up
   * on logs after its last line says so, through whatever logger. Its death stops the controller
   * like a stop would.
   */
  private void run() {
    try {
      stopEnd.runMarked(loop::run);
    } catch (RuntimeException | Error e) { // the loop logged one line
      synchronized (stopEnd) {
        if (givenUp != null || failureRead) { // nothing else would print it
          LOG.log(Level.ERROR, stopEnd.ended() ? StopEnd.AFTER_THE_STOP
              + "the reconcile loop died" : "stopping: the reconcile loop died in the "
              + "reconcile the stop gave up on; the stop goes on, its exit code unchanged", e);
        } else {
          failure = e;
        }
      }
      died.run();
    }
  }
}
