package io.promcc.app.loop;

import static java.util.Objects.requireNonNull;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Runs reconciles when they are due (see {@link Schedule}), one at a time, on one thread.
 *
 * <p>{@link #trigger(String)} may be called from any thread (source listeners, file watchers);
 * it never blocks on a running reconcile. {@link #tick()} runs one reconcile if one is due now:
 * the production thread calls it from {@link #run()}, tests call it directly with a moved clock.
 * {@link #stop(Duration)} stops taking triggers, lets a running reconcile finish within the grace
 * period (files are never left half-written: the store replaces each atomically) and interrupts
 * its waits after that.
 *
 * <p>Thread-safe.
 */
public final class ReconcileLoop {
  private static final System.Logger LOG = System.getLogger(ReconcileLoop.class.getName());
  /** The loop wakes at least this often, so its heartbeat shows it is alive. */
  static final Duration HEARTBEAT = Duration.ofSeconds(1);

  /**
   * Told what the loop does, on the loop's thread: for health and metrics. Methods must be quick
   * and must not throw.
   */
  public interface Listener {
    /** The loop is alive and waiting. */
    default void heartbeat() {}

    /** A reconcile starts. */
    default void started() {}

    /** A reconcile ended with {@code result}. */
    void finished(ReconcileResult result);

    /**
     * The loop ended, on its own thread: {@code "stopped"} after {@link #stop}, else why (an
     * interrupt, or the class of what was thrown out of it). Called once.
     */
    default void ended(String reason) {}
  }

  /** What one run of the loop saw, for health and metrics. */
  public record Status(Instant heartbeat, Optional<Instant> runningSince,
      Optional<ReconcileResult> lastResult, Optional<Instant> lastSuccessAt,
      Optional<Instant> failingSince, int failuresInARow, boolean stopped) {}

  private final Supplier<ReconcileResult> reconcile;
  private final Listener listener;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ReentrantLock singleFlight = new ReentrantLock();
  private final Schedule schedule;

  // guarded by lock
  private boolean stopping;
  private boolean stopped;
  private boolean interruptedByStop;
  private Instant heartbeat;
  private Instant runningSince;
  private ReconcileResult lastResult;
  private Instant lastSuccessAt;
  private Instant failingSince;
  private Thread runner;
  private final StopEnd stopEnd = new StopEnd();
  private final RunLog runLog;

  /**
   * @param reconcile one reconcile; exceptions it throws count as a failed run
   * @param listener told of heartbeats, starts and results (health, metrics, events)
   */
  public ReconcileLoop(Supplier<ReconcileResult> reconcile, Listener listener,
      Pacing pacing, Clock clock, RandomGenerator random) {
    this.reconcile = requireNonNull(reconcile, "reconcile == null");
    this.listener = requireNonNull(listener, "listener == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.heartbeat = clock.instant();
    this.runLog = new RunLog(clock, stopEnd);
    this.schedule = new Schedule(pacing,
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), random), clock.instant());
  }

  /**
   * Something may have changed; a reconcile follows after the settle (a lone change) or the
   * debounce (a burst), see {@link Pacing}. Never blocks long.
   */
  public void trigger(String why) {
    signal(why, now -> schedule.triggered(now, false));
  }

  /**
   * The cluster source changed, or its failure started or ended: as {@link #trigger}, and after
   * a reconcile that ended {@code source-not-ready} the next one follows without waiting for the
   * rest of the backoff (the source says it may be back). Never blocks long.
   */
  public void clustersChanged(String why) {
    signal(why, now -> schedule.triggered(now, true));
  }

  /**
   * The base config or profile was read anew: as {@link #trigger}, and after a reconcile that
   * ended {@code rejected}, or {@code failed} for a desired state a check refused (promtool), the
   * next one follows without waiting for the rest of the backoff (the desired config may have
   * changed, which ends the rejection's pin), at most once per {@link
   * Schedule#EARLY_RETRY_SPACING}. Never blocks long.
   */
  public void plannerChanged(String why) {
    signal(why, schedule::plannerTriggered);
  }

  /**
   * Prometheus answered a probe after one it did not (or as the first): a reconcile that ended
   * {@code prometheus-unavailable} is retried now, once (see {@link Schedule}). Never blocks.
   */
  public void prometheusAnswersAgain() {
    lock.lock();
    try {
      Optional<Duration> left = stopping ? Optional.empty()
          : schedule.prometheusAnswersAgain(clock.instant());
      left.ifPresent(d -> LOG.log(Level.INFO, RetryNote.answeredAgain(d, schedule.failures())));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void signal(String why, Consumer<Instant> toSchedule) {
    lock.lock();
    try {
      if (stopping) {
        return;
      }
      toSchedule.accept(clock.instant());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    LOG.log(Level.DEBUG, "change: {0}", why);
  }

  /**
   * Runs one reconcile if one is due now and none is running.
   *
   * @return true if it ran one
   */
  public boolean tick() {
    if (!singleFlight.tryLock()) {
      return false;
    }
    try {
      lock.lock();
      try {
        Instant now = clock.instant();
        heartbeat = now;
        if (stopping || schedule.nextRun().isAfter(now)) {
          return false;
        }
        schedule.started(now);
        runningSince = now;
        runLog.began();
      } finally {
        lock.unlock();
      }
      listener.started();
      ReconcileResult result = runReconcile();
      lock.lock();
      try {
        Instant now = clock.instant();
        Optional<Duration> backoff = schedule.finished(now, result.outcome(),
            result.desiredRefused(), result.runAgainAt());
        runningSince = null;
        heartbeat = now;
        lastResult = result;
        if (result.success()) {
          lastSuccessAt = now;
          failingSince = null;
        } else if (failingSince == null) {
          failingSince = now;
        }
        // a stopping loop runs nothing more: no retry to announce
        String retry = stopping ? "" : backoff.map(d -> RetryNote.of(result.outcome(),
            result.desiredRefused(), d, schedule.failures(), schedule.retryBroughtForward(),
            schedule.earlyRetryHeld(clock.instant()))).orElse("");
        runLog.log(result, retry, interruptedByStop);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      listener.finished(result);
      return true;
    } finally {
      singleFlight.unlock();
    }
  }

  private ReconcileResult runReconcile() {
    try {
      return requireNonNull(reconcile.get(), "reconcile returned null");
    } catch (RuntimeException e) {
      runLog.failedUnexpectedly(e);
      return new ReconcileResult(Outcome.FAILED, "reconcile failed unexpectedly: " + e,
          Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), new TreeMap<>(),
          List.of(), List.of(), new TreeMap<>(), false, false, false, Optional.empty(),
          new TreeMap<>());
    }
  }

  /**
   * Runs reconciles as they fall due until {@link #stop}. Call on the loop's own thread. What a
   * reconcile throws other than a {@link RuntimeException} (an {@link Error}) ends the loop: it
   * is logged, told to the listener, and thrown on.
   */
  public void run() {
    lock.lock();
    try {
      runner = Thread.currentThread();
    } finally {
      lock.unlock();
    }
    String ending = "interrupted";
    try {
      while (true) {
        if (!tick()) {
          listener.heartbeat();
        }
        lock.lock();
        try {
          if (stopping) {
            ending = "stopped";
            return;
          }
          Instant now = clock.instant();
          heartbeat = now;
          Duration wait = Duration.between(now, schedule.nextRun());
          if (wait.compareTo(HEARTBEAT) > 0) {
            wait = HEARTBEAT;
          }
          if (!wait.isNegative() && !wait.isZero()) {
            changed.awaitNanos(wait.toNanos());
          }
        } catch (InterruptedException e) {
          if (stopping) {
            ending = "stopped";
            return;
          }
          Thread.currentThread().interrupt();
          return;
        } finally {
          lock.unlock();
        }
      }
    } catch (RuntimeException | Error e) {
      ending = "uncaught " + e.getClass().getName();
      runLog.ended(e); // one line: the thread that rethrows it (promcc run) prints the trace
      throw e;
    } finally {
      lock.lock();
      try {
        stopped = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      listener.ended(ending);
    }
  }

  /**
   * Stops taking triggers and ends {@link #run()}: a running reconcile may finish within
   * {@code grace}; after that its waits are interrupted (the store's writes are atomic, so the
   * files stay whole). Returns when the loop has ended or a second grace has passed. An
   * interrupt of the calling thread cuts neither grace short; it is set again on return.
   */
  public void stop(Duration grace) {
    Thread thread;
    lock.lock();
    try {
      stopping = true;
      changed.signalAll();
      thread = runner;
    } finally {
      lock.unlock();
    }
    if (thread == null || thread == Thread.currentThread()) {
      return;
    }
    boolean interrupted = Joins.throughInterrupts(thread, grace);
    if (thread.isAlive()) {
      LOG.log(Level.WARNING, "a reconcile is still running after " + grace
          + "; interrupting its waits");
      lock.lock();
      try {
        interruptedByStop = true;
      } finally {
        lock.unlock();
      }
      thread.interrupt();
      interrupted |= Joins.throughInterrupts(thread, grace);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The end of the stop, under whose lock the loop logs its lines: once the stop's last line is
   * logged ({@link StopEnd#end}), each line the loop logs begins "after the stop: " (a reconcile
   * the stop gave up waiting for, which went on).
   */
  public StopEnd stopEnd() {
    return stopEnd;
  }

  /**
   * Whether a reconcile is going on: it began, and its end (its result, or the loop's death)
   * was not logged. Read under {@link #stopEnd()}'s lock, it agrees with the lines the loop
   * logs of it: a stop's last line names as still running only a reconcile this says is.
   */
  public boolean reconciling() {
    return runLog.running();
  }

  /** What the loop is doing and has done. */
  public Status status() {
    lock.lock();
    try {
      return new Status(heartbeat, Optional.ofNullable(runningSince),
          Optional.ofNullable(lastResult), Optional.ofNullable(lastSuccessAt),
          Optional.ofNullable(failingSince), schedule.failures(), stopped);
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #stop} has begun (for tests and diagnostics). */
  boolean stopping() {
    lock.lock();
    try {
      return stopping;
    } finally {
      lock.unlock();
    }
  }

  /** When the next reconcile is due (for tests and diagnostics). */
  Instant nextRun() {
    lock.lock();
    try {
      return schedule.nextRun();
    } finally {
      lock.unlock();
    }
  }
}
