package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PacingTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  @Test
  void settleDebounceAndMaxDelayMayBeEqualAndTheSettleZero() {
    Pacing pacing = new Pacing(Duration.ZERO, SECOND, SECOND, SECOND);
    assertEquals(Duration.ZERO, pacing.settle());
    assertEquals(SECOND, new Pacing(SECOND, SECOND, SECOND, SECOND).settle());
  }

  @Test
  void aSettleLongerThanTheDebounceOrNegativeIsRefused() {
    IllegalArgumentException longer = assertThrows(IllegalArgumentException.class,
        () -> new Pacing(Duration.ofSeconds(2), SECOND, Duration.ofSeconds(5), SECOND));
    assertEquals("settle PT2S must be between 0 and the debounce PT1S", longer.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new Pacing(Duration.ofMillis(-1), SECOND, SECOND, SECOND));
  }

  @Test
  void aDebounceLongerThanTheMaxDelayOrAResyncOfZeroIsRefused() {
    IllegalArgumentException longer = assertThrows(IllegalArgumentException.class,
        () -> new Pacing(Duration.ZERO, Duration.ofSeconds(3), Duration.ofSeconds(2), SECOND));
    assertEquals("debounce PT3S must not be longer than the max delay PT2S",
        longer.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new Pacing(Duration.ZERO, SECOND, SECOND, Duration.ZERO));
  }
}
