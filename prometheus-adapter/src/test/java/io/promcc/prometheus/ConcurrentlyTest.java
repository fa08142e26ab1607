package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConcurrentlyTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
  }

  @Test
  void keepsTheOrderOfTheItemsWhateverThreadMappedThem() {
    List<Integer> items = IntStream.range(0, 1_000).boxed().toList();

    List<String> out = new Concurrently(pool, 4).map(items, i -> "item-" + i);

    assertEquals(items.stream().map(i -> "item-" + i).toList(), out);
  }

  @Test
  void handsWorkToHelpersOnlyWhenThereIsEnoughOfIt() {
    List<Runnable> handedOut = new ArrayList<>();
    Concurrently concurrently = new Concurrently(handedOut::add, 4);

    concurrently.map(IntStream.range(0, 15).boxed().toList(), i -> i);
    assertEquals(0, handedOut.size());
    concurrently.map(IntStream.range(0, 1_000).boxed().toList(), i -> i);
    assertEquals(3, handedOut.size());
  }

  @Test
  void finishesOnTheCallingThreadWhenTheExecutorNeverRunsTheHelpers() {
    List<Runnable> neverRun = new ArrayList<>();
    List<Integer> items = IntStream.range(0, 100).boxed().toList();

    List<Integer> out = new Concurrently(neverRun::add, 2).map(items, i -> i * 2);

    assertEquals(items.stream().map(i -> i * 2).toList(), out);
    assertEquals(1, neverRun.size());
    neverRun.get(0).run(); // a helper that starts late finds nothing left and changes nothing
    assertEquals(items.stream().map(i -> i * 2).toList(), out);
  }

  @Test
  void rethrowsWhatTheFunctionThrows() {
    IllegalStateException boom = new IllegalStateException("boom");

    IllegalStateException thrown = assertThrows(IllegalStateException.class,
        () -> new Concurrently(pool, 4).map(IntStream.range(0, 1_000).boxed().toList(), i -> {
          if (i == 500) {
            throw boom;
          }
          return i;
        }));

    assertSame(boom, thrown);
  }
}
