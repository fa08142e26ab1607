package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A watch of one file on threads of its own, for a file whose volume may hang (the Vault login
 * credential, on a network volume): it is checked every 2 s, as the shared {@link FileWatcher}
 * checks its paths, and a change of its content runs the listener, but each check reads it on a
 * reader thread and waits for that read at most {@link #READ_BOUND}. A read that does not end
 * (an NFS server gone, where no interrupt stops it) holds its reader thread only: no lock of the
 * shared watcher, so the other watched files, the watcher's close and a start's
 * {@link FileWatcher#watch} go on, and the path counts as unchanged. While it has not ended no
 * other read begins (one thread held per hang, not one per check); it is warned of once, and
 * its end makes the next check compare what it read; the hang's end is logged at info level
 * once a read ends within the bound again ({@link WatchedPathReads}, as the shared watcher reads
 * its paths).
 *
 * <p>Its first read, the starting point (no listener run), is its thread's, not the caller's:
 * {@link #start} returns at once. The listener runs on the watch's thread, one run at a time,
 * never under a lock; an exception of it is logged. Thread-safe; {@link #close()} is
 * idempotent, interrupts the watch's thread and waits for it at most what is left of the
 * {@link StopBudget} it shares with the other threads that read watched files (a thread held
 * by a hung read is never waited for: its wait for that read ends at the interrupt).
 */
public final class BoundedFileWatch implements FileWatcher.Watch {
  /** How long a check waits for its read of the file. */
  public static final Duration READ_BOUND = Duration.ofSeconds(10);

  private static final System.Logger LOG = System.getLogger(BoundedFileWatch.class.getName());

  private final Path path;
  private final String threadName;
  private final Runnable listener;
  private final StopBudget stops;
  private final ScheduledExecutorService checks;
  private final WatchedPathReads reads;
  private volatile boolean recheck;
  private volatile boolean closed;
  private PathState state; // null before the first read ended; the watch's thread's only

  private BoundedFileWatch(Path path, String threadName, StopBudget stops, Runnable listener,
      Duration readBound, FileWatcher.StateReader reader, Clock clock) {
    this.path = requireNonNull(path, "path == null").toAbsolutePath().normalize();
    this.threadName = requireNonNull(threadName, "threadName == null");
    this.stops = requireNonNull(stops, "stops == null");
    this.listener = requireNonNull(listener, "listener == null");
    this.reads = new WatchedPathReads(threadName, readBound, reader, clock, LOG);
    this.checks = Executors.newSingleThreadScheduledExecutor(daemon(threadName));
  }

  /**
   * Watches {@code path} (existing or not) on a daemon thread named {@code threadName}, running
   * {@code listener} after each change of its content; its close shares {@code stops}.
   */
  public static BoundedFileWatch start(Path path, String threadName, StopBudget stops,
      Runnable listener) {
    return start(path, threadName, stops, listener, FileWatcher.DEFAULT_CHECK_INTERVAL);
  }

  /** As above, checked every {@code interval} (a seam for tests: less than 2 s). */
  public static BoundedFileWatch start(Path path, String threadName, StopBudget stops,
      Runnable listener, Duration interval) {
    AtomicLong reads = new AtomicLong();
    return start(path, threadName, stops, listener, interval, READ_BOUND,
        (p, previous, now) -> PathState.of(p, previous, now, reads), Clock.systemUTC());
  }

  /** As above, each read waited for at most {@code readBound}, made by {@code reader}. */
  static BoundedFileWatch start(Path path, String threadName, StopBudget stops,
      Runnable listener, Duration interval, Duration readBound, FileWatcher.StateReader reader,
      Clock clock) {
    BoundedFileWatch watch = new BoundedFileWatch(path, threadName, stops, listener, readBound,
        reader, clock);
    watch.checks.scheduleWithFixedDelay(watch::check, 0, interval.toNanos(),
        TimeUnit.NANOSECONDS);
    return watch;
  }

  @Override
  public Path path() {
    return path;
  }

  /** False: its first read is its own thread's, which no caller waits for. */
  @Override
  public boolean firstReadGivenUp() {
    return false;
  }

  @Override
  public void recheck() {
    recheck = true;
  }

  /** Stops the checks; waits for a listener under way at most what is left of the budget. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    checks.shutdownNow();
    reads.close(); // a hung read ignores it; its thread ends with the process
    try {
      if (!stops.await(nanos -> checks.awaitTermination(nanos, TimeUnit.NANOSECONDS))) {
        LOG.log(Level.WARNING, stops.notEnded(threadName));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "BoundedFileWatch{" + path + "}";
  }

  private void check() {
    if (closed) {
      return;
    }
    PathState now;
    try {
      WatchedPathReads.Pending read = reads.start(path, state);
      WatchedPathReads.Look look = read == null ? null : reads.await(read);
      now = look == null ? null : look.state();
    } catch (InterruptedException e) {
      return; // closed: the thread ends
    }
    if (now == null) {
      return; // a read that has not ended: nothing is known
    }
    PathState before = state;
    state = now;
    boolean changed = before != null && (recheck || !now.sameContent(before));
    if (before != null) {
      recheck = false;
    }
    if (changed && !closed) {
      try {
        listener.run();
      } catch (RuntimeException | Error e) {
        LOG.log(e instanceof Error ? Level.ERROR : Level.WARNING, "listener of " + path
            + " failed", e);
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
