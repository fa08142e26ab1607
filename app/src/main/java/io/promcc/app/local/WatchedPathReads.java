package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads of watched paths on reader threads of their own, each waited for at most a bound, for
 * paths whose volume may hang (an NFS server gone, a FUSE mount that stops answering, where no
 * interrupt stops a read). A read that does not end within the bound holds its reader thread
 * only: the caller goes on with the path taken as unchanged, and is warned once (the path, the
 * bound). While it has not ended no other read of that path begins (one thread held per hung
 * path, not one per check), and its end hands its result to the next read asked for, so
 * watching resumes. A path whose reads go on taking longer than the bound (a volume that
 * answers, slowly) is one hang, not one per read: it is warned of once, and its end, at info
 * level, is told once the first of its reads ends within the bound again, with how long the
 * last late one took, how many there were and the longest. A read under way that is not yet
 * overdue is shared by those who ask for the same path meanwhile.
 *
 * <p>The shared {@link FileWatcher} reads every watched path through one of these, and
 * {@link BoundedFileWatch} its single file. Thread-safe. {@link #close()} interrupts the
 * reader threads (a hung one ignores it and ends with the process: they are daemon threads)
 * and waits for none of them.
 */
final class WatchedPathReads implements AutoCloseable {
  private final Duration bound;
  private final FileWatcher.StateReader reader;
  private final Clock clock;
  private final System.Logger log;
  private final ExecutorService threads;
  private final Map<Path, Pending> pending = new HashMap<>(); // guarded by this
  private final Map<Path, Hang> hangs = new HashMap<>(); // guarded by this

  /** A path whose reads took longer than the bound, until one ends within it. */
  private static final class Hang {
    int late; // reads that ended after the bound
    Duration last = Duration.ZERO;
    Duration longest = Duration.ZERO;
  }

  /** A read asked for: its result, once it ends. */
  static final class Pending {
    final Path path;
    final CompletableFuture<Look> future;
    final long since = System.nanoTime();
    boolean warned; // guarded by the WatchedPathReads
    boolean dropped; // its path's watches all closed while it ran; guarded by the WatchedPathReads

    private Pending(Path path, CompletableFuture<Look> future) {
      this.path = path;
      this.future = future;
    }
  }

  /**
   * What a read found: the path's state, and the folders whose file events may mean a change
   * of it ({@link WatchedFolders}), looked up on the reader thread too, as they follow links.
   */
  record Look(PathState state, Set<Path> folders) {}

  /**
   * @param threadName the reader threads' names start with it
   * @param bound how long a read is waited for
   * @param reader what reads a path's state ({@link PathState#of} in production)
   * @param clock the wall clock, compared with file modification times
   * @param log where the warning of a read that hangs, and of its end, goes
   */
  WatchedPathReads(String threadName, Duration bound, FileWatcher.StateReader reader, Clock clock,
      System.Logger log) {
    requireNonNull(threadName, "threadName == null");
    this.bound = requireNonNull(bound, "bound == null");
    this.reader = requireNonNull(reader, "reader == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.log = requireNonNull(log, "log == null");
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, threadName + "-read-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** How long a read is waited for. */
  Duration bound() {
    return bound;
  }

  /**
   * Begins a read of {@code path} (or joins one under way, or takes one given up that has
   * ended since).
   *
   * @param previous its last state, whose hashes the read may reuse; null if none
   * @return null if a read of it given up has not ended yet, or if closed: nothing is known
   */
  synchronized Pending start(Path path, PathState previous) {
    Pending under = pending.get(path);
    if (under != null && under.dropped) {
      under.dropped = false; // joined by a watch of the path again, or ended since
      if (under.future.isDone()) {
        pending.remove(path);
        under = null;
      }
    }
    if (under != null && (under.future.isDone() || !under.warned)) {
      return under;
    }
    if (under != null) {
      return null; // still hung
    }
    try {
      Pending read = new Pending(path,
          CompletableFuture.supplyAsync(() -> look(path, previous), threads));
      pending.put(path, read);
      return read;
    } catch (RejectedExecutionException e) {
      return null; // closed meanwhile
    }
  }

  /**
   * What {@code read} found, waiting for it until {@code deadline} ({@link System#nanoTime()}):
   * a failure of the reader is an unreadable state, so it loses nothing of the other paths.
   *
   * @return null if it has not ended by then (warned of once)
   * @throws InterruptedException if the waiting thread is interrupted (a close)
   */
  Look await(Pending read, long deadline) throws InterruptedException {
    return await(read, deadline, true);
  }

  /**
   * As {@link #await(Pending, long)}; a read not ended by the deadline is given up and warned
   * of only if {@code giveUp}: else it is left under way, for the next who asks to wait for.
   */
  Look await(Pending read, long deadline, boolean giveUp) throws InterruptedException {
    Look look;
    try {
      look = read.future.get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      synchronized (this) {
        if (read.warned || !giveUp) {
          return null;
        }
        read.warned = true;
        if (hangs.putIfAbsent(read.path, new Hang()) != null) {
          return null; // the path's reads have been late since that warning: one hang
        }
      }
      log.log(Level.WARNING, "reading " + read.path + " did not end within " + bound + " (is"
          + " its volume hanging?): taken as unchanged, and not read again until that read "
          + "ends; the other watched files are not held");
      return null;
    } catch (ExecutionException e) {
      look = new Look(new PathState.Unreadable(e.getCause().toString()), Set.of());
    }
    ended(read);
    return look;
  }

  /** Waits for {@code read} at most the bound from now (see {@link #await(Pending, long)}). */
  Look await(Pending read) throws InterruptedException {
    return await(read, System.nanoTime() + bound.toNanos());
  }

  /**
   * What a read of {@code path} finds, waited for until {@code deadline} (see {@link
   * #await(Pending, long, boolean)}); null if it did not end, or if the waiting thread is
   * interrupted (the interrupt kept).
   */
  Look look(Path path, PathState previous, long deadline, boolean giveUp) {
    Pending read = start(path, previous);
    try {
      return read == null ? null : await(read, deadline, giveUp);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * No watch reads {@code path} any more: its hang, if any, is forgotten (its end is not told),
   * so that a watch of it again is told of a hang afresh, warned of once more. A read of it that
   * has not ended is kept, so that no second thread is held by the path, and the next who asks
   * joins it and waits for it as for a read of its own (a read that ends meanwhile is dropped:
   * its result is older than the watch that asks next).
   */
  synchronized void dropped(Path path) {
    hangs.remove(path);
    Pending under = pending.get(path);
    if (under == null) {
      return;
    }
    if (under.future.isDone()) {
      pending.remove(path);
    } else {
      under.warned = false;
      under.dropped = true;
    }
  }

  /** Interrupts the reader threads and lets no read begin. Idempotent. */
  @Override
  public void close() {
    threads.shutdownNow();
  }

  private void ended(Pending read) {
    Hang over;
    synchronized (this) {
      pending.remove(read.path, read);
      boolean late = read.warned;
      read.warned = false; // counted once, by the first who takes its result
      Hang hang = hangs.get(read.path);
      if (hang == null) {
        return;
      }
      if (late) {
        hang.late++;
        hang.last = Duration.ofNanos(System.nanoTime() - read.since);
        hang.longest = hang.longest.compareTo(hang.last) >= 0 ? hang.longest : hang.last;
        return; // the hang goes on until a read ends within the bound
      }
      over = hangs.remove(read.path);
    }
    log.log(Level.INFO, "reading " + read.path + ", which did not end within " + bound
        + ", ended after " + over.last + " (" + over.late + (over.late == 1 ? " read" : " reads")
        + " in a row took longer than " + bound + ", the longest " + over.longest
        + "); the read after them ended within it: it is checked as before");
  }

  private Look look(Path path, PathState previous) {
    PathState state;
    try {
      state = reader.read(path, previous, clock.instant());
    } catch (RuntimeException | Error e) {
      // a folder's listing that fails while it is iterated, say: a state of its own
      state = new PathState.Unreadable(e.toString());
    }
    return new Look(state, WatchedFolders.of(path, state));
  }
}
