package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * What one {@link VerifiedDelivery#apply} did.
 *
 * @param stateHash hash of the applied desired state, now verified as loaded
 * @param written paths written, in write order (empty if nothing changed on disk)
 * @param deleted owned paths deleted, sorted
 * @param reloaded whether Prometheus was reloaded (false when nothing changed, or only
 *     certificates changed, which Prometheus re-reads by itself)
 * @param duration from the call to the verified result
 */
public record DeliveryResult(String stateHash, List<String> written, List<String> deleted,
    boolean reloaded, Duration duration) {

  public DeliveryResult {
    requireNonNull(stateHash, "stateHash == null");
    written = List.copyOf(written);
    deleted = List.copyOf(deleted);
    requireNonNull(duration, "duration == null");
  }

  /** True if nothing was written, deleted or reloaded. */
  public boolean unchanged() {
    return written.isEmpty() && deleted.isEmpty() && !reloaded;
  }
}
