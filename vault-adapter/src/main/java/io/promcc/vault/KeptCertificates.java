package io.promcc.vault;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import java.util.Optional;

/**
 * Certificates an earlier run got from Vault and left where Prometheus reads them (the output
 * folder's certificate files), so that a restart does not ask Vault again for every cluster. Asked
 * once per cluster, on the first need of its certificate; a certificate is taken over only while
 * it is valid and issued for the common name the settings give the cluster now. One already due
 * for renewal is taken over too: it is renewed at once, and served while that renewal fails
 * until it ends ({@link KeptTakeOver}). Implementations must be thread-safe and should not
 * throw: one that throws (an I/O error of the volume) is taken for a read that failed, not for
 * nothing kept, and the cluster's next look reads again while it has no certificate.
 */
@FunctionalInterface
public interface KeptCertificates {
  /** None: every cluster's first certificate is asked of Vault. */
  KeptCertificates NONE = cluster -> Optional.empty();

  /**
   * The certificate, chain and key kept for {@code cluster}, if whole and readable. A read an
   * interrupt of the calling thread stopped answers empty (or throws) and leaves the thread's
   * interrupt flag set, as a {@link java.nio.channels.FileChannel} does: the caller then takes
   * it for a read that did not happen, not for a certificate missing, and reads again at its
   * next look. A read that ignores an interrupt and finds the certificate answers it. The
   * source calls it on a reader thread of its own and waits at most 10 s for it: one that does
   * not end (a volume that hangs) is given up, taken for nothing read, not for nothing kept.
   */
  Optional<CertificateBundle> find(ClusterId cluster);
}
