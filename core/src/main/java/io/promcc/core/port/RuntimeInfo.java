package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * The part of Prometheus' {@code /api/v1/status/runtimeinfo} that tells whether and when the
 * configuration was loaded, with Prometheus' own time of the answer. All three are Prometheus'
 * clock: they are compared with each other, never with the controller's clock.
 *
 * @param reloadConfigSuccess false if the last load attempt failed: Prometheus then runs the
 *     config it had before if the new one did not parse, or the parts of the new one that
 *     applied if applying it failed (a broken rule file leaves the new scrape configs running)
 * @param lastConfigTime when the current config was loaded successfully; Prometheus reports it in
 *     whole seconds, so two loads within one second look the same
 * @param serverTime Prometheus' time when it answered (the HTTP {@code Date} header, whole
 *     seconds), if it said
 */
public record RuntimeInfo(boolean reloadConfigSuccess, Instant lastConfigTime,
    Optional<Instant> serverTime) {
  /** @throws NullPointerException if {@code lastConfigTime} or {@code serverTime} is null */
  public RuntimeInfo {
    requireNonNull(lastConfigTime, "lastConfigTime == null");
    requireNonNull(serverTime, "serverTime == null");
  }

  /** Runtime info without the server's time. */
  public RuntimeInfo(boolean reloadConfigSuccess, Instant lastConfigTime) {
    this(reloadConfigSuccess, lastConfigTime, Optional.empty());
  }
}
