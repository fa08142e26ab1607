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
  void percentileIsTheNearestRankAMeasuredValue() {
    List<Long> values = List.of(50L, 10L, 40L, 20L, 30L, 60L, 70L, 80L, 90L, 100L);
    assertEquals(90, Stats.percentile(values, 90));
    assertEquals(50, Stats.percentile(values, 50));
    assertEquals(10, Stats.percentile(values, 1));
    assertEquals(100, Stats.percentile(values, 100));
    assertEquals(7, Stats.percentile(List.of(7L), 90));
    assertThrows(IllegalArgumentException.class, () -> Stats.percentile(List.of(), 90));
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
