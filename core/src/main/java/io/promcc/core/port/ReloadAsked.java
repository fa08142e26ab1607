package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A reload of the configuration files on disk that the controller asked for and has not seen
 * the end of, remembered so that a controller stopped during the reload recognises after its
 * restart a configuration Prometheus loaded meanwhile, and does not reload it again.
 *
 * @param configHash hash of the configuration files the reload was asked for
 * @param baseline Prometheus' {@code lastConfigTime} read once those files were complete on
 *     disk, before the reload (Prometheus' clock, whole seconds): a successful load later than
 *     it read those files, if they are still on disk
 */
public record ReloadAsked(String configHash, Instant baseline) {
  /** @throws NullPointerException if a part is null */
  public ReloadAsked {
    requireNonNull(configHash, "configHash == null");
    requireNonNull(baseline, "baseline == null");
  }
}
