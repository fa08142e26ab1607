package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What each close may wait, on a fake ticker: the total less what the closes before it waited,
 * however far apart they came.
 */
class StopBudgetTest {
  private final FakeTicker ticker = new FakeTicker();
  private final StopBudget budget = new StopBudget(Duration.ofSeconds(5), ticker);
  private final List<Duration> offered = new ArrayList<>();

  /** A thread that ends after {@code takes}, or not within what it is offered. */
  private boolean close(Duration takes) throws InterruptedException {
    return budget.await(nanos -> {
      Duration offer = Duration.ofNanos(nanos);
      offered.add(offer);
      boolean ends = takes.compareTo(offer) <= 0;
      ticker.advance(ends ? takes : offer);
      return ends;
    });
  }

  @Test
  void eachCloseWaitsWhatTheOnesBeforeItLeft() throws Exception {
    assertTrue(close(Duration.ofSeconds(2)));
    assertFalse(close(Duration.ofMinutes(1)), "a read that ignores its interrupt");
    assertFalse(close(Duration.ofSeconds(1)), "a thread that ends past the least wait");

    assertEquals(List.of(Duration.ofSeconds(5), Duration.ofSeconds(3), StopBudget.LEAST),
        offered);
  }

  @Test
  void aCloseAfterTheBudgetIsUsedUpStillWaitsTheLeast() throws Exception {
    assertFalse(close(Duration.ofMinutes(1)), "a read that ignores its interrupt");
    assertTrue(close(Duration.ofMillis(1)), "an idle thread, which ends at its interrupt");
    assertTrue(close(Duration.ofMillis(1)), "another");

    assertEquals(List.of(Duration.ofSeconds(5), StopBudget.LEAST, StopBudget.LEAST), offered);
  }

  @Test
  void onlyTheTimeWaitedCounts() throws Exception {
    assertTrue(close(Duration.ofMillis(1)));
    ticker.advance(Duration.ofMinutes(3)); // a source closed long before the watcher

    assertTrue(close(Duration.ofSeconds(4)));
    assertEquals(List.of(Duration.ofSeconds(5), Duration.ofMillis(4999)), offered);
  }

  @Test
  void aTickerGoneBackCountsNoTime() throws Exception {
    budget.await(nanos -> {
      ticker.advance(Duration.ofSeconds(-7));
      return true;
    });

    assertTrue(close(Duration.ofSeconds(5)));
    assertEquals(List.of(Duration.ofSeconds(5)), offered);
  }
}
