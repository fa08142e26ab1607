package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

/**
 * The Vault source's metrics follow its hooks: a hung kept read shows until it ends, each failed
 * one counts.
 */
class VaultMetricsTest {
  @Test
  void aHungKeptReadIsOneUntilItEnds() {
    PrometheusRegistry registry = new PrometheusRegistry();
    VaultMetrics metrics = new VaultMetrics(registry);
    assertExposes(registry, "promcc_vault_kept_read_hung 0.0");

    metrics.keptReadHung(true);
    assertExposes(registry, "promcc_vault_kept_read_hung 1.0");

    metrics.keptReadHung(false);
    assertExposes(registry, "promcc_vault_kept_read_hung 0.0");
  }

  /**
   * Each failed read of a kept certificate counts, from 0 at the start: a cause warned of once an
   * hour (a folder no longer readable) still shows how many reads it fails.
   */
  @Test
  void eachFailedKeptReadCountsFromZero() {
    PrometheusRegistry registry = new PrometheusRegistry();
    VaultMetrics metrics = new VaultMetrics(registry);
    assertExposes(registry, "promcc_vault_kept_read_failures_total 0.0");

    metrics.keptReadFailed(new ClusterId("alpha"));
    metrics.keptReadFailed(new ClusterId("beta"));
    metrics.keptReadFailed(new ClusterId("alpha"));

    assertExposes(registry, "promcc_vault_kept_read_failures_total 3.0");
  }

  private static void assertExposes(PrometheusRegistry registry, String line) {
    String text = Exposition.of(registry).text();
    assertTrue(text.lines().anyMatch(line::equals), line + " not in:\n" + text);
  }
}
