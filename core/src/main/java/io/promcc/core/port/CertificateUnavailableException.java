package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.PromccException;

/**
 * No usable certificate for a cluster right now. Carries the cluster and a short reason (e.g.
 * {@code secret-missing}, {@code vault-sealed}, {@code expired}) for logs and metrics.
 */
public final class CertificateUnavailableException extends PromccException {
  private static final long serialVersionUID = 1L;

  private final ClusterId cluster;
  private final String reason;

  /**
   * @param cluster the cluster without a certificate
   * @param reason short machine-friendly reason, e.g. {@code vault-sealed}
   * @param message a lower-case sentence for humans
   */
  public CertificateUnavailableException(ClusterId cluster, String reason, String message) {
    this(cluster, reason, message, null);
  }

  /**
   * As {@link #CertificateUnavailableException(ClusterId, String, String)}, with the failure
   * that caused it.
   */
  public CertificateUnavailableException(ClusterId cluster, String reason, String message,
      Throwable cause) {
    super(message, cause);
    this.cluster = requireNonNull(cluster, "cluster == null");
    this.reason = requireNonNull(reason, "reason == null");
  }

  /** The cluster without a usable certificate. */
  public ClusterId cluster() {
    return cluster;
  }

  /** Short machine-friendly reason, used as a metric label. */
  public String reason() {
    return reason;
  }
}
