package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import io.promcc.core.port.CertificateUnavailableException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The answers of {@link CertificateCache} for requests a stop ended or never ran (a close, or
 * the caller's thread interrupted): a cluster's still-valid certificate, never one past its end,
 * else the problem {@code interrupted}; no failure of the cluster's. Thread-safe.
 */
final class StopAnswers {
  private static final System.Logger LOG = System.getLogger(VaultCertificateSource.class.getName());

  private final Map<ClusterId, CacheEntry> entries;
  private final Clock clock;
  private final KeptTakeOver takeOver;

  /** Answers from {@code entries}, the cache's own map, as it changes. */
  StopAnswers(Map<ClusterId, CacheEntry> entries, Clock clock, KeptTakeOver takeOver) {
    this.entries = requireNonNull(entries, "entries == null");
    this.clock = requireNonNull(clock, "clock == null");
    this.takeOver = requireNonNull(takeOver, "takeOver == null");
  }

  /**
   * The answer for {@code id} when the source closed before its request could run (the pool
   * refused or dropped it): as for a request the close interrupted ({@link #stopped}), its
   * still-valid certificate, never one past its end; without one, the problem
   * {@code interrupted} with {@code message}. A call for it in flight on another thread is
   * waited for at most {@code wait} (what is left of the close's deadline); if it still holds
   * the cluster then, the answer is the certificate in memory. Once the close forgot every
   * cluster, there is none in memory: a still-valid certificate an earlier run left answers it,
   * and is not kept.
   */
  CertificateBundle closing(ClusterId id, String message, Duration wait) {
    return closing(id, message, wait, true);
  }

  /**
   * As {@link #closing(ClusterId, String, Duration)}, for the close itself (and a caller
   * interrupted while it waits): at once, and from memory only, reading no kept certificate
   * (one never taken over is none), so that a close dropping thousands of requests still stops
   * the workers at once.
   */
  CertificateBundle closingFromMemory(ClusterId id, String message) {
    return closing(id, message, Duration.ZERO, false);
  }

  private CertificateBundle closing(ClusterId id, String message, Duration wait,
      boolean readKept) {
    CacheEntry entry = entries.get(id);
    if (entry == null) {
      if (!readKept) {
        throw new CertificateUnavailableException(id, VaultFailure.INTERRUPTED.reason(),
            message);
      }
      // forgotten by the close (or a concurrent observation): its kept certificate, if still
      // valid, answers it, as it answers one a pause holds back; kept in no entry of the cache
      entry = new CacheEntry();
    }
    if (!entry.lockWithin(wait)) {
      // held by a call that did not end in time: what memory holds, never a kept file's read
      CertificateBundle inMemory = entry.bundle;
      if (inMemory != null && clock.instant().isBefore(inMemory.notAfter())) {
        return inMemory;
      }
    } else {
      try {
        Instant now = clock.instant();
        if (readKept) {
          try {
            entry.lookForKept(id, now, takeOver);
          } catch (VaultRequestException stop) {
            // the answering thread is being stopped: what memory holds, as below
          }
        }
        if (entry.validAt(now)) {
          return entry.bundle;
        }
      } finally {
        entry.lock.unlock();
      }
    }
    throw new CertificateUnavailableException(id, VaultFailure.INTERRUPTED.reason(), message);
  }

  /**
   * As a request for {@code id} that {@code stop} interrupted, answered from memory without
   * its lock (a worker may hold it): for a caller interrupted while its request waits.
   */
  CertificateBundle stopped(ClusterId id, VaultRequestException stop) {
    CacheEntry entry = entries.get(id);
    return stopped(id, entry == null ? new CacheEntry() : entry, stop);
  }

  /**
   * A request the controller's stop interrupted (a close, or the caller's thread interrupted):
   * no failure of the cluster's, so it is neither counted nor warned of, and the cluster keeps
   * its state (still due, no backoff). Its still-valid certificate is the answer; without one,
   * the problem is {@code interrupted}.
   */
  CertificateBundle stopped(ClusterId id, CacheEntry entry, VaultRequestException stop) {
    LOG.log(Level.DEBUG, "stopped asking vault for the certificate of cluster {0}: {1}",
        Quoting.quote(id.value()), stop.getMessage());
    if (entry.validAt(clock.instant())) {
      return entry.bundle;
    }
    throw new CertificateUnavailableException(id, VaultFailure.INTERRUPTED.reason(),
        "no certificate for cluster " + Quoting.quote(id.value()) + ": " + stop.getMessage(),
        stop);
  }
}
