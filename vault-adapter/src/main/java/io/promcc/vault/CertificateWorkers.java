package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Throwables;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import io.promcc.core.port.CertificateUnavailableException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The worker threads of {@link VaultCertificateSource} and the hand-off of requests to them: a
 * request asks the cache on a worker while its caller waits, so that a close answers the caller
 * (its still-valid certificate, else {@code interrupted}) within the close's deadline, whether
 * the close dropped its request or outlived its call. Thread-safe.
 */
final class CertificateWorkers {
  private static final System.Logger LOG = System.getLogger(VaultCertificateSource.class.getName());
  private static final AtomicInteger SOURCES = new AtomicInteger();

  private final CertificateCache cache;
  private final StopAnswers answers;
  private final CloseTiming closeTiming;
  private final LongSupplier closeNanosLeft;
  private final ThreadPoolExecutor workers;
  /** Requests handed to the workers and not answered yet; the close answers what is left. */
  private final Set<Request> pending = ConcurrentHashMap.newKeySet();

  /**
   * @param closeNanosLeft what is left of the close's one deadline, in nanoseconds
   */
  CertificateWorkers(int threads, CertificateCache cache, CloseTiming closeTiming,
      LongSupplier closeNanosLeft) {
    this.cache = requireNonNull(cache, "cache == null");
    this.answers = cache.answers();
    this.closeTiming = requireNonNull(closeTiming, "closeTiming == null");
    this.closeNanosLeft = requireNonNull(closeNanosLeft, "closeNanosLeft == null");
    String prefix = "promcc-vault-" + SOURCES.incrementAndGet() + "-";
    AtomicInteger n = new AtomicInteger();
    // idle workers end after a minute: a source that is not closed leaves no threads behind
    this.workers = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.workers.allowCoreThreadTimeOut(true);
  }

  /**
   * Stops the workers for the close: answers the requests still waiting for one, interrupts
   * the calls in flight and waits for them until the close's deadline, then answers from memory
   * the callers of calls that did not end.
   */
  void stop() {
    for (Runnable dropped : workers.shutdownNow()) {
      // its observation waits for it: answered here, before every cluster is forgotten
      ((Request) dropped).dropped();
    }
    try {
      if (!workers.awaitTermination(closeNanosLeft.getAsLong(), TimeUnit.NANOSECONDS)) {
        LOG.log(Level.WARNING, "vault calls still running {0} after closing",
            closeTiming.callsWait());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Request running : pending) {
      // a call that did not end within the deadline: its caller is answered from memory now
      running.answerFromMemory("the vault certificate source closed while asking for the "
          + "certificate of cluster " + Quoting.quote(running.id.value()));
    }
  }

  /** Whether {@link #stop()} has stopped the worker pool taking requests. */
  boolean closing() {
    return workers.isShutdown();
  }

  /** How many requests wait for a worker. */
  int waiting() {
    return workers.getQueue().size();
  }

  /** Whether {@link #stop()} has stopped every worker thread. */
  boolean stopped() {
    return workers.isTerminated();
  }

  /**
   * Hands {@code id}'s request to the workers.
   *
   * @throws RejectedExecutionException once the close stopped the workers
   */
  Future<CertificateBundle> submit(ClusterId id) {
    Request request = new Request(id);
    pending.add(request);
    try {
      workers.execute(request);
    } catch (RejectedExecutionException stopping) {
      pending.remove(request);
      throw stopping;
    }
    return request;
  }

  /**
   * One cluster's request, run by a worker; one the close drops before it ran is answered as
   * an interrupted request is: its still-valid certificate, else {@code interrupted}.
   */
  private final class Request extends FutureTask<CertificateBundle> {
    private final ClusterId id;

    Request(ClusterId id) {
      super(() -> cache.obtain(id));
      this.id = id;
    }

    void dropped() {
      answerFromMemory("the vault certificate source closed before asking for the certificate "
          + "of cluster " + Quoting.quote(id.value()));
    }

    /** Answers its caller now, unless answered already; the call itself may go on. */
    void answerFromMemory(String message) {
      try {
        // no wait: a call for it in flight elsewhere may be long; nor a read of its kept
        // certificate: the close would take as long as all of them
        set(answers.closingFromMemory(id, message));
      } catch (RuntimeException | Error e) {
        // judged by its caller, as a worker's failure is (an Error too): the close goes on
        setException(e);
      }
    }

    @Override
    protected void done() {
      pending.remove(this);
    }
  }

  /** A lookup that may fail for one cluster. */
  interface Lookup {
    CertificateBundle get();
  }

  /** {@code future}'s answer for an observation. */
  CertificateBundle await(ClusterId id, Future<CertificateBundle> future) {
    // as a request interrupted on the caller's own thread: the still-valid certificate
    return await(id, future, () -> answers.closingFromMemory(id, "interrupted while waiting for "
        + "the certificate of cluster " + Quoting.quote(id.value())));
  }

  /** {@code future}'s answer; {@code interrupted} answers a caller interrupted meanwhile. */
  CertificateBundle await(ClusterId id, Future<CertificateBundle> future, Lookup interrupted) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      return interrupted.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CertificateUnavailableException unavailable) {
        throw unavailable;
      }
      Throwables.throwIfUnchecked(e.getCause());
      throw new IllegalStateException(e.getCause());
    } catch (CancellationException e) {
      // not expected (a close answers the requests it drops); as a request the close interrupts
      return answers.closing(id, "the vault certificate source closed while asking for the "
          + "certificate of cluster " + Quoting.quote(id.value()),
          Duration.ofNanos(closeNanosLeft.getAsLong()));
    }
  }
}
