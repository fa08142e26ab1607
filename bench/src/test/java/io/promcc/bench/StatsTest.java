package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void medianOfAnEvenCountIsTheLowerMiddle() {
    assertEquals(3, Stats.median(List.of(9L, 1L, 3L)));
    assertEquals(2, Stats.median(List.of(4L, 2L, 1L, 3L)));
    assertThrows(IllegalArgumentException.class, () -> Stats.median(List.of()));
  }

  @Test
  void formatsDurationsAndRatios() {
    assertEquals("12.3 ms", Stats.millis(12_340_000));
    assertEquals("1.50 s", Stats.seconds(1_500_000_000));
    assertEquals("2.5 µs", Stats.micros(2_500));
    assertEquals("[12, 9]", Stats.rawMillis(List.of(12_400_000L, 9_000_000L)));
    assertEquals("0.0500 (1/20.0)", Stats.ratio(1, 20));
  }
}
