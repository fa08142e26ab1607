package io.promcc.vault;

import io.promcc.core.model.ClusterId;
import java.time.Instant;

/**
 * Observability hooks of the Vault adapter, for the application to bind to metrics. Methods are
 * called synchronously from the thread doing the work, possibly from several threads at once:
 * implementations must be thread-safe and quick, and must not throw, nor call back into the
 * source (a {@code certificateFor} from a worker's thread may wait for a request queued behind
 * it).
 */
public interface CertificateListener {
  /** Does nothing. */
  CertificateListener NONE = new CertificateListener() {};

  /** A new certificate for {@code cluster} was issued; it is valid until {@code notAfter}. */
  default void issued(ClusterId cluster, Instant notAfter) {}

  /**
   * The certificate an earlier run left for {@code cluster} ({@link KeptCertificates}) was taken
   * over instead of asking Vault; it is valid until {@code notAfter}.
   */
  default void takenOver(ClusterId cluster, Instant notAfter) {}

  /**
   * Getting a certificate for {@code cluster} failed with {@code reason} (a
   * {@link VaultFailure#reason()} or {@code expired}). Called once per failed attempt; an
   * attempt the controller's stop interrupted is no failure, and is not reported.
   */
  default void failed(ClusterId cluster, String reason) {}

  /** {@code cluster} is no longer tracked; drop its per-cluster series. */
  default void removed(ClusterId cluster) {}

  /** A Vault token was obtained by logging in ({@code renewed == false}) or by renew-self. */
  default void tokenRefreshed(boolean renewed, Instant expiresAt) {}

  /**
   * Logging in to Vault started failing with {@code reason} (a {@link VaultFailure#reason()}).
   * Called once when logins start failing and again if the reason changes, not per attempt;
   * the next login that works calls {@link #tokenRefreshed} with {@code renewed == false}.
   */
  default void loginFailing(String reason) {}

  /**
   * A read of a certificate an earlier run left ({@link KeptCertificates}) did not end in time
   * and was given up ({@code hung == true}): the volume counts as not answering, and every read
   * is given up at once; or the last read given up ended ({@code hung == false}), and reads go
   * on. Called once per hang and once at its end, in that order.
   */
  default void keptReadHung(boolean hung) {}

  /**
   * A read of the certificate an earlier run left for {@code cluster} ({@link KeptCertificates})
   * failed (its reader threw, e.g. permission denied or the volume's I/O error): Vault is asked
   * instead, and the next look reads again while the cluster has no certificate. Called once per
   * failed read, whether or not the log warned of it (a cause is warned of once an hour); not
   * for a read that did not end in time ({@link #keptReadHung}) nor one an interrupt stopped.
   */
  default void keptReadFailed(ClusterId cluster) {}
}
