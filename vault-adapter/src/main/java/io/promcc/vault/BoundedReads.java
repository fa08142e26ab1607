package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reads of files waited for at most a bound, each on a reader thread: a read that does not end
 * (a file on an NFS volume whose server is gone, where a read blocks and no interrupt stops it)
 * holds its reader thread, never the caller, which gets {@link Unanswered}: nothing is known of
 * the file, which is not to be taken for missing. While a read it gave up has not ended, the
 * volume counts as not answering and every read is given up at once: a hung volume costs its
 * callers one wait, not one per file, and holds at most one reader thread per read begun before
 * the first was given up. Each hang is warned of once; what else is logged of it is its
 * {@link Lines}', its end always after its warning. A read that ends in the instant it would be
 * given up is no hang: its answer is had, and nothing is logged. Thread-safe.
 *
 * <p>A caller's interrupt is handed to its read's thread (a file channel's read stops at one);
 * the caller still waits for the read's outcome within the bound, and its interrupt is kept, so
 * that it judges the outcome as a read on its own thread: one the interrupt did not stop found
 * what it found.
 *
 * <p>Public for app's start checks of settings files ({@code FileChecks}), which may sit on the
 * volumes this adapter reads from (the Vault token, secret id and CA bundle among them).
 */
public final class BoundedReads {
  /** How long a caller waits for one read. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final AtomicInteger READERS = new AtomicInteger();

  private final System.Logger log; // null: logs nothing
  private final String kind;
  private final Supplier<Duration> timeout;
  private final ThreadPoolExecutor threads;
  private final Hang hang;
  private final Lines lines;
  private final Consumer<Future<?>> givingUp;
  /** Reads given up that have not ended: while there is one, reads are given up at once. */
  private final Set<Read> overdue = new HashSet<>(); // guarded by itself

  /** Told of each hang: the first read given up, and the end of the last one. */
  @FunctionalInterface
  public interface Hang {
    /** Does nothing. */
    Hang NONE = hung -> {};

    /**
     * {@code true} as a read is given up while none is overdue, {@code false} as the last
     * overdue read ends; called under the reads' lock, so in order: quick, and never throws.
     */
    void hung(boolean hung);
  }

  /** What is logged of a hang besides its warning. */
  public enum Lines {
    /**
     * Each read given up while it lasts, at debug level, and the end of each read given up, at
     * info level: for reads of many files, which the lines name (each cluster's kept
     * certificate).
     */
    EACH_READ,
    /**
     * Its end alone, at info level, as the last read given up ends: for the reads of one file,
     * asked for again and again while its volume hangs (the Vault login credential, app's
     * {@code --cert-dir} folder).
     */
    ITS_END
  }

  /**
   * The read did not end in time, or was not begun while an earlier one has not ended: nothing
   * is known of what it read. Its message names what was read.
   */
  public static final class Unanswered extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean waited;

    Unanswered(String message, boolean waited) {
      super(message, null, false, false);
      this.waited = waited;
    }

    /**
     * {@code true} if this read was waited for the whole bound; {@code false} if it was given up
     * at once, as a read given up earlier has not ended (or no thread could read it).
     */
    public boolean waited() {
      return waited;
    }
  }

  /**
   * @param owner whose logger logs each hang and its end: the class whose work waits for the
   *     reads
   * @param kind what is read, as in "every read of a {@code kind}"
   * @param threads how the reader threads are named: {@code promcc-<threads>-<n>-<m>}
   */
  public BoundedReads(Class<?> owner, String kind, String threads, Duration timeout) {
    this(owner, kind, threads, timeout, Hang.NONE);
  }

  /** As the other constructor, each hang and its end told to {@code hang}. */
  public BoundedReads(Class<?> owner, String kind, String threads, Duration timeout, Hang hang) {
    this(owner, kind, threads, fixed(timeout), hang);
  }

  /**
   * As above, logging of each hang what {@code lines} says besides its warning (app's reads of
   * {@code --cert-dir}'s folder: {@link Lines#ITS_END}).
   */
  public BoundedReads(Class<?> owner, String kind, String threads, Duration timeout, Hang hang,
      Lines lines) {
    this(owner, kind, threads, fixed(timeout), hang, lines);
  }

  /**
   * As above, each read waited for the value {@code timeout} gives as the read begins (for
   * tests: a short wait for the reads of a volume that hangs, a long one once it answers).
   */
  BoundedReads(Class<?> owner, String kind, String threads, Supplier<Duration> timeout,
      Hang hang) {
    this(owner, kind, threads, timeout, hang, Lines.EACH_READ);
  }

  /** As above, logging of each hang what {@code lines} says besides its warning. */
  BoundedReads(Class<?> owner, String kind, String threads, Supplier<Duration> timeout,
      Hang hang, Lines lines) {
    this(owner, kind, threads, timeout, hang, lines, read -> { });
  }

  /**
   * As above, {@code givingUp} given each read whose wait has timed out, as it is given up (a
   * seam for tests: a read that ends in that instant).
   */
  BoundedReads(Class<?> owner, String kind, String threads, Supplier<Duration> timeout,
      Hang hang, Lines lines, Consumer<Future<?>> givingUp) {
    this(System.getLogger(requireNonNull(owner, "owner == null").getName()), kind, threads,
        timeout, hang, lines, givingUp);
  }

  /**
   * Reads as the constructors', logging nothing: for a caller that reports each read given up
   * itself (the app's start checks, whose problems name the file, before its logging is set up).
   */
  public static BoundedReads unlogged(String kind, String threads, Duration timeout) {
    return new BoundedReads((System.Logger) null, kind, threads, fixed(timeout), Hang.NONE,
        Lines.EACH_READ, read -> { });
  }

  private BoundedReads(System.Logger log, String kind, String threads,
      Supplier<Duration> timeout, Hang hang, Lines lines, Consumer<Future<?>> givingUp) {
    this.log = log;
    this.givingUp = requireNonNull(givingUp, "givingUp == null");
    this.lines = requireNonNull(lines, "lines == null");
    this.hang = requireNonNull(hang, "hang == null");
    this.kind = requireNonNull(kind, "kind == null");
    this.timeout = requireNonNull(timeout, "timeout == null");
    String prefix = "promcc-" + requireNonNull(threads, "threads == null") + "-"
        + READERS.incrementAndGet() + "-";
    AtomicInteger n = new AtomicInteger();
    // a thread per read at once, ended after a minute idle: a source leaves no threads behind
    // but those of reads that never end, which nothing can end
    this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.MINUTES,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * What {@code read} answers, run on a reader thread; {@code what} names what it reads in log
   * lines ("reading {@code what} did not end").
   *
   * @throws Unanswered if the read did not end within the timeout, or a read given up earlier
   *     has not ended yet
   * @throws RuntimeException or {@link Error} that the read threw
   */
  public <T> T read(String what, Supplier<T> read) {
    synchronized (overdue) {
      if (!overdue.isEmpty()) {
        if (lines == Lines.EACH_READ) {
          log(Level.DEBUG, "not reading {0}: an earlier read of a {1} has not ended", what,
              kind);
        }
        throw new Unanswered(what + " was not read: an earlier read of a " + kind
            + " has not ended", false);
      }
    }
    return await(new Read<>(what, read, positive(timeout.get())));
  }

  private <T> T await(Read<T> read) {
    boolean interrupted = Thread.interrupted();
    if (interrupted) {
      read.interrupt(); // read with the interrupt, as on the caller's own thread
    }
    long deadline = System.nanoTime() + read.bound.toNanos();
    try {
      try {
        threads.execute(read);
      } catch (RejectedExecutionException notRun) { // not expected: the pool is never shut
        throw new Unanswered("no thread to read " + read.what + " on", false);
      }
      while (true) {
        try {
          return read.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
          read.interrupt();
        } catch (TimeoutException e) {
          if (!read.isDone()) {
            givingUp.accept(read);
            Unanswered unanswered = giveUp(read);
            if (unanswered != null) {
              throw unanswered;
            }
          }
          // ended as the wait did, or as it was given up: its answer is had at once
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof Error error) {
            throw error;
          }
          throw (RuntimeException) cause; // a supplier throws nothing checked
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Counts {@code read} as overdue and warns once per hang, unless it has ended meanwhile: then
   * it is no hang, and null is returned. Its lines are logged under the lock its end takes
   * ({@link Read#done()}), so that its end line, if any, follows them.
   */
  private Unanswered giveUp(Read<?> read) {
    synchronized (overdue) {
      if (read.isDone()) {
        return null;
      }
      boolean first = overdue.isEmpty();
      overdue.add(read);
      if (first) {
        hang.hung(true);
      }
      if (first || lines == Lines.EACH_READ) {
        log(first ? Level.WARNING : Level.DEBUG, "reading {0} did not end within {1} (is its "
            + "volume hanging?): going on as if nothing could be read, and giving up every read "
            + "of a {2} at once until it ends", read.what, read.bound, kind);
      }
    }
    return new Unanswered("reading " + read.what + " did not end within " + read.bound, true);
  }

  private static Supplier<Duration> fixed(Duration timeout) {
    Duration bound = positive(timeout);
    return () -> bound;
  }

  private static Duration positive(Duration timeout) {
    requireNonNull(timeout, "timeout == null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout is not positive, found " + timeout);
    }
    return timeout;
  }

  private void log(Level level, String format, Object... params) {
    if (log != null) {
      log.log(level, format, params);
    }
  }

  /** One read; its thread is interrupted only while it runs this read. */
  private final class Read<T> extends FutureTask<T> {
    private final String what;
    private final Duration bound;
    private Thread runner; // guarded by this
    private boolean interrupt; // guarded by this
    private final long begun = System.nanoTime();

    Read(String what, Supplier<T> read, Duration bound) {
      super(read::get);
      this.what = what;
      this.bound = bound;
    }

    @Override
    public void run() {
      synchronized (this) {
        runner = Thread.currentThread();
        if (interrupt) {
          runner.interrupt();
        }
      }
      try {
        super.run();
      } finally {
        synchronized (this) {
          runner = null;
        }
        Thread.interrupted(); // a thread of the pool starts its next read uninterrupted
      }
    }

    /** Interrupts its read, now if it runs, else as it begins. */
    synchronized void interrupt() {
      interrupt = true;
      if (runner != null) {
        runner.interrupt();
      }
    }

    @Override
    protected void done() {
      boolean wasOverdue;
      boolean last;
      synchronized (overdue) {
        wasOverdue = overdue.remove(this);
        last = wasOverdue && overdue.isEmpty();
        if (last) {
          hang.hung(false);
        }
      }
      if (lines == Lines.EACH_READ ? wasOverdue : last) {
        log(Level.INFO, "reading {0}, which did not end within {1}, ended after {2}: a {3} "
            + "is read again", what, bound, Duration.ofNanos(System.nanoTime() - begun), kind);
      }
    }
  }
}
