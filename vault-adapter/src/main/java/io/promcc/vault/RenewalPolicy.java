package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When to renew a certificate or token, and how long to wait after failures. Pure: every answer
 * is a function of the arguments, with time and randomness passed in, so it is tested without
 * clocks or sleeping.
 *
 * <p>A credential valid from {@code notBefore} to {@code notAfter} reaches its threshold when
 * {@code renewAfterFraction} of that lifetime has passed. The renewal time is drawn uniformly
 * from the window of {@code jitterFraction} of the lifetime that ends at the threshold, so it is
 * never later than the threshold and renewals of many credentials issued together spread out.
 *
 * <p>Immutable and thread-safe; the {@link RandomGenerator} passed in is the caller's to guard.
 */
public final class RenewalPolicy {
  private final double renewAfterFraction;
  private final double jitterFraction;
  private final Duration backoffInitial;
  private final Duration backoffMax;

  /**
   * @throws IllegalArgumentException if a fraction is outside (0, 1), jitter is not below the
   *     renewal fraction, or the backoff is under 1 ms or not ordered
   */
  public RenewalPolicy(double renewAfterFraction, double jitterFraction, Duration backoffInitial,
      Duration backoffMax) {
    requireNonNull(backoffInitial, "backoffInitial == null");
    requireNonNull(backoffMax, "backoffMax == null");
    if (!(renewAfterFraction > 0 && renewAfterFraction < 1)) {
      throw new IllegalArgumentException("renewAfterFraction must be in (0, 1): "
          + renewAfterFraction);
    }
    if (!(jitterFraction >= 0 && jitterFraction < renewAfterFraction)) {
      throw new IllegalArgumentException("jitterFraction must be in [0, renewAfterFraction): "
          + jitterFraction);
    }
    // the wait counts whole milliseconds: a shorter one would be no wait at all
    if (backoffInitial.compareTo(Duration.ofMillis(1)) < 0
        || backoffMax.compareTo(backoffInitial) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 1 ms <= initial <= max");
    }
    this.renewAfterFraction = renewAfterFraction;
    this.jitterFraction = jitterFraction;
    this.backoffInitial = backoffInitial;
    this.backoffMax = backoffMax;
  }

  /** The policy the settings describe. */
  public static RenewalPolicy of(VaultSettings settings) {
    return new RenewalPolicy(settings.renewAfterFraction(), settings.jitterFraction(),
        settings.backoffInitial(), settings.backoffMax());
  }

  /** The latest moment a renewal is due: {@code renewAfterFraction} of the lifetime passed. */
  public Instant threshold(Instant notBefore, Instant notAfter) {
    return notBefore.plus(scale(lifetime(notBefore, notAfter), renewAfterFraction));
  }

  /**
   * When to renew: uniformly in {@code [threshold - jitterFraction * lifetime, threshold]}.
   * Draws one {@code double} from {@code random}.
   *
   * @throws IllegalArgumentException if {@code notAfter} is not after {@code notBefore}
   */
  public Instant renewalTime(Instant notBefore, Instant notAfter, RandomGenerator random) {
    Duration lifetime = lifetime(notBefore, notAfter);
    Instant threshold = notBefore.plus(scale(lifetime, renewAfterFraction));
    Duration window = scale(lifetime, jitterFraction);
    double u = random.nextDouble(); // in [0, 1)
    return threshold.minus(scale(window, u));
  }

  /**
   * The wait before the next attempt after {@code consecutiveFailures} failures in a row:
   * {@code backoffInitial * 2^(failures - 1)}, capped at {@code backoffMax}.
   *
   * @throws IllegalArgumentException if {@code consecutiveFailures < 1}
   */
  public Duration backoff(int consecutiveFailures) {
    if (consecutiveFailures < 1) {
      throw new IllegalArgumentException("consecutiveFailures must be >= 1: "
          + consecutiveFailures);
    }
    // beyond 2^30 every sane initial delay is past the cap; stop doubling to avoid overflow
    int exponent = Math.min(consecutiveFailures - 1, 30);
    long maxMillis = backoffMax.toMillis();
    long millis = backoffInitial.toMillis();
    for (int i = 0; i < exponent && millis < maxMillis; i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, maxMillis));
  }

  private static Duration lifetime(Instant notBefore, Instant notAfter) {
    requireNonNull(notBefore, "notBefore == null");
    requireNonNull(notAfter, "notAfter == null");
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore "
          + notBefore);
    }
    return Duration.between(notBefore, notAfter);
  }

  private static Duration scale(Duration d, double factor) {
    // millisecond precision is plenty for lifetimes of minutes to years, and cannot overflow
    return Duration.ofMillis((long) Math.floor(d.toMillis() * factor));
  }

  @Override
  public String toString() {
    return "RenewalPolicy{renewAfter=" + renewAfterFraction + ", jitter=" + jitterFraction
        + ", backoff=" + backoffInitial + ".." + backoffMax + "}";
  }
}
