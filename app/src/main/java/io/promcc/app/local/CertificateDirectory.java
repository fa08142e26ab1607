package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Certificates from a folder (the {@code dir} certificate source, {@code --cert-dir}), named like
 * the original controller's files: {@code <cluster>-ca.pem}, {@code <cluster>-crt.pem} and
 * {@code <cluster>-key.pem}. A cluster has a certificate only when all three exist and parse and
 * the certificate has not ended; otherwise it has a problem with a reason:
 * {@code certificate-missing}, {@code certificate-incomplete}, {@code certificate-invalid},
 * {@code certificate-unreadable} or {@code expired}. A folder that does not exist or cannot be
 * read is a problem of every cluster, {@value #SOURCE_NOT_READY}, never "missing": the reconciler
 * then keeps their files and jobs.
 *
 * <p>Started, it watches the folder with a {@link FileWatcher} and runs its listeners when any
 * entry changes. Reading is cached per cluster and keyed by the three files' size, modification
 * time and identity: {@link #observe} reads and parses only files that changed, and while the
 * watcher reports no change it does not even look at the files' metadata. A folder not started
 * (one-shot use such as {@code promcc render}) checks the metadata on every call.
 * {@link CertificateObservation#nextAttention()} is the earliest end of a returned certificate,
 * when that cluster turns {@code expired}.
 *
 * <p>No file of the folder is read under the source's lock: each read (of the folder's status and
 * listing, and the clusters' files) is made on a reader thread and waited for at most 10 s
 * ({@link CertificateFolderReads}), so that a folder on a volume that hangs (an NFS or FUSE mount
 * that stops answering) holds that thread only. {@link #start()} reads it once
 * ({@link StartReads}): one that does not end fails the start, naming the folder and the bound.
 * Later, while a read of it has not ended (warned of once, its end at info level), every other
 * read is given up at once, and every cluster has the hang as its problem,
 * {@value #SOURCE_NOT_READY} (never "missing"). {@link #awaitSynced} has its reads made on a
 * thread of its own and ends at its own timeout, or at the close, whatever a read does: one under
 * way then is taken by the next wait (or observation) that comes. {@link #close()} waits for no
 * read.
 *
 * <p>Thread-safe; {@link #start()} and {@link #close()} are idempotent. Private keys never reach
 * messages, logs or {@link #toString()}.
 */
public final class CertificateDirectory implements CertificateSource {
  /** The source name in {@link SourceErrors} reports (a metric label). */
  public static final String SOURCE = "cert-dir";
  /** Reason of every cluster while the folder is missing or unreadable. */
  public static final String SOURCE_NOT_READY = "source-not-ready";
  /** Reason of a cluster whose certificate has ended. */
  public static final String EXPIRED = "expired";

  private static final System.Logger LOG = System.getLogger(CertificateDirectory.class.getName());
  /** The longest wait for the folder: the watcher wakes it, but a folder may not be watched. */
  private static final Duration SYNC_RECHECK = Duration.ofMillis(100);
  /** How long a read of the folder is waited for. */
  private static final Duration READ_BOUND = StartReads.BOUND;

  private final Path directory;
  private final ClusterCertificateFiles files;
  private final FileWatcher watcher; // null: never watched
  private final Clock clock;
  private final SourceErrors errors;
  private final LongSupplier ticker;
  private final Waiter waiter;
  private final CertificateFolderReads reads; // each bounded
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong generation = new AtomicLong(); // one more per reported change
  private final Object lock = new Object();
  // guarded by lock
  private final Map<ClusterId, ClusterCertificateFiles.Entry> cache = new HashMap<>();
  private long seenGeneration = -1;
  private boolean started;
  private boolean closed;
  private FileWatcher.Watch watch;
  private String lastReported;
  private String lastProblem; // what kept the folder from being used at its last read
  private CompletableFuture<String> syncRead; // awaitSynced's read under way; null if none
  private boolean startFoundUsable; // the start's read answers the first wait, unless changed

  /** A folder read without watching (one-shot use), on the system clock. */
  public CertificateDirectory(Path directory) {
    this(directory, null, Clock.systemUTC(), SourceErrors.NONE);
  }

  /**
   * A folder watched once {@link #start() started}.
   *
   * @param watcher tells of changes in the folder (shared; owned by the caller); null for a
   *     folder that is never watched
   * @param clock judges expiry
   * @param errors where a missing or unreadable folder is reported, once per distinct problem
   */
  public CertificateDirectory(Path directory, FileWatcher watcher, Clock clock,
      SourceErrors errors) {
    this(directory, watcher, clock, errors, System::nanoTime, Waiter.SYSTEM);
  }

  /**
   * As above, {@link #awaitSynced} bounded on {@code ticker} (nanoseconds, as
   * {@link System#nanoTime()}, no wall clock) and waiting for the folder with {@code waiter}
   * (seams for tests, whose waiter passes the time on their ticker instead of waiting it).
   */
  CertificateDirectory(Path directory, FileWatcher watcher, Clock clock, SourceErrors errors,
      LongSupplier ticker, Waiter waiter) {
    this(directory, watcher, clock, errors, ticker, waiter, READ_BOUND, folder -> { });
  }

  /**
   * As above, each read of the folder waited for at most {@code bound}, and reaching
   * {@code volume} with the folder first, on its reader thread (seams for tests: less than
   * 10 s, and their volume that hangs).
   */
  CertificateDirectory(Path directory, FileWatcher watcher, Clock clock, SourceErrors errors,
      LongSupplier ticker, Waiter waiter, Duration bound, Consumer<Path> volume) {
    this.directory = requireNonNull(directory, "directory == null").toAbsolutePath().normalize();
    this.reads = new CertificateFolderReads(this.directory, bound, volume);
    this.files = new ClusterCertificateFiles(this.directory);
    this.watcher = watcher;
    this.clock = requireNonNull(clock, "clock == null");
    this.errors = requireNonNull(errors, "errors == null");
    this.ticker = requireNonNull(ticker, "ticker == null");
    this.waiter = requireNonNull(waiter, "waiter == null");
    errors.declared(SOURCE);
  }

  /**
   * Reads the folder once, waited for at most 10 s, then watches it (it need not exist yet) and
   * starts the shared watcher.
   *
   * @throws IllegalStateException if closed
   * @throws io.promcc.core.model.ValidationException if that read did not end within 10 s (its
   *     volume hangs), naming the folder and the bound
   */
  @Override
  public void start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("certificate folder " + quoted() + " is closed");
      }
      if (started) {
        return;
      }
      started = true;
    }
    // before the watch, whose reads of a hung folder would add their 10 s to the start
    String problem = reads.atStart();
    synchronized (lock) {
      lastProblem = problem;
      startFoundUsable = problem == null;
      if (watcher == null) {
        return;
      }
    }
    FileWatcher.Watch registered = watcher.watch(directory, this::changed);
    synchronized (lock) {
      if (closed) {
        registered.close();
        return;
      }
      watch = registered;
      seenGeneration = -1; // anything seen before the watch cannot be trusted
    }
    watcher.start();
  }

  /**
   * Waits (at most {@code timeout}, on the ticker) until the folder exists and can be read. The
   * start's read answers the first wait if it found the folder usable and the watcher told of
   * no change since (the observation after it reads the folder again, and sees a change made
   * meanwhile); else it is read: its reads are made and waited for (at most 10 s each) on a
   * thread of their own, so the wait ends at its timeout, or at the close, whatever a read
   * does: a read that has not ended then is taken by the next call, or by the next observation
   * (see the class comment).
   *
   * @return false if it still cannot be read at the deadline (or its read has not ended), or
   *     the source is closed
   */
  @Override
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    long start = ticker.getAsLong();
    synchronized (lock) {
      while (!closed) {
        if (startFoundUsable) {
          startFoundUsable = false;
          return true;
        }
        if (syncRead == null) {
          syncRead = reads.beginBounded();
          syncRead.whenComplete((problem, failure) -> wake());
        }
        if (syncRead.isDone()) {
          CompletableFuture<String> ended = syncRead;
          syncRead = null; // the next call reads afresh, whatever this read threw
          String problem = ended.join(); // a hang is a problem, not a failure
          lastProblem = problem;
          if (problem == null) {
            return true;
          }
        }
        long left = timeout.toNanos() - (ticker.getAsLong() - start);
        if (left <= 0) {
          return false;
        }
        // woken as its read ends, by the watcher and the close; the recheck covers a folder
        // that is not watched
        waiter.await(lock, Duration.ofNanos(Math.min(left, SYNC_RECHECK.toNanos())));
      }
      return false;
    }
  }

  /**
   * The clusters' certificates, read on a reader thread (not under the source's lock) and
   * waited for at most 10 s: while a read of the folder hangs (given up, and not begun again
   * until it ends), every cluster has the hang as its problem, {@value #SOURCE_NOT_READY}.
   */
  @Override
  public CertificateObservation observe(Collection<GuestCluster> clusters) {
    awaitSyncRead(); // a read of the wait for the sources not ended: no second one meanwhile
    long current = generation.get(); // read first: a change during this call is seen next time
    Map<ClusterId, ClusterCertificateFiles.Entry> known;
    boolean unchanged;
    synchronized (lock) {
      if (closed) {
        return everyCluster(clusters, "certificate folder " + quoted() + " is closed");
      }
      unchanged = watch != null && current == seenGeneration;
      known = new HashMap<>(cache);
    }
    Instant now = clock.instant();
    Look look = reads.read(() -> look(clusters, known, unchanged, now),
        new Look(reads.hung(), null));
    synchronized (lock) {
      if (closed) {
        return everyCluster(clusters, "certificate folder " + quoted() + " is closed");
      }
      lastProblem = look.folderProblem();
      if (look.folderProblem() != null) {
        report(look.folderProblem());
        seenGeneration = -1;
        return everyCluster(clusters, look.folderProblem());
      }
      lastReported = null;
      cache.clear();
      cache.putAll(look.observed().entries());
      seenGeneration = current;
      return look.observed().observation();
    }
  }

  /** What a read of the folder found: what keeps it from being used, or the certificates. */
  private record Look(String folderProblem, ClusterCertificateFiles.Observed observed) {}

  /** Reads the folder, and then the files of {@code clusters}; on a reader thread. */
  private Look look(Collection<GuestCluster> clusters,
      Map<ClusterId, ClusterCertificateFiles.Entry> known, boolean unchanged, Instant now) {
    String folderProblem = reads.problem();
    return new Look(folderProblem, folderProblem != null ? null
        : files.observe(clusters, known, unchanged, now));
  }

  /** Runs {@code listener} whenever a file of the folder changes (once started). */
  @Override
  public void addChangeListener(Runnable listener) {
    listeners.add(requireNonNull(listener, "listener == null"));
  }

  /** Stops watching; every cluster is then {@value #SOURCE_NOT_READY}. Idempotent. */
  @Override
  public void close() {
    FileWatcher.Watch registered;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      cache.clear();
      registered = watch;
      lock.notifyAll();
    }
    reads.close(); // a read under way ends within its bound
    if (registered != null) {
      registered.close();
    }
  }

  /** How many files were read since this source was made. */
  long filesRead() {
    return files.filesRead();
  }

  /**
   * The folder, or what keeps it from being read (the controller's {@code /readyz} names a source
   * that has not synced by this).
   */
  @Override
  public String toString() {
    synchronized (lock) {
      String problem = closed ? null : lastProblem;
      return "CertificateDirectory{" + directory + ", " + cache.size() + " cached"
          + (watch == null ? "" : ", watched") + (problem == null ? "" : ", " + problem) + "}";
    }
  }

  private void changed() {
    generation.incrementAndGet();
    synchronized (lock) {
      startFoundUsable = false; // read again by the next wait
      lock.notifyAll();
    }
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "certificate folder listener failed", e);
      }
    }
  }

  /**
   * Waits for awaitSynced's read under way, if any, at most the bound (its own wait's), and
   * takes it: an observation then begins no second read of a folder whose read has not been
   * given up yet, and the next wait for the sources reads afresh.
   */
  private void awaitSyncRead() {
    CompletableFuture<String> pending;
    synchronized (lock) {
      pending = syncRead;
    }
    if (pending == null) {
      return;
    }
    try {
      pending.get(reads.bound().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // kept: the observation is made as without it
      return;
    } catch (TimeoutException | ExecutionException e) {
      return; // not ended within the bound from now: the observation reads on its own
    }
    synchronized (lock) {
      if (syncRead == pending) {
        syncRead = null;
      }
    }
  }

  private void wake() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  private CertificateObservation everyCluster(Collection<GuestCluster> clusters, String message) {
    SortedMap<ClusterId, Rejection> problems = new TreeMap<>();
    for (GuestCluster cluster : clusters) {
      problems.put(cluster.id(), new Rejection(cluster.id().value(), SOURCE_NOT_READY, message));
    }
    return new CertificateObservation(new TreeMap<>(), problems, Optional.empty());
  }

  private void report(String problem) {
    if (problem.equals(lastReported)) {
      return;
    }
    lastReported = problem;
    try {
      errors.failed(SOURCE, problem);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "reporting a certificate folder problem failed", e);
    }
  }

  private String quoted() {
    return Quoting.quote(directory.toString());
  }
}
