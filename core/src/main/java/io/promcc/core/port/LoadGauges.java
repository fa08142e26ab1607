package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Prometheus' gauges of its config loads, as its {@code /metrics} shows them at one moment.
 * Immutable.
 *
 * @param failedScrapeDiscoveryConfigs how many service discovery configurations of the scrape
 *     configs Prometheus could not start at its last load ({@code
 *     prometheus_sd_failed_configs{name="scrape"}}, Prometheus 2.13 and later), empty if it
 *     shows no such gauge; never negative
 * @param lastLoadInstant when Prometheus last loaded a config successfully, with the fraction of
 *     a second ({@code prometheus_config_last_reload_success_timestamp_seconds}), on
 *     Prometheus' clock; empty if the control cannot tell or Prometheus shows no such gauge
 */
public record LoadGauges(OptionalInt failedScrapeDiscoveryConfigs,
    Optional<Instant> lastLoadInstant) {

  /** Gauges that tell nothing. */
  public static final LoadGauges NONE = new LoadGauges(OptionalInt.empty(), Optional.empty());

  /** Checks both are given and the count is no negative number. */
  public LoadGauges {
    requireNonNull(failedScrapeDiscoveryConfigs, "failedScrapeDiscoveryConfigs == null");
    requireNonNull(lastLoadInstant, "lastLoadInstant == null");
    if (failedScrapeDiscoveryConfigs.isPresent()
        && failedScrapeDiscoveryConfigs.getAsInt() < 0) {
      throw new IllegalArgumentException("failedScrapeDiscoveryConfigs is negative: "
          + failedScrapeDiscoveryConfigs.getAsInt());
    }
  }
}
