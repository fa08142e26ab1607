package io.promcc.core.port;

import java.time.Duration;

/**
 * The running Prometheus whose configuration the controller manages: readiness, reload, what
 * it reports as loaded, and its gauges of the loads (whether the service discovery of what it
 * loaded started, and the exact time of its last load).
 *
 * <p>Implementations are thread-safe, bound every call by a timeout, and never retry a reload on
 * their own (a reload is not free). Transport failures and timeouts throw
 * {@link PrometheusUnavailableException}; an answer that makes no sense throws
 * {@link PrometheusApiException}.
 */
public interface PrometheusControl {

  /**
   * Returns once Prometheus reports ready, polling with capped exponential backoff. A zero
   * {@code timeout} asks once and waits for nothing but that answer: a cheap probe, which a
   * config load does not hold up.
   *
   * @throws PrometheusUnavailableException if it is not ready within {@code timeout}
   */
  void awaitReady(Duration timeout);

  /**
   * Asks Prometheus to reload its configuration from disk.
   *
   * @return {@link ReloadAck#LOADED} if the answer proves the load succeeded (HTTP), {@link
   *     ReloadAck#SIGNALLED} if only a signal was sent and {@link #runtimeInfo()} must tell
   * @throws ReloadRejectedException if Prometheus refused the new config: one that does not
   *     parse leaves the old one running, but one whose applying failed (a rule file it names
   *     is broken: "failed to reload config: one or more errors occurred while applying the new
   *     configuration ...") runs in every part that applied, its scrape configs included,
   *     though no successful load is reported
   * @throws PrometheusApiException if a 200 comes with a body (Prometheus' own is empty), or a
   *     redirect, and {@link PrometheusUnavailableException} if a 200's body is cut short:
   *     neither proves a load, though Prometheus may have loaded the configuration all the same
   */
  ReloadAck reload();

  /** Whether and when the configuration was last loaded, and Prometheus' time of the answer. */
  RuntimeInfo runtimeInfo();

  /**
   * The configuration Prometheus is running, as it re-serialises it ({@code
   * /api/v1/status/config}: defaults filled in, secrets shown as {@code <secret>}), not the
   * file's bytes.
   */
  String loadedConfig();

  /**
   * Prometheus' gauges of its loads, read from its {@code /metrics} in one request.
   *
   * <p>{@link LoadGauges#failedScrapeDiscoveryConfigs()}: how many service discovery
   * configurations of the scrape configs Prometheus could not start at its last load. A
   * discovery that cannot be created (a {@code kubernetes_sd_configs} whose TLS files cannot be
   * read, or hold no valid certificate: they are read only when the discovery starts) does not
   * fail the load: Prometheus logs it ({@code "Cannot create service discovery"}, with the job as
   * {@code config}), counts it here, and that job discovers nothing until a later load starts it.
   *
   * <p>{@link LoadGauges#lastLoadInstant()}: when Prometheus last loaded a config successfully,
   * which {@link RuntimeInfo#lastConfigTime()} gives cut to whole seconds. Prometheus' clock:
   * compared only with its own times. It tells apart two loads within one second, which only a
   * reload without a verdict in its answer needs (a gateway's timeout, a lost connection); a
   * control that cannot tell leaves it empty.
   *
   * @return the gauges, each empty where Prometheus does not show it (an older Prometheus)
   * @throws PrometheusUnavailableException if {@code /metrics} cannot be read in time
   * @throws PrometheusApiException if it answers with an error, a gauge that is no count or no
   *     time, or more than the most read of it before the gauges
   */
  LoadGauges gauges();
}
