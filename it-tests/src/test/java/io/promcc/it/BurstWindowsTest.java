package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The reconciles BurstIT allows for its creates' times: one per debounce or max delay. */
class BurstWindowsTest {
  private static long[] every(long millis, int count) {
    return LongStream.range(0, count).map(i -> TimeUnit.MILLISECONDS.toNanos(millis * i))
        .toArray();
  }

  @Test
  void aBurstWithinTheMaxDelayWithoutAPauseOfTheDebounceIsOneWindow() {
    assertEquals(1, BurstIT.windows(every(0, 200)));
    assertEquals(1, BurstIT.windows(every(85, 20)));
  }

  @Test
  void eachPauseOfTheDebounceOpensAnotherWindow() {
    long[] times = every(85, 20);
    for (int i = 5; i < times.length; i++) {
      times[i] += TimeUnit.MILLISECONDS.toNanos(i < 12 ? 250 : 500);
    }
    assertEquals(3, BurstIT.windows(times));
  }

  @Test
  void aBurstLongerThanTheMaxDelayOpensAWindowEachMaxDelay() {
    assertEquals(3, BurstIT.windows(every(200, 21))); // 0 .. 4 s: at 0, 2 and 4 s
  }
}
