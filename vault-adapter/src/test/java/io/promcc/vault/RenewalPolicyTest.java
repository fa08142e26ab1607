package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class RenewalPolicyTest {
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  @Property
  void renewalIsNeverLaterThanTheThreshold(
      @ForAll @LongRange(min = 60, max = 400L * 24 * 3600) long lifetimeSeconds,
      @ForAll @DoubleRange(min = 0.05, max = 0.95) double renewAfter,
      @ForAll @DoubleRange(min = 0, max = 1) double jitterShare,
      @ForAll long seed) {
    double jitter = renewAfter * jitterShare * 0.999;
    RenewalPolicy policy = new RenewalPolicy(renewAfter, jitter, Duration.ofSeconds(1),
        Duration.ofMinutes(5));
    Instant notAfter = EPOCH.plusSeconds(lifetimeSeconds);
    Instant threshold = policy.threshold(EPOCH, notAfter);
    Instant renewAt = policy.renewalTime(EPOCH, notAfter, new SplittableRandom(seed));

    assertFalse(renewAt.isAfter(threshold), renewAt + " is after " + threshold);
    assertTrue(renewAt.isBefore(notAfter));
    // and never earlier than the jitter window allows (1 ms rounding)
    Duration window = Duration.ofMillis((long) (lifetimeSeconds * 1000 * jitter) + 1);
    assertFalse(renewAt.isBefore(threshold.minus(window)), renewAt + " is before the window");
  }

  @Property(tries = 50)
  void renewalsOfCertificatesIssuedTogetherSpreadAcrossTheWholeWindow(@ForAll long seed) {
    RenewalPolicy policy = new RenewalPolicy(2.0 / 3, 0.1, Duration.ofSeconds(1),
        Duration.ofMinutes(5));
    Instant notAfter = EPOCH.plus(Duration.ofHours(168));
    Instant threshold = policy.threshold(EPOCH, notAfter);
    long windowMillis = (long) (Duration.ofHours(168).toMillis() * 0.1);
    SplittableRandom random = new SplittableRandom(seed);
    int[] buckets = new int[10];
    for (int i = 0; i < 1000; i++) {
      long before = Duration.between(policy.renewalTime(EPOCH, notAfter, random), threshold)
          .toMillis();
      buckets[(int) Math.min(9, before * 10 / windowMillis)]++;
    }
    // uniform over 10 buckets expects 100 each; 40 is more than 6 standard deviations away
    for (int i = 0; i < buckets.length; i++) {
      assertTrue(buckets[i] >= 40, "bucket " + i + " got only " + buckets[i] + " of 1000");
    }
  }

  @Example
  void defaultThresholdIsTwoThirdsOfTheLifetime() {
    RenewalPolicy policy = new RenewalPolicy(2.0 / 3, 0.1, Duration.ofSeconds(1),
        Duration.ofMinutes(5));
    assertEquals(EPOCH.plus(Duration.ofHours(2)),
        policy.threshold(EPOCH, EPOCH.plus(Duration.ofHours(3))));
  }

  @Example
  void withoutJitterRenewalIsExactlyAtTheThreshold() {
    RenewalPolicy policy = new RenewalPolicy(0.5, 0, Duration.ofSeconds(1), Duration.ofMinutes(5));
    assertEquals(EPOCH.plus(Duration.ofHours(1)),
        policy.renewalTime(EPOCH, EPOCH.plus(Duration.ofHours(2)), new SplittableRandom(1)));
  }

  @Property
  void backoffDoublesFromTheInitialDelayAndStaysCapped(
      @ForAll @IntRange(min = 1, max = 10_000) int failures,
      @ForAll @LongRange(min = 1, max = 60_000) long initialMillis,
      @ForAll @LongRange(min = 1, max = 100) long capFactor) {
    Duration initial = Duration.ofMillis(initialMillis);
    Duration max = initial.multipliedBy(capFactor);
    RenewalPolicy policy = new RenewalPolicy(2.0 / 3, 0.1, initial, max);

    Duration backoff = policy.backoff(failures);
    assertTrue(backoff.compareTo(max) <= 0);
    assertEquals(initial, policy.backoff(1));
    Duration doubled = backoff.multipliedBy(2);
    assertEquals(doubled.compareTo(max) < 0 ? doubled : max, policy.backoff(failures + 1));
  }

  @Example
  void rejectsJitterThatWouldReachPastTheStartOfTheLifetime() {
    assertThrows(IllegalArgumentException.class,
        () -> new RenewalPolicy(0.5, 0.5, Duration.ofSeconds(1), Duration.ofMinutes(5)));
    assertThrows(IllegalArgumentException.class,
        () -> new RenewalPolicy(1.0, 0.1, Duration.ofSeconds(1), Duration.ofMinutes(5)));
    assertThrows(IllegalArgumentException.class,
        () -> new RenewalPolicy(0.5, 0.1, Duration.ofSeconds(10), Duration.ofSeconds(5)));
  }

  /** The wait is counted in milliseconds: a shorter first wait was 0, a retry at once. */
  @Example
  void rejectsABackoffUnderAMillisecond() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RenewalPolicy(0.5, 0.1, Duration.ofNanos(500_000), Duration.ofMinutes(5)));
    assertEquals("backoff must satisfy 1 ms <= initial <= max", e.getMessage());
  }

  @Example
  void rejectsACertificateThatEndsBeforeItStarts() {
    RenewalPolicy policy =
        new RenewalPolicy(0.5, 0.1, Duration.ofSeconds(1), Duration.ofMinutes(5));
    assertThrows(IllegalArgumentException.class,
        () -> policy.renewalTime(EPOCH, EPOCH, new SplittableRandom(1)));
  }
}
