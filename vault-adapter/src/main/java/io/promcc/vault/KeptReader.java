package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reads of {@link KeptCertificates}, each on a reader thread and waited for at most a
 * bound: a read that does not end (the output folder on an NFS volume whose server is gone,
 * where a read blocks and no interrupt stops it) holds its reader thread, never the caller,
 * which goes on as if nothing could be read ({@link Unanswered}), not as if nothing was left.
 * While a read it gave up has not ended, the volume counts as not answering and every read is
 * given up at once: a hung volume costs its callers one wait, not one per cluster, and holds at
 * most one reader thread per read begun before the first was given up. Thread-safe.
 *
 * <p>A caller's interrupt is handed to its read's thread (a file channel's read stops at one);
 * the caller still waits for the read's outcome within the bound, and its interrupt is kept, so
 * that it judges the outcome as a read on its own thread: one the interrupt did not stop found
 * what it found.
 */
final class KeptReader {
  /** How long a caller waits for one read of a cluster's kept certificate. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final System.Logger LOG = System.getLogger(VaultCertificateSource.class.getName());
  private static final AtomicInteger READERS = new AtomicInteger();

  private final KeptCertificates kept;
  private final Duration timeout;
  private final ThreadPoolExecutor threads;
  /** Reads given up that have not ended: while there is one, reads are given up at once. */
  private final Set<Read> overdue = new HashSet<>(); // guarded by itself

  /** No read of the kept certificate ended in time: nothing is known of it. */
  static final class Unanswered extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unanswered(String message) {
      super(message, null, false, false);
    }
  }

  KeptReader(KeptCertificates kept, Duration timeout) {
    this.kept = requireNonNull(kept, "kept == null");
    this.timeout = requireNonNull(timeout, "timeout == null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout is not positive, found " + timeout);
    }
    String prefix = "promcc-vault-kept-" + READERS.incrementAndGet() + "-";
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
   * What {@link KeptCertificates#find} answers for {@code id}, read on a reader thread.
   *
   * @throws Unanswered if the read did not end within the timeout, or a read given up earlier
   *     has not ended yet: the next look reads again
   * @throws RuntimeException or {@link Error} that the read threw
   */
  Optional<CertificateBundle> find(ClusterId id) {
    synchronized (overdue) {
      if (!overdue.isEmpty()) {
        LOG.log(Level.DEBUG, "not reading the kept certificate of cluster {0}: an earlier read "
            + "has not ended", Quoting.quote(id.value()));
        throw new Unanswered("an earlier read of the kept certificates has not ended");
      }
    }
    Read read = new Read(id);
    boolean interrupted = Thread.interrupted();
    if (interrupted) {
      read.interrupt(); // read with the interrupt, as on the caller's own thread
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      try {
        threads.execute(read);
      } catch (RejectedExecutionException notRun) { // not expected: the pool is never shut
        throw new Unanswered("no thread to read the kept certificate on");
      }
      while (true) {
        try {
          return read.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
          read.interrupt();
        } catch (TimeoutException e) {
          if (!read.isDone()) {
            throw giveUp(read);
          }
          // ended as the wait did: its answer is had at once
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof Error error) {
            throw error;
          }
          throw (RuntimeException) cause; // find throws nothing checked
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Counts {@code read} as overdue (unless it ends meanwhile: then its end counts it out, as
   * {@link Read#done()} takes the same lock); warns once per hang.
   */
  private Unanswered giveUp(Read read) {
    boolean first;
    synchronized (overdue) {
      first = overdue.isEmpty();
      if (!read.isDone()) {
        overdue.add(read);
      }
    }
    LOG.log(first ? Level.WARNING : Level.DEBUG, "reading the kept certificate of cluster {0} "
        + "did not end within {1} (is the output folder''s volume hanging?): going on as if "
        + "nothing could be read, and giving up every read of a kept certificate at once until "
        + "it ends; it is read again at the cluster''s next look", Quoting.quote(read.id.value()),
        timeout);
    return new Unanswered("the read of the kept certificate did not end within " + timeout);
  }

  /** One cluster's read; its thread is interrupted only while it runs this read. */
  private final class Read extends FutureTask<Optional<CertificateBundle>> {
    private final ClusterId id;
    private Thread runner; // guarded by this
    private boolean interrupt; // guarded by this
    private final long begun = System.nanoTime();

    Read(ClusterId id) {
      super(() -> kept.find(id));
      this.id = id;
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
      synchronized (overdue) {
        wasOverdue = overdue.remove(this);
      }
      if (wasOverdue) {
        LOG.log(Level.INFO, "the read of the kept certificate of cluster {0} that did not end "
            + "within {1} ended after {2}: kept certificates are read again",
            Quoting.quote(id.value()), timeout,
            Duration.ofNanos(System.nanoTime() - begun));
      }
    }
  }
}
