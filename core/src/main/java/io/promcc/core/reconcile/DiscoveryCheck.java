package io.promcc.core.reconcile;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads, after a delivery that left Prometheus running the desired config, whether Prometheus
 * started the service discovery of its scrape configs. What it cannot read is {@linkplain
 * ScrapeDiscovery#unknown unknown}, never a failure of the reconcile. Keeps no state.
 */
final class DiscoveryCheck {
  /** Why the count is unknown when Prometheus answers without its gauge. */
  static final String NO_GAUGE = "prometheus' /metrics has no "
      + "prometheus_sd_failed_configs{name=\"scrape\"} (a prometheus older than 2.13 has none)";

  private DiscoveryCheck() {}

  /**
   * What {@code prometheus} says of its scrape discovery after {@code delivered}, timed as a
   * part of {@link Phase#VERIFY}; {@link ScrapeDiscovery#NOT_CHECKED} without a Prometheus, or
   * if it is not known to run the desired config.
   */
  static ScrapeDiscovery after(Delivered delivered, Optional<PrometheusControl> prometheus,
      PhaseTimer timer) {
    if (!delivered.inSync() || prometheus.isEmpty()) {
      return ScrapeDiscovery.NOT_CHECKED;
    }
    try {
      OptionalInt failed = timer.call(Phase.VERIFY,
          prometheus.get()::failedScrapeDiscoveryConfigs);
      return failed.isPresent() ? ScrapeDiscovery.read(failed.getAsInt())
          : ScrapeDiscovery.unknown(NO_GAUGE);
    } catch (PrometheusUnavailableException | PrometheusApiException e) {
      return ScrapeDiscovery.unknown(e.getMessage());
    } catch (RuntimeException e) {
      // a control breaking its contract: the config is delivered all the same
      return ScrapeDiscovery.unknown(ReconcileResults.unexpected(e));
    }
  }
}
