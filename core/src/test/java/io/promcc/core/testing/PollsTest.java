package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollsTest {
  @Test
  void returnsOnceTheConditionHolds() {
    AtomicInteger asked = new AtomicInteger();

    Polls.until(Duration.ofSeconds(20), Duration.ofMillis(1), () -> asked.incrementAndGet() == 3,
        () -> "never");

    assertEquals(3, asked.get());
  }

  @Test
  void failsWithItsReasonAtTheDeadline() {
    AssertionError e = assertThrows(AssertionError.class, () -> Polls.until(Duration.ofMillis(20),
        Duration.ofMillis(5), () -> false, () -> "the file was never written"));

    assertEquals("the file was never written", e.getMessage());
  }
}
