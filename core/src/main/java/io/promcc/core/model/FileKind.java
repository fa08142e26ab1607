package io.promcc.core.model;

/**
 * What a desired file is. The kind decides its default mode and the order of writes: certificates
 * and keys are written before the configuration that names them.
 */
public enum FileKind {
  /** A CA or client certificate (public). */
  CERTIFICATE(0644, 0),
  /** A private key: mode 0600, never logged. */
  PRIVATE_KEY(0600, 0),
  /** A per-cluster scrape config file named by a {@code scrape_config_files} glob. */
  SCRAPE_CONFIG(0644, 1),
  /** The main Prometheus configuration file. */
  MAIN_CONFIG(0644, 2);

  private final int defaultMode;
  private final int writeOrder;

  FileKind(int defaultMode, int writeOrder) {
    this.defaultMode = defaultMode;
    this.writeOrder = writeOrder;
  }

  /** POSIX permission bits, e.g. {@code 0600}. */
  public int defaultMode() {
    return defaultMode;
  }

  /** Files of a lower order are written first. */
  public int writeOrder() {
    return writeOrder;
  }

  /** True for the files Prometheus reads as configuration, whose change needs a reload. */
  public boolean isConfig() {
    return this == SCRAPE_CONFIG || this == MAIN_CONFIG;
  }
}
