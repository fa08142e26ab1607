package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.core.port.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Runs listeners when watched files or folders change. A watched path may be a file or a folder
 * (then its entries count: files added, changed, removed), and need not exist yet. A change is a
 * change of content: plain edits, atomic replace by rename (editors, {@code kubectl}-style
 * ConfigMap and Secret mounts that swap a {@code ..data} link), delete and re-create, a path that
 * appears or goes. Touching a file or replacing it with the same bytes is no change.
 *
 * <p>Two ways to notice, both on one daemon thread: the platform's file events (a
 * {@link java.nio.file.WatchService} on the parent folders of the watched paths, and on the
 * folders their links point into; see {@link WatchedFolders} and {@link EventFolders}), and a
 * periodic check of every watched path (size, modification time and a content hash; see
 * {@link PathState}) that makes it correct where events are missing, late or unsupported
 * (network file systems, container overlay quirks, an exhausted inotify limit). Events only
 * make it faster. The thread's loop, and how it gathers a burst of events into one check, is
 * {@link CheckLoop}.
 *
 * <p>No path is read under the watcher's lock: each read is made on a reader thread and waited
 * for at most {@link BoundedFileWatch#READ_BOUND}, 10 s ({@link WatchedPathReads}, as the Vault
 * credential file's watch reads it). A check reads its paths at once and takes each result as
 * it ends ({@link ReadRound}), so a read that hangs (an NFS or FUSE volume that stops answering)
 * holds back only its own path: it is warned of once, the path keeps its last state (no change
 * is told of it, nor that it went), it is not read again until that read ends, and then it is
 * checked as before. No folder is registered for file events under the lock either: each
 * registration runs on a thread of its own, and one that hangs is warned of once and holds back
 * no other watch ({@link EventFolders}). {@link #watch} waits 10 s at most in all for its reads
 * and registrations (a path whose first read did not end runs its listener once that read ends),
 * and {@link #close()} for none.
 *
 * <p>Listeners carry no data: they re-read what they watch. They run one after another on the
 * watcher's thread (or the caller's, for {@link #checkNow()}), never while a lock of the watcher
 * is held; while one runs, no other listener runs and no read's result is taken. So each waits
 * only a bounded time, and ends its waits when interrupted ({@link #close()} interrupts the
 * thread and waits for it within its {@link #stopBudget()}): the listeners of the clusters
 * file, the base config and the profile hand their waits for a file being written (up to
 * {@link SettledRead#MAX_WAIT}, 4 s) to threads of their own ({@link CoalescedRuns}), whose
 * closes share that budget, so that they hold back no other watch; the others return quickly.
 * An exception of a listener is logged and does not affect the others. A change during a burst
 * of events may be reported more than once.
 *
 * <p>Thread-safe. {@link #start()} and {@link #close()} are idempotent; a closed watcher cannot
 * be started or given new paths. One watcher can serve every source of a process.
 */
public final class FileWatcher implements AutoCloseable {
  /** How often every watched path is checked when no file event says so earlier. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(2);

  private static final System.Logger LOG = System.getLogger(FileWatcher.class.getName());

  /** A registration: {@link #close()} stops its listener. */
  public interface Watch extends AutoCloseable {
    /** The watched path, absolute. */
    Path path();

    /**
     * Runs the listener at the next check even if the path did not change: for a listener that
     * could not finish its read (a file still being written). No effect once closed.
     */
    void recheck();

    /** Whether its first read (the starting point) did not end in time: its volume hangs. */
    boolean firstReadGivenUp();

    /** Stops watching this path for this listener. Idempotent. */
    @Override
    void close();
  }

  /** Reads a watched path's state (a seam for tests: {@link PathState#of} in production). */
  @FunctionalInterface
  interface StateReader {
    PathState read(Path path, PathState previous, Instant now);
  }

  private final Duration checkInterval;
  private final AtomicLong filesRead = new AtomicLong();
  private final WatchedPathReads reads;
  private final Object lock = new Object();
  private final EventFolders events; // its own lock, taken under this one
  private final CheckLoop loop;
  private final StopBudget stops;
  // guarded by lock
  private final List<Registration> registrations = new ArrayList<>();
  private Thread thread;
  private boolean closed;
  private final Registration.Owner owner = new Registration.Owner() {
    @Override
    public boolean holds(Registration registration) {
      synchronized (lock) {
        return !closed && registrations.contains(registration);
      }
    }

    @Override
    public void drop(Registration registration) {
      synchronized (lock) {
        if (registrations.remove(registration) && !closed) {
          syncFolderWatches(); // drops at once; a folder still needed is registered in the back
          if (registrations.stream().noneMatch(r -> r.path.equals(registration.path))) {
            reads.dropped(registration.path);
          }
        }
      }
    }
  };

  /** Checks every 2 s and uses file events where the platform has them. */
  public FileWatcher() {
    this(DEFAULT_CHECK_INTERVAL, Clock.systemUTC(), true);
  }

  /**
   * @param checkInterval how often every watched path is checked regardless of events
   * @param clock the wall clock, compared with file modification times
   * @param fileEvents whether to use the platform's file events; without them a change is seen
   *     at the next periodic check
   * @throws IllegalArgumentException if {@code checkInterval} is not positive
   */
  public FileWatcher(Duration checkInterval, Clock clock, boolean fileEvents) {
    this(checkInterval, clock, fileEvents, null);
  }

  /** As above, reading each path's state with {@code reader} ({@link PathState#of} if null). */
  FileWatcher(Duration checkInterval, Clock clock, boolean fileEvents, StateReader reader) {
    this(checkInterval, clock, fileEvents, reader, System::nanoTime, Sleeper.SYSTEM,
        new StopBudget(), BoundedFileWatch.READ_BOUND);
  }

  /**
   * As above, the periodic checks, and how long a burst of file events is gathered into one
   * check, timed on {@code ticker} (nanoseconds, as {@link System#nanoTime()}, no wall clock);
   * without file events, the wait for the next check is {@code sleeper}'s, which must end when
   * the thread is interrupted (seams for tests, whose sleeper passes the time on their ticker
   * instead of waiting it); the closes sharing {@code stops} (in tests, less than 5 s); each
   * read of a path waited for at most {@code readBound} (in tests, less than 10 s).
   */
  FileWatcher(Duration checkInterval, Clock clock, boolean fileEvents, StateReader reader,
      LongSupplier ticker, Sleeper sleeper, StopBudget stops, Duration readBound) {
    this(checkInterval, clock, fileEvents, reader, ticker, sleeper, stops, readBound,
        EventFolders.PLATFORM);
  }

  /** As above, folders registered for file events by {@code registrar} (a seam for tests). */
  FileWatcher(Duration checkInterval, Clock clock, boolean fileEvents, StateReader reader,
      LongSupplier ticker, Sleeper sleeper, StopBudget stops, Duration readBound,
      EventFolders.Registrar registrar) {
    requireNonNull(checkInterval, "checkInterval == null");
    this.stops = requireNonNull(stops, "stops == null");
    if (checkInterval.isNegative() || checkInterval.isZero()) {
      throw new IllegalArgumentException("check interval must be positive, found \""
          + checkInterval + "\"");
    }
    this.checkInterval = checkInterval;
    requireNonNull(ticker, "ticker == null");
    requireNonNull(sleeper, "sleeper == null");
    this.reads = new WatchedPathReads("promcc-file-watcher", readBound, reader != null ? reader
        : (path, previous, now) -> PathState.of(path, previous, now, filesRead), clock, LOG);
    this.events = new EventFolders(fileEvents, registrar, readBound);
    this.loop = new CheckLoop(checkInterval, events, ticker, sleeper, new CheckLoop.Checks() {
      @Override
      public boolean isClosed() {
        return FileWatcher.this.isClosed();
      }

      @Override
      public void check(Set<Path> folders) {
        FileWatcher.this.check(folders);
      }
    });
  }

  /**
   * Watches {@code path} (a file or a folder, existing or not) and runs {@code listener} after
   * each change of its content. What the path holds now is the starting point: this call runs
   * no listener, and waits at most 10 s in all for its reads and its folders' registration for
   * file events (a first read given up then is {@link Watch#firstReadGivenUp()}). Works before
   * {@link #start()}, which begins the background checks.
   *
   * @throws IllegalStateException if the watcher is closed
   */
  public Watch watch(Path path, Runnable listener) {
    requireNonNull(path, "path == null");
    requireNonNull(listener, "listener == null");
    Registration registration = new Registration(path.toAbsolutePath().normalize(), listener,
        lock, owner);
    requireOpen();
    long deadline = System.nanoTime() + reads.bound().toNanos(); // one bound for all it waits
    WatchedPathReads.Look first = reads.look(registration.path, null, deadline, true);
    List<EventFolders.Registering> begun;
    synchronized (lock) {
      requireOpen();
      registration.begin(first); // null after an interrupt too, which gave nothing up
      registration.firstGivenUp = first == null && !Thread.currentThread().isInterrupted();
      registrations.add(registration);
      begun = syncFolderWatches();
    }
    if (first == null || !events.added(begun, deadline)) {
      return registration;
    }
    // a change between the first look and the new folder watch would go unseen; a read that
    // has not ended by the deadline keeps the first state, and the next check takes it
    WatchedPathReads.Look again = reads.look(registration.path, first.state(), deadline, false);
    synchronized (lock) {
      if (registration.begin(again)) {
        syncFolderWatches(); // registered in the back: the checks read it anyway
      }
    }
    return registration;
  }

  /** Starts the background thread. Idempotent. */
  public void start() {
    synchronized (lock) {
      requireOpen();
      if (thread != null) {
        return;
      }
      thread = new Thread(loop, "promcc-file-watcher");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /**
   * Checks every watched path now, on the calling thread, and runs the listeners of those that
   * changed (for a caller that knows something changed, and for tests).
   *
   * @return whether any watched path changed; false once closed
   */
  public boolean checkNow() {
    return check(null);
  }

  /** The time {@link #close()} shares with the threads that read the watched files. */
  public StopBudget stopBudget() {
    return stops;
  }

  /**
   * Stops the background thread and every watch, waiting for the thread to end within the
   * {@link #stopBudget()} (see {@link StopBudget}).
   */
  @Override
  public void close() {
    Thread running;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      registrations.clear();
      syncFolderWatches();
      running = thread;
    }
    events.close();
    reads.close();
    if (running != null && running != Thread.currentThread()) {
      running.interrupt();
      try {
        if (!stops.await(nanos -> {
          TimeUnit.NANOSECONDS.timedJoin(running, nanos); // none if 0
          return !running.isAlive();
        })) {
          LOG.log(System.Logger.Level.WARNING, stops.notEnded(running.getName()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether platform file events are in use (false: periodic checks only). */
  boolean usesFileEvents() {
    return events.active();
  }

  /** Whether the background thread is running. */
  boolean isRunning() {
    synchronized (lock) {
      return thread != null && thread.isAlive();
    }
  }

  /** How many files were read to hash them, since the watcher was made. */
  long filesRead() {
    return filesRead.get();
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "FileWatcher{" + registrations.size() + " watches, every " + checkInterval
          + (events.active() ? ", with file events" : "") + "}";
    }
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private void requireOpen() {
    if (isClosed()) {
      throw new IllegalStateException("file watcher is closed");
    }
  }

  /**
   * Checks the watches in {@code folders} (all if null), each path read once, and runs the
   * listeners of those that changed as their reads end: a read that hangs holds back no other.
   */
  private boolean check(Set<Path> folders) {
    Map<Path, List<Registration>> checked = new LinkedHashMap<>();
    Map<Path, PathState> last = new LinkedHashMap<>(); // whose hashes the reads may reuse
    synchronized (lock) {
      if (closed) {
        return false;
      }
      for (Registration registration : registrations) {
        if (folders == null || registration.isIn(folders)) {
          checked.computeIfAbsent(registration.path, p -> new ArrayList<>()).add(registration);
          last.putIfAbsent(registration.path, registration.state);
        }
      }
    }
    boolean[] changed = new boolean[1];
    List<EventFolders.Registering> begun = new ArrayList<>();
    ReadRound.Take take = (path, look) -> take(checked.get(path), look, changed, begun);
    try {
      ReadRound.run(reads, last, take);
      if (events.await(begun, System.nanoTime() + reads.bound().toNanos())) {
        // a folder newly watched (it appeared, a link moved): what changed in it before its
        // watch began has no event, so look once more
        ReadRound.run(reads, last, take);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // a close: the thread ends
    }
    return changed[0];
  }

  /**
   * Takes {@code look} as the state of the {@code ofOnePath} registrations and runs the
   * listeners of those whose content changed (or that asked for a recheck, or whose first read
   * never ended), outside the lock; adds the registrations of folders it begins to
   * {@code begun}.
   */
  private void take(List<Registration> ofOnePath, WatchedPathReads.Look look, boolean[] changed,
      List<EventFolders.Registering> begun) {
    List<Registration> run = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return;
      }
      for (Registration registration : ofOnePath) {
        if (registration.take(look) && registrations.contains(registration)) {
          run.add(registration);
        }
      }
      begun.addAll(syncFolderWatches());
    }
    changed[0] |= !run.isEmpty();
    run.forEach(Registration::run);
  }

  /**
   * Drops the folders the watches no longer need and begins the registration of those they
   * need (as they appear); touches no file, so it may be called under the lock.
   *
   * @return the registrations begun, to be waited for outside the lock
   */
  private List<EventFolders.Registering> syncFolderWatches() {
    // guarded by lock
    Set<Path> needed = new LinkedHashSet<>();
    for (Registration registration : registrations) {
      needed.addAll(registration.folders);
    }
    return closed ? List.of() : events.sync(needed, "every " + checkInterval);
  }
}
