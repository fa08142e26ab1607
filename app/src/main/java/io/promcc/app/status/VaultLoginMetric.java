package io.promcc.app.status;

import static java.util.Objects.requireNonNull;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.promcc.vault.CertificateListener;
import java.time.Instant;

/**
 * {@code promcc_vault_login_failing}: 1 from the moment Vault logins start failing until one
 * works again, else 0. A login that keeps failing is otherwise seen only in the log: the token
 * kept meanwhile serves until it ends, and then every cluster's certificate. The Vault source's
 * other events are read from each reconcile ({@link ControllerMetrics}).
 *
 * <p>Thread-safe; the adapter calls it under its token lock, so the calls come in order.
 */
public final class VaultLoginMetric implements CertificateListener {
  private final Gauge failing;

  /** Registers the metric (at 0) on {@code registry}; make one per registry. */
  public VaultLoginMetric(PrometheusRegistry registry) {
    requireNonNull(registry, "registry == null");
    failing = Gauge.builder().name("promcc_vault_login_failing")
        .help("1 while logins to Vault fail (from the first failure until a login works; the "
            + "reason is in the log and in promcc_rejections), else 0; with --certificates "
            + "vault only.")
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
}
