package io.promcc.core.port;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;

/**
 * Gives the client certificate Prometheus uses for a guest cluster (from Vault PKI, Kubernetes
 * Secrets, a directory, ...). Implementations are thread-safe and may cache: calling this on
 * every reconcile must not issue a new certificate unless the current one is due for renewal.
 */
public interface CertificateSource {
  /**
   * A currently valid bundle for {@code cluster}.
   *
   * @throws CertificateUnavailableException if there is none; the planner then leaves the cluster
   *     out with that reason instead of writing jobs whose certificate files do not exist
   */
  CertificateBundle certificateFor(GuestCluster cluster);
}
