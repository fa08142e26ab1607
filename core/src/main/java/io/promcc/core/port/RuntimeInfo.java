package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * The part of Prometheus' {@code /api/v1/status/runtimeinfo} that tells whether and when the
 * configuration was loaded.
 *
 * @param reloadConfigSuccess false if the last load attempt failed (Prometheus then keeps running
 *     the config it had before)
 * @param lastConfigTime when the current config was loaded successfully; Prometheus reports it in
 *     whole seconds, so two loads within one second look the same
 */
public record RuntimeInfo(boolean reloadConfigSuccess, Instant lastConfigTime) {
  public RuntimeInfo {
    requireNonNull(lastConfigTime, "lastConfigTime == null");
  }
}
