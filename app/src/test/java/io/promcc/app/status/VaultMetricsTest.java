package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

/** The Vault source's metrics follow its hooks: a hung kept read shows until it ends. */
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

  private static void assertExposes(PrometheusRegistry registry, String line) {
    String text = Exposition.of(registry).text();
    assertTrue(text.lines().anyMatch(line::equals), line + " not in:\n" + text);
  }
}
