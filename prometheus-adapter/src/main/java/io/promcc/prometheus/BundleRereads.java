package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The CA bundle read again at TLS handshakes and calls to Prometheus, so that a CA added to it
 * (a rotation) is taken, and a CA taken out of it stops verifying, without a restart. A
 * handshake it did not verify reads it at most once per {@link #INTERVAL}; one it verified, and
 * a call, at most once per interval since any read (the start's included), so that one that did
 * not verify, which waits for the answer, is never kept from a read by the other reads. Each
 * read runs on a daemon thread of its own waited for at most {@link #BOUND} (a volume that hangs
 * holds that thread, never a handshake or a call for longer), and none starts while one given
 * up has not ended. The interval is timed on a monotonic ticker ({@link System#nanoTime()}),
 * which a wall clock set back (that would stop the reads for as long) or forward (that would
 * have one at every handshake) does not move. Thread-safe.
 */
final class BundleRereads {
  /** The least time between two reads: a Prometheus it never verifies is asked every few s. */
  static final Duration INTERVAL = Duration.ofSeconds(10);
  /** The most a handshake waits for a read. */
  static final Duration BOUND = Duration.ofSeconds(2);
  private static final AtomicInteger READERS = new AtomicInteger();
  private static final System.Logger LOG = System.getLogger(BundleRereads.class.getName());

  private final Path path;
  private final Supplier<List<X509Certificate>> read;
  private final LongSupplier ticker;
  private final long interval;
  private final Duration bound;
  /** Whether a handshake not verified had a read start; guarded by this. */
  private boolean started;
  /** When a handshake not verified last had a read start, on {@link #ticker}; guarded by this. */
  private long last;
  /** When the last read of any handshake started, or this was made; guarded by this. */
  private long lastAny;
  /** What the last read found wrong, said once while it stays so, or null; guarded by this. */
  private String failing;
  /** A read given up that may not have ended; guarded by this. */
  private FutureTask<List<X509Certificate>> hanging;

  /**
   * @param path the bundle's file, as the log names it
   * @param read the bundle's certificates read now; throws if the bundle cannot be used
   * @param ticker nanoseconds, as {@link System#nanoTime()}: no wall clock
   */
  BundleRereads(Path path, Supplier<List<X509Certificate>> read, LongSupplier ticker,
      Duration interval, Duration bound) {
    this.path = requireNonNull(path, "path == null");
    this.read = requireNonNull(read, "read == null");
    this.ticker = requireNonNull(ticker, "ticker == null");
    this.interval = requireNonNull(interval, "interval == null").toNanos();
    this.bound = requireNonNull(bound, "bound == null");
    this.lastAny = ticker.getAsLong(); // made just after the start read the bundle
  }

  /**
   * For a handshake the bundle did not verify: the bundle's certificates read now, if no such
   * read started within the interval and no earlier read hangs, and it ended within the bound
   * with a bundle the client can use; empty otherwise.
   */
  synchronized Optional<List<X509Certificate>> read() {
    long now = ticker.getAsLong();
    if (hanging != null && !hanging.isDone()) {
      return Optional.empty();
    }
    hanging = null;
    if (started && now - last < interval) { // a difference: the ticker may wrap around
      return Optional.empty();
    }
    started = true;
    last = now;
    return readNow(now);
  }

  /**
   * For a handshake the bundle verified, and for a call to Prometheus: as {@link #read()}, if no
   * read at all started within the interval (nor this was made).
   */
  synchronized Optional<List<X509Certificate>> readVerified() {
    long now = ticker.getAsLong();
    if (hanging != null && !hanging.isDone()) {
      return Optional.empty();
    }
    hanging = null;
    if (now - lastAny < interval) {
      return Optional.empty();
    }
    return readNow(now);
  }

  /** A read started {@code now}, waited for at most the bound; called holding this. */
  private Optional<List<X509Certificate>> readNow(long now) {
    lastAny = now;
    FutureTask<List<X509Certificate>> reading = new FutureTask<>(read::get);
    Thread reader = new Thread(reading, "promcc-prometheus-ca-bundle-"
        + READERS.incrementAndGet());
    reader.setDaemon(true); // one that never ends keeps no process alive
    reader.start();
    try {
      List<X509Certificate> certificates = reading.get(bound.toNanos(), TimeUnit.NANOSECONDS);
      if (failing != null) {
        failing = null;
        LOG.log(System.Logger.Level.INFO, "prometheus ca bundle " + Quoting.quote(
            path.toString()) + " can be used again: read again, " + certificates.size()
            + " certificate(s)");
      }
      return Optional.of(certificates);
    } catch (TimeoutException e) {
      reader.interrupt(); // a file channel's read stops at one; a hung NFS read does not
      hanging = reading;
      sayFailing("prometheus ca bundle " + Quoting.quote(path.toString()) + " was not read "
          + "within " + bound.toMillis() + " ms (its volume may hang)");
      return Optional.empty();
    } catch (InterruptedException e) {
      reader.interrupt();
      hanging = reading; // given up as well: no other read starts until it ends
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException e) {
      sayFailing(String.valueOf(e.getCause().getMessage()));
      return Optional.empty(); // a bundle that cannot be used now: the one read before stays
    }
  }

  /**
   * Logs {@code problem} of a read, unless the read before found the same: a bundle left
   * unusable is said once, not at every read. Called holding this.
   */
  private void sayFailing(String problem) {
    if (problem.equals(failing)) {
      return;
    }
    failing = problem;
    LOG.log(System.Logger.Level.WARNING, problem + ", when read again: the certificates read "
        + "before go on verifying prometheus' (it is read again at most every "
        + TimeUnit.NANOSECONDS.toSeconds(interval) + " s)");
  }
}
