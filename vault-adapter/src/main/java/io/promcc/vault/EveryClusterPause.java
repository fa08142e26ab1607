package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The pause of every cluster that a failure which is Vault's state, not one cluster's, asks
 * for: a quota's 429 until its {@code Retry-After}; no answer, a 502, 503 or 504, or a slow 5xx
 * for the first backoff step (a 502's, 503's or 504's longer {@code Retry-After} for that long).
 * No cluster asks Vault while it lasts. Thread-safe: a pause is only ever lengthened.
 */
final class EveryClusterPause {
  private final RenewalPolicy policy;
  /** Written under this object's lock. */
  private volatile Held held;

  /** No Vault call before {@code until}, because of {@code cause}. */
  record Held(Instant until, VaultRequestException cause) {}

  EveryClusterPause(RenewalPolicy policy) {
    this.policy = requireNonNull(policy, "policy == null");
  }

  /** The pause going on at {@code now}, if any. */
  Optional<Held> at(Instant now) {
    Held h = held;
    return h != null && now.isBefore(h.until()) ? Optional.of(h) : Optional.empty();
  }

  /**
   * Records the pause {@code failure}, answered at {@code answered}, asks of every cluster, and
   * returns how long the refused cluster waits: its own {@code backoff}, or the pause if that is
   * longer.
   */
  Duration afterFailure(VaultRequestException failure, Instant answered, Duration backoff) {
    Duration wait = backoff;
    if (failure.failure() == VaultFailure.RATE_LIMITED) {
      Duration asked = asked(failure).orElse(policy.backoff(1));
      wait = longer(asked, wait);
      holdUntil(answered.plus(asked), failure);
    } else if (holdsBackEveryCluster(failure)) {
      Duration hold = policy.backoff(1);
      if (failure.status() == 502 || failure.status() == 503 || failure.status() == 504) {
        // how long the service is expected to be unavailable (RFC 9110), e.g. from a load
        // balancer in maintenance, or a proxy whose Vault does not answer: asking again
        // within it only adds load; a shorter one still waits the step, as any of them does
        hold = longer(asked(failure).orElse(hold), hold);
        wait = longer(hold, wait);
      }
      holdUntil(answered.plus(hold), failure);
    }
    return wait;
  }

  /** What cluster {@code id}, kept from asking Vault by {@code h}, is told. */
  static VaultRequestException heldBack(ClusterId id, Held h) {
    VaultRequestException cause = h.cause();
    return new VaultRequestException(cause.failure(), cause.status(), List.of(),
        "not asking vault for the certificate of cluster " + Quoting.quote(id.value())
            + " before " + h.until() + ", " + whyEveryClusterWaits(cause) + ": "
            + cause.getMessage(), null);
  }

  /**
   * Whether {@code failure} is Vault's state rather than this cluster's, so that the clusters not
   * asked yet wait for the first backoff step instead of each getting (and waiting for) the same
   * answer: no answer (refused, or none within the request timeout); a proxy's 502 or 504 (Vault
   * gave it none, often only after the proxy's own timeout); a 503 (sealed, no active node,
   * overloaded: never one cluster's); or another 5xx that took at least the first backoff step
   * (e.g. Vault's storage timing out after 25 s), which holding the others back for one step
   * costs less than each paying it. A 4xx (a role refusing a name, a missing mount) and a fast
   * 500 are about the request: the other clusters are asked. 429 is handled by the caller; a
   * 502's, 503's or 504's {@code Retry-After} beyond the step lengthens the hold.
   */
  private boolean holdsBackEveryCluster(VaultRequestException failure) {
    int status = failure.status();
    if (failure.failure() == VaultFailure.UNREACHABLE || status == 502 || status == 503
        || status == 504) {
      return true;
    }
    return status >= 500 && status < 600 && failure.answeredAfter()
        .filter(took -> took.compareTo(policy.backoff(1)) >= 0).isPresent();
  }

  /**
   * The wait {@code failure}'s {@code Retry-After} asked for, plus a second: Vault rounds it down
   * to whole seconds ("0" for under a second), and a date is counted from the answer's
   * {@code Date}, which has whole seconds too ({@link RetryAfter}). At most an hour and a second,
   * as the connection caps the header at an hour.
   */
  private static Optional<Duration> asked(VaultRequestException failure) {
    return failure.retryAfter().map(sent -> sent.plusSeconds(1));
  }

  private static Duration longer(Duration a, Duration b) {
    return a.compareTo(b) > 0 ? a : b;
  }

  /** Why the clusters not asked yet wait, for their problems' messages. */
  private static String whyEveryClusterWaits(VaultRequestException cause) {
    int status = cause.status();
    if (cause.failure() == VaultFailure.RATE_LIMITED) {
      return "as a quota asked";
    }
    if (cause.failure() == VaultFailure.UNREACHABLE || status == 502 || status == 504) {
      return "as it did not answer";
    }
    if (status == 503) {
      return "as it is unavailable";
    }
    return "as vault's error answer to another request took "
        + cause.answeredAfter().map(Duration::toString).orElse("long");
  }

  /** Keeps every cluster from asking Vault before {@code until}; never shortens a pause. */
  private synchronized void holdUntil(Instant until, VaultRequestException cause) {
    Held current = held;
    if (current == null || until.isAfter(current.until())) {
      held = new Held(until, cause);
    }
  }
}
