package io.promcc.app.status;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.ClusterId;
import io.promcc.vault.CertificateListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;

/**
 * The Vault source's own metrics. {@code promcc_vault_login_failing}: 1 from the moment Vault
 * logins start failing until one works again, else 0. A login that keeps failing is otherwise
 * seen only in the log: the token kept meanwhile serves until it ends, and then every cluster's
 * certificate. {@code promcc_vault_kept_read_hung}: 1 while a read of a certificate an earlier
 * run left was given up and has not ended (a volume that hangs), else 0: the clusters then go to
 * Vault, and the hang is otherwise seen only in the log. {@code
 * promcc_vault_kept_read_failures_total}: reads of such a certificate that failed (permission
 * denied, an I/O error), each cluster's, where the log warns of a cause once an hour. The Vault
 * source's other events are read from each reconcile ({@link ControllerMetrics}).
 *
 * <p>Thread-safe; the adapter calls each hook under the lock of what it reports (its token, its
 * reads), so each gauge's calls come in order.
 */
public final class VaultMetrics implements CertificateListener {
  private final Gauge failing;
  private final Gauge keptReadHung;
  private final Counter keptReadFailures;

  /** Registers the metrics (at 0) on {@code registry}; make one per registry. */
  public VaultMetrics(PrometheusRegistry registry) {
    requireNonNull(registry, "registry == null");
    failing = Gauge.builder().name("promcc_vault_login_failing")
        .help("1 while logins to Vault fail (from the first failure until a login works; the "
            + "reason is in the log and in promcc_rejections), else 0; with --certificates "
            + "vault only.")
        .register(registry);
    keptReadHung = Gauge.builder().name("promcc_vault_kept_read_hung")
        .help("1 while a read of the certificate files an earlier run left did not end in time "
            + "and is not over (a volume that hangs: clusters go to Vault meanwhile), else 0; "
            + "with --certificates vault only.")
        .register(registry);
    keptReadFailures = Counter.builder().name("promcc_vault_kept_read_failures_total")
        .help("Reads of the certificate files an earlier run left that failed (e.g. permission "
            + "denied, an I/O error: the cluster goes to Vault, and is read again while it has "
            + "no certificate); with --certificates vault only.")
        .register(registry);
  }

  @Override
  public void loginFailing(String reason) {
    failing.set(1);
  }

  @Override
  public void tokenRefreshed(boolean renewed, Instant expiresAt) {
    if (!renewed) {
      failing.set(0); // a login worked
    }
  }

  @Override
  public void keptReadHung(boolean hung) {
    keptReadHung.set(hung ? 1 : 0);
  }

  @Override
  public void keptReadFailed(ClusterId cluster) {
    keptReadFailures.inc();
  }
}
