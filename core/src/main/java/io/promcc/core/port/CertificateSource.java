package io.promcc.core.port;

import io.promcc.core.model.GuestCluster;
import java.util.Collection;

/**
 * Gives the client certificate Prometheus uses for each guest cluster (from Vault PKI, Kubernetes
 * Secrets, a directory, a local CA, ...).
 *
 * <p>Implementations are thread-safe and may cache: observing on every reconcile must not issue a
 * new certificate unless the current one is due for renewal. A source may forget clusters that are
 * not in the last observed collection (their keys leave memory).
 */
public interface CertificateSource extends Lifecycle {
  /**
   * The certificates of {@code clusters}: for each one either a currently valid bundle or a
   * problem with the source's own reason ({@code secret-missing}, {@code vault-sealed},
   * {@code expired}, {@code source-not-ready}, ...), or both for a cluster whose last, still
   * valid certificate is served while it cannot be renewed (the cluster shows as degraded with
   * that reason, so a failing renewal is seen before the certificate ends). Never throws for one
   * cluster; a source-wide
   * failure (not synced, Vault unreachable) is a problem of every cluster it affects. A problem is
   * never read as "the cluster is gone": the reconciler keeps such a cluster's last certificate
   * files and jobs.
   *
   * <p>{@link CertificateObservation#nextAttention()} says when the source next wants to be
   * observed even if nothing else changes (the earliest renewal or retry).
   *
   * <p>May block: a source that issues certificates (Vault) waits for its answers here, within
   * its own request timeouts. The reconciler calls it on the reconciling thread.
   */
  CertificateObservation observe(Collection<GuestCluster> clusters);

  /**
   * Registers {@code listener} to be run (on a source thread; it must return quickly) when a
   * certificate may have changed on the source's side (a Secret or a file changed). Sources that
   * change only when observed (Vault, a local CA) report {@code nextAttention} instead and need
   * not call listeners. The default registers nothing.
   */
  default void addChangeListener(Runnable listener) {}
}
