package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import java.lang.System.Logger.Level;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The take-over of the certificate an earlier run left for a cluster ({@link KeptCertificates}):
 * only one valid now and for the common name the settings give the cluster now (a changed
 * template means another certificate is wanted); its renewal time is drawn as for a new one, so
 * one that is due is renewed at once and served until then. Thread-safe.
 */
final class KeptTakeOver {
  private static final System.Logger LOG = System.getLogger(VaultCertificateSource.class.getName());

  /** How long after its warning a cause of failed reads is logged at debug level only. */
  static final Duration WARN_AGAIN_AFTER = Duration.ofHours(1);

  private final KeptCertificates kept;
  private final BoundedReads reads;
  private final VaultSettings settings;
  private final RenewalPolicy policy;
  private final RandomGenerator random; // guarded by itself, shared with the cache
  private final CertificateListener listener;
  /**
   * When each cause of failed reads (type, place, root cause's type) was last warned of: a few,
   * as each is a place in the reader's code.
   */
  private final Map<String, Instant> warnedCauses = new ConcurrentHashMap<>();

  /**
   * A read of the kept certificate that failed (its reader threw; a reader is not to throw, but
   * a volume may fail): nothing is known of it, and it is logged already. Its message names the
   * failure by type and place.
   */
  static final class ReadFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReadFailed(String message) {
      super(message, null, false, false);
    }
  }

  /** A certificate taken over, and when to renew it. */
  record TakenOver(CertificateBundle bundle, Instant renewAt) {}

  /** @param reads how {@code kept} is read: each read bounded */
  KeptTakeOver(KeptCertificates kept, BoundedReads reads, VaultSettings settings,
      RenewalPolicy policy, RandomGenerator random, CertificateListener listener) {
    this.kept = requireNonNull(kept, "kept == null");
    this.reads = requireNonNull(reads, "reads == null");
    this.settings = requireNonNull(settings, "settings == null");
    this.policy = requireNonNull(policy, "policy == null");
    this.random = requireNonNull(random, "random == null");
    this.listener = requireNonNull(listener, "listener == null");
  }

  /**
   * The certificate kept for {@code id} if it may be taken over at {@code now}; empty otherwise,
   * and Vault is asked as for a new cluster.
   *
   * @throws VaultRequestException {@code interrupted}, as a request stopped before it asked
   *     Vault, if the read found nothing or failed and the calling thread is interrupted then:
   *     a read an interrupt stopped is no finding, so the next look reads again
   * @throws BoundedReads.Unanswered if the read did not end in time (a volume that hangs): not a
   *     finding either; the next look reads again
   * @throws ReadFailed if the read failed otherwise (the reader threw): no finding either
   */
  Optional<TakenOver> find(ClusterId id, Instant now) {
    Optional<CertificateBundle> found = read(id, now);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    CertificateBundle bundle = found.get();
    X509Certificate certificate;
    try {
      certificate = CertificateBundle.parseCertificate(bundle.certificatePem(),
          "client certificate");
    } catch (RuntimeException e) {
      warnUnreadable(id, e);
      return Optional.empty();
    }
    Instant notBefore = certificate.getNotBefore().toInstant();
    if (now.isBefore(notBefore) || !now.isBefore(bundle.notAfter())) {
      return Optional.empty();
    }
    Optional<String> commonName = VaultPki.commonNameOf(certificate);
    if (!commonName.equals(Optional.of(settings.commonName(id)))) {
      LOG.log(Level.INFO, "not taking over the kept certificate of cluster {0}: its common name "
          + "{1} is not {2}", Quoting.quote(id.value()),
          commonName.map(Quoting::quote).orElse("(none)"), Quoting.quote(settings.commonName(id)));
      return Optional.empty();
    }
    Instant renewAt;
    synchronized (random) {
      renewAt = policy.renewalTime(notBefore, bundle.notAfter(), random);
    }
    // one that is due is renewed at once, and served while Vault fails, as a running
    // controller serves a certificate whose renewal fails
    listener.takenOver(id, bundle.notAfter());
    LOG.log(Level.INFO, "took over the kept certificate of cluster {0}: serial {1}, valid until "
        + "{2}, renewal {3}", Quoting.quote(id.value()), bundle.serial(), bundle.notAfter(),
        now.isBefore(renewAt) ? "at " + renewAt : "due now");
    return Optional.of(new TakenOver(bundle, renewAt));
  }

  /**
   * What the kept certificates hold for {@code id}, empty if nothing readable.
   *
   * @throws VaultRequestException {@code interrupted} as {@link #find}
   * @throws BoundedReads.Unanswered as {@link #find}
   * @throws ReadFailed as {@link #find}
   */
  private Optional<CertificateBundle> read(ClusterId id, Instant now) {
    // read even if interrupted already: a read the interrupt does not stop (a small file's) is
    // the still-valid certificate a stopped caller is answered with
    try {
      Optional<CertificateBundle> found = reads.read(
          "the kept certificate of cluster " + Quoting.quote(id.value()), () -> kept.find(id));
      if (found.isPresent() || !Thread.currentThread().isInterrupted()) {
        return found;
      }
    } catch (BoundedReads.Unanswered e) {
      if (!Thread.currentThread().isInterrupted()) {
        throw e;
      }
    } catch (RuntimeException e) {
      if (!Thread.currentThread().isInterrupted()) {
        // a failing volume is no sign that nothing was kept: read again at the next look
        throw failed(id, e, now);
      }
    }
    // a read an interrupt stopped (a file channel gives up at one) found nothing: not a
    // certificate missing or unfit, and no failure to warn of
    throw CertificateRequester.interruptedBeforeAsking(id);
  }

  /**
   * {@code e}, a failed read of {@code id}'s kept certificate at {@code now}, logged: warned of
   * if its cause was not warned of within {@link #WARN_AGAIN_AFTER}, else at debug level, so
   * that a cause failing every cluster's read at a restart (a folder no longer readable) is one
   * warning, not one per cluster, each cluster's failure still logged, and a cause back later
   * (a cluster added a day after) is warned of again. By type and place, never its text: a
   * reader of key files may quote what it read; the type of its root cause too (an
   * {@link java.nio.file.AccessDeniedException} names the problem without the text).
   */
  private ReadFailed failed(ClusterId id, RuntimeException e, Instant now) {
    String cause = UnexpectedFailure.message("", e, "the private key") + rootType(e);
    String message = "reading the kept certificate of cluster " + Quoting.quote(id.value())
        + cause;
    boolean[] first = {false};
    warnedCauses.compute(cause, (k, at) -> {
      first[0] = at == null || !now.isBefore(at.plus(WARN_AGAIN_AFTER)) || now.isBefore(at);
      return first[0] ? now : at;
    });
    LOG.log(first[0] ? Level.WARNING : Level.DEBUG, message + "; going on as if nothing could "
        + "be read, and reading it again at the next look while the cluster has no certificate"
        + (first[0] ? "; other reads failing so within the hour are logged at debug level" : ""));
    listener.keptReadFailed(id); // each one, as the log's debug lines: a metric counts them
    return new ReadFailed(message);
  }

  /** {@code , caused by <type>}: the type of {@code e}'s root cause; empty if it has none. */
  private static String rootType(Throwable e) {
    Throwable root = e;
    for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 32;
        depth++) {
      root = root.getCause();
    }
    return root == e ? "" : ", caused by " + root.getClass().getName();
  }

  private static void warnUnreadable(ClusterId id, RuntimeException e) {
    LOG.log(Level.WARNING, "reading the kept certificate of cluster {0} failed: {1}",
        Quoting.quote(id.value()), e.toString());
  }
}
