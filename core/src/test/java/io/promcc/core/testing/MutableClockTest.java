package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MutableClockTest {
  /** Always UTC: asking it for UTC (as code that normalises a clock does) is fine. */
  @Test
  void itsOwnZoneIsItselfAndAnotherIsRefused() {
    MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

    assertSame(clock, clock.withZone(ZoneOffset.UTC));
    assertSame(clock, clock.withZone(ZoneId.of("UTC")));
    assertThrows(UnsupportedOperationException.class,
        () -> clock.withZone(ZoneId.of("Europe/Berlin")));
  }
}
