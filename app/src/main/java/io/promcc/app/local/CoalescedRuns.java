package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task on a thread of its own each time it is asked: a watch's listener that waits (for
 * a file to hold still) hands its work to one, so that the wait does not hold the shared
 * {@link FileWatcher}'s thread, and with it the other watched files' changes. Asks made before a
 * run begins make one run; one made while the task runs makes one more run after it (a change
 * seen during a read is read again). Runs never overlap, and follow one another in the order
 * asked. A task that throws is logged, and the next ask runs it again.
 *
 * <p>Thread-safe. {@link #close()} is idempotent: no run begins after it, a run under way is
 * interrupted (its waits end) and waited for at most what is left of its {@link StopBudget},
 * shared with the other threads that read watched files ({@link StopBudget#LEAST} if less is
 * left); asks then do nothing.
 */
public final class CoalescedRuns implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CoalescedRuns.class.getName());

  private final String name;
  private final String what; // what the task does, for a failure's log line
  private final Runnable task;
  private final Executor executor;
  private final ExecutorService owned; // null where the executor is the caller's
  private final StopBudget stops; // null where the executor is the caller's
  private final Object lock = new Object();
  private boolean queued; // guarded by lock: a run was handed over and has not begun
  private boolean closed; // guarded by lock

  private CoalescedRuns(String name, String what, Runnable task, Executor executor,
      ExecutorService owned, StopBudget stops) {
    this.name = requireNonNull(name, "name == null");
    this.what = requireNonNull(what, "what == null");
    this.task = requireNonNull(task, "task == null");
    this.executor = requireNonNull(executor, "executor == null");
    this.owned = owned;
    this.stops = stops;
  }

  /**
   * Runs {@code task} with {@code executor}, or without one ({@code null}) on its own thread
   * ({@link #onOwnThread}): what a source given an executor by its tests asks for.
   */
  public static CoalescedRuns onOwnThreadUnless(Executor executor, String threadName,
      String what, StopBudget stops, Runnable task) {
    return executor == null ? onOwnThread(threadName, what, stops, task)
        : with(executor, threadName, what, task);
  }

  /**
   * Runs {@code task} on a daemon thread named {@code threadName}, made at the first ask and
   * ended by {@link #close()}, which waits for it at most what is left of {@code stops} (or
   * {@link StopBudget#LEAST}); a failure of {@code task} logged as "{@code what} failed" (what
   * it reads, named: the log line of a failed watch named its file).
   */
  public static CoalescedRuns onOwnThread(String threadName, String what, StopBudget stops,
      Runnable task) {
    requireNonNull(stops, "stops == null");
    ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
      Thread made = new Thread(runnable, threadName);
      made.setDaemon(true);
      return made;
    });
    return new CoalescedRuns(threadName, what, task, thread, thread, stops);
  }

  /**
   * Runs {@code task} with {@code executor}, which must run what it is given one at a time and
   * in order (a seam for tests, which run it by hand or at once); {@link #close()} does not stop
   * it. A failure of {@code task} is logged as "{@code what} failed".
   */
  public static CoalescedRuns with(Executor executor, String name, String what, Runnable task) {
    return new CoalescedRuns(name, what, task, executor, null, null);
  }

  /**
   * Has the task run, after any run under way; nothing once closed. Never blocks long.
   *
   * @throws RuntimeException or {@link Error} what the executor failed with (a thread it could
   *     not make): no run was asked for, and the next ask asks again
   */
  public void ask() {
    synchronized (lock) {
      if (queued || closed) {
        return;
      }
      queued = true;
    }
    try {
      executor.execute(this::run);
    } catch (RejectedExecutionException e) {
      synchronized (lock) { // closed since: nothing runs any more
        queued = false;
      }
    } catch (RuntimeException | Error e) {
      // no run was handed over (a thread that could not be made: a limit of threads reached):
      // the next ask hands one over, where it would see one queued and do nothing for good
      synchronized (lock) {
        queued = false;
      }
      throw e;
    }
  }

  private void run() {
    synchronized (lock) {
      queued = false; // an ask from now on is one more run, after this one
      if (closed) {
        return;
      }
    }
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      // an Error too (a parse that recursed too deep), as the watcher's listeners: the next
      // ask runs the task again
      LOG.log(e instanceof Error ? Level.ERROR : Level.WARNING, what + " failed", e);
    }
  }

  /**
   * Stops the runs: interrupts one under way and waits for it, at most what is left of the
   * {@link StopBudget} ({@link StopBudget#LEAST} if less is left).
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (owned == null) {
      return;
    }
    owned.shutdownNow();
    try {
      if (!stops.await(nanos -> owned.awaitTermination(nanos, TimeUnit.NANOSECONDS))) {
        LOG.log(Level.WARNING, stops.notEnded(name));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "CoalescedRuns{" + name + "}";
  }
}
