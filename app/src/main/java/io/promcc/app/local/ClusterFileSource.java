package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.Quoting;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.port.Sleeper;
import io.promcc.core.port.SourceNotReadyException;
import io.promcc.core.yaml.ClusterList;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Guest clusters from a YAML file (local mode's {@code --clusters FILE}, in the format of
 * {@link ClusterList}), kept current with a {@link FileWatcher}.
 *
 * <p>Rules:
 * <ul>
 *   <li>Until the file has been read and parsed once, {@link #snapshot()} throws
 *       {@link SourceNotReadyException} naming the file and every problem, and
 *       {@link #awaitSynced} waits.
 *   <li>After that, content that does not parse, or a file that is gone (an editor's
 *       delete-and-recreate, a half-done swap), keeps the last good list: a mistake in an edit
 *       never removes clusters. So does a file of no YAML value (empty, comments only), which
 *       a failed write leaves: only {@code []} is a list of no cluster. The next good content
 *       replaces it.
 *   <li>A file that exists but cannot be read (permissions, an I/O error, a folder in its place)
 *       makes {@link #snapshot()} throw until it can be read again: what it says now is unknown.
 *   <li>Every problem is reported to {@link SourceErrors} as {@value #SOURCE}, once per distinct
 *       content (the same bad bytes saved twice are one report).
 *   <li>Listeners run when the list changes (not for a reformatted file with the same clusters)
 *       and when {@link #snapshot()} starts or stops throwing.
 * </ul>
 *
 * <p>A change is read on a thread of its own, made at the first change, one read at a time: its
 * wait for the file to hold still (up to {@link SettledRead#MAX_WAIT}) holds back no other watch
 * of the shared watcher (the base config's, {@code --cert-dir}'s).
 *
 * <p>Thread-safe. {@link #start()} and {@link #close()} are idempotent; a closed source cannot
 * be started again. {@link #start()} starts the shared watcher too; closing the watcher is its
 * owner's business.
 */
public final class ClusterFileSource implements GuestClusterSource {
  /** The source name in {@link SourceErrors} reports (a metric label). */
  public static final String SOURCE = "clusters-file";

  private static final System.Logger LOG = System.getLogger(ClusterFileSource.class.getName());
  /** The longest wait for a read: it wakes the wait, and the bound guards against a missed one. */
  private static final Duration SYNC_RECHECK = Duration.ofMillis(100);

  private final Path file;
  private final FileWatcher watcher;
  private final SourceErrors errors;
  private final SettledRead settling;
  private final LongSupplier ticker;
  private final Waiter waiter;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  /**
   * Held by a reload while it waits for the file to hold still and applies what it read; the
   * start's waited for at most the bound of a read (a change's read may hang on its volume).
   */
  private final ReentrantLock reloading = new ReentrantLock();
  /** A change's reads: their waits for the file to hold still are off the watcher's thread. */
  private final CoalescedRuns reads;
  private final StartReads startReads; // the first read's bound
  /** The first read's: each read bounded, not the waits for the file to hold still. */
  private final SettledRead startSettling;
  // guarded by lock
  private boolean started;
  private boolean closed;
  private FileWatcher.Watch watch;
  private final ClusterFileState state; // the last good list, and why it is not ready
  private boolean changingLogged; // a read gave up on a file still changing, and said so

  /**
   * Reads nothing until {@link #start()}.
   *
   * @param file the clusters file; need not exist yet
   * @param watcher the watcher that tells of changes (shared; owned by the caller)
   * @param errors where problems that are absorbed (a bad edit, a deleted file) are reported
   */
  public ClusterFileSource(Path file, FileWatcher watcher, SourceErrors errors) {
    this(file, watcher, errors, System::nanoTime, Sleeper.SYSTEM, RegularFiles::read,
        Waiter.SYSTEM, null);
  }

  /**
   * As above, waiting for the file to hold still with {@code sleeper}, that wait's bound and
   * {@link #awaitSynced}'s on {@code ticker}: nanoseconds, as {@link System#nanoTime()}, no wall
   * clock (seams for tests).
   */
  ClusterFileSource(Path file, FileWatcher watcher, SourceErrors errors, LongSupplier ticker,
      Sleeper sleeper) {
    this(file, watcher, errors, ticker, sleeper, RegularFiles::read);
  }

  /** As above, reading the file with {@code reader} (a seam for tests). */
  ClusterFileSource(Path file, FileWatcher watcher, SourceErrors errors, LongSupplier ticker,
      Sleeper sleeper, Reader reader) {
    this(file, watcher, errors, ticker, sleeper, reader, Waiter.SYSTEM);
  }

  /**
   * As above, {@link #awaitSynced} waiting for a read with {@code waiter} (a seam for tests,
   * whose waiter passes the time on their ticker instead of waiting it); a change is read on
   * the watcher's thread (tests that check on their own).
   */
  ClusterFileSource(Path file, FileWatcher watcher, SourceErrors errors, LongSupplier ticker,
      Sleeper sleeper, Reader reader, Waiter waiter) {
    this(file, watcher, errors, ticker, sleeper, reader, waiter, Runnable::run);
  }

  /**
   * As above, a change read with {@code executor} (one read at a time, in order: a seam for
   * tests, which run it by hand), or on a thread of its own if null.
   */
  ClusterFileSource(Path file, FileWatcher watcher, SourceErrors errors, LongSupplier ticker,
      Sleeper sleeper, Reader reader, Waiter waiter, Executor executor) {
    this(file, watcher, errors, ticker, sleeper, reader, waiter, executor, new StartReads());
  }

  /** As above, the first read at {@link #start()} waited for as {@code startReads} say. */
  ClusterFileSource(Path file, FileWatcher watcher, SourceErrors errors, LongSupplier ticker,
      Sleeper sleeper, Reader reader, Waiter waiter, Executor executor, StartReads startReads) {
    requireNonNull(reader, "reader == null");
    this.startReads = requireNonNull(startReads, "startReads == null");
    this.file = requireNonNull(file, "file == null").toAbsolutePath().normalize();
    this.watcher = requireNonNull(watcher, "watcher == null");
    this.errors = requireNonNull(errors, "errors == null");
    requireNonNull(ticker, "ticker == null");
    requireNonNull(sleeper, "sleeper == null");
    this.ticker = ticker;
    this.waiter = requireNonNull(waiter, "waiter == null");
    this.settling = new SettledRead(this.file, ticker, sleeper, reader);
    this.startSettling = new SettledRead(this.file, ticker, sleeper,
        startReads.bounded("clusters file", reader));
    this.state = new ClusterFileState(this.file, this.errors, quoted());
    String thread = "promcc-clusters-file";
    String what = "reading " + quoted(); // as the watcher's line of a failed listener named it
    this.reads = CoalescedRuns.onOwnThreadUnless(executor, thread, what,
        watcher.stopBudget(), this::reload);
    errors.declared(SOURCE);
  }

  /**
   * Watches the file and reads it once it holds still, each read waited for at most 10 s
   * ({@link StartReads}); the waits for it to hold still (up to {@link SettledRead#MAX_WAIT})
   * run on the caller's thread, outside that bound: a file still changing then is said so, not
   * taken for a volume that hangs, and read again at the watcher's next check. Returns then,
   * whether or not the file is good.
   *
   * @throws IllegalStateException if the source (or the watcher) is closed
   * @throws io.promcc.core.model.ValidationException if a read did not end within 10 s (its
   *     volume hangs: the watcher's first look at it, after which the source does not read it
   *     again; or a change's read under way, which the start waits for as long), naming the
   *     file: nothing it finds later is applied once the source closes
   */
  @Override
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("clusters file source of " + quoted() + " is closed");
      }
      if (started) {
        return;
      }
      started = true;
      state.notReady(quoted() + " has not been read yet");
    }
    // outside the lock: the watcher runs listeners without its lock, but takes it here
    FileWatcher.Watch registered = watcher.watch(file, reads::ask);
    synchronized (lock) {
      if (closed) {
        registered.close();
        return;
      }
      watch = registered;
    }
    watcher.start();
    if (registered.firstReadGivenUp()) {
      // the watch waited its bound for the file's volume: a read now would wait as long again
      throw startReads.notEnded(quoted());
    }
    // after the watch, so that no change between the two is missed; each read on a reader
    // thread, as its volume may hang
    startReads.lock(quoted(), reloading);
    reload(startSettling);
  }

  /**
   * Waits (at most {@code timeout}, on the ticker) for the first good read; true once there was
   * one.
   */
  @Override
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    long start = ticker.getAsLong();
    synchronized (lock) {
      while (state.good() == null && !closed) {
        long left = timeout.toNanos() - (ticker.getAsLong() - start);
        if (left <= 0) {
          return false;
        }
        // wakes on every read; the bound guards against a missed notification
        waiter.await(lock, Duration.ofNanos(Math.min(left, SYNC_RECHECK.toNanos())));
      }
      return state.good() != null && !closed;
    }
  }

  /**
   * The last good list.
   *
   * @throws SourceNotReadyException before the first good read (naming the file and every
   *     problem), while the file cannot be read, and once closed
   */
  @Override
  public ClusterSnapshot snapshot() {
    synchronized (lock) {
      if (closed) {
        throw new SourceNotReadyException("clusters file source of " + quoted() + " is closed");
      }
      String notReady = state.notReady();
      if (notReady != null) {
        throw new SourceNotReadyException(notReady);
      }
      return state.good();
    }
  }

  @Override
  public void addChangeListener(Runnable listener) {
    listeners.add(requireNonNull(listener, "listener == null"));
  }

  /** Stops watching; {@link #snapshot()} throws from now on. Idempotent. */
  @Override
  public void close() {
    FileWatcher.Watch registered;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      registered = watch;
      lock.notifyAll();
    }
    if (registered != null) {
      registered.close();
    }
    reads.close(); // a read under way has its wait interrupted, and applies nothing
  }

  /**
   * The file and its clusters, or what keeps it from being read (the controller's {@code /readyz}
   * names a source that has not synced by this).
   */
  @Override
  public String toString() {
    synchronized (lock) {
      ClusterSnapshot good = state.good();
      String notReady = state.notReady();
      String synced = good == null ? "not synced" : good.clusters().size() + " clusters";
      if (notReady == null) {
        return "ClusterFileSource{" + file + ", " + synced + "}";
      }
      // the problem names the file (once is enough: /readyz keeps 1,000 characters)
      return "ClusterFileSource{" + (notReady.contains(file.toString()) ? "" : file + ", ")
          + synced + ", not ready: " + notReady + "}";
    }
  }

  /** Reads a file of at most {@code max} bytes, as {@link RegularFiles#read} does. */
  @FunctionalInterface
  interface Reader {
    byte[] read(Path file, int max) throws IOException;
  }

  /** Reads the file and applies the rules of the class comment. */
  private void reload() {
    // one reload at a time: each applies the content that held still for it, so a later one
    // must not have settled before an earlier one applies its older content
    reloading.lock();
    reload(settling);
  }

  /** As {@link #reload()}, read by {@code reads}, {@link #reloading} held: released here. */
  private void reload(SettledRead reads) {
    boolean notify;
    try {
      boolean mayHaveClusters;
      synchronized (lock) {
        mayHaveClusters = state.good() == null || !state.good().clusters().isEmpty();
      }
      SettledRead.Read settled = reads.settle(mayHaveClusters);
      if (settled.interrupted()) {
        // what was read may be half-written, and the last good list stays. A stop closes the
        // watcher; an interrupt that is none (a start on a thread with one pending) would else
        // leave the file unread until it changes again
        readAgain();
        return;
      }
      if (!settled.held()) {
        stillChanging();
        return;
      }
      synchronized (lock) {
        if (closed || !started) {
          return;
        }
        changingLogged = false;
        boolean wasReady = state.notReady() == null;
        ClusterSnapshot before = state.good();
        state.read(settled);
        boolean ready = state.notReady() == null;
        notify = wasReady != ready || before != state.good() && ready;
        lock.notifyAll();
      }
    } finally {
      reloading.unlock();
    }
    if (notify) {
      for (Runnable listener : listeners) {
        try {
          listener.run();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "clusters file listener failed", e);
        }
      }
    }
  }

  /**
   * The file did not hold still within {@link SettledRead#MAX_WAIT}: the last good list stays,
   * and the watcher's next check reads it again, changed or not (it may end as it was when the
   * watcher last looked). Said once until a read holds still.
   */
  private void stillChanging() {
    String message = null;
    synchronized (lock) {
      if (closed || !started) {
        return;
      }
      boolean synced = state.good() != null;
      if (!synced) {
        state.notReady(quoted() + " is still changing; it is read once it holds still");
      }
      if (!changingLogged) {
        changingLogged = true;
        message = quoted() + " was still changing after " + SettledRead.MAX_WAIT.toSeconds()
            + " s of waiting for it to hold still; " + (!synced ? ""
            : "the last good list is kept, and ") + "it is read again at the next check";
      }
    }
    readAgain();
    if (message != null) {
      LOG.log(System.Logger.Level.INFO, message);
    }
  }

  /** Has the watcher read the file again at its next check, changed or not. */
  private void readAgain() {
    FileWatcher.Watch again;
    synchronized (lock) {
      again = closed ? null : watch;
    }
    if (again != null) {
      again.recheck();
    }
  }

  private String quoted() {
    return "clusters file " + Quoting.quote(file.toString());
  }
}
