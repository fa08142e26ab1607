package io.promcc.core.model;

/** How the planned scrape jobs reach Prometheus. */
public enum OutputMode {
  /** One {@code prometheus.yml}: the base config with the owned jobs replaced. */
  MERGED,
  /**
   * One file per cluster under a {@code scrape_config_files} glob (Prometheus 2.43 or newer); the
   * base config gains only the glob.
   */
  PER_CLUSTER_FILES
}
