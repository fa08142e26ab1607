package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Asks coalesced into runs, on an executor the test runs by hand, and on a thread of its own
 * for what a thread adds: the task off the asker's thread, and a close that interrupts it.
 */
class CoalescedRunsTest {
  private static final long PATIENCE_SECONDS = 30;

  private final Deque<Runnable> executor = new ArrayDeque<>();
  private final List<String> runs = new ArrayList<>();

  private void runAll() {
    while (!executor.isEmpty()) {
      executor.removeFirst().run();
    }
  }

  @Test
  void asksBeforeARunBeginsAreOneRun() {
    CoalescedRuns runner = CoalescedRuns.with(executor::add, "test", "test",
        () -> runs.add("run"));

    runner.ask();
    runner.ask();
    runner.ask();

    assertEquals(1, executor.size());
    runAll();
    assertEquals(List.of("run"), runs);
  }

  /** A change seen while the task reads is read again, after that read. */
  @Test
  void asksDuringARunAreOneMoreRunAfterIt() {
    CoalescedRuns[] runner = new CoalescedRuns[1];
    runner[0] = CoalescedRuns.with(executor::add, "test", "test", () -> {
      runs.add("run " + runs.size());
      if (runs.size() == 1) {
        runner[0].ask();
        runner[0].ask();
        runs.add("asked twice");
      }
    });

    runner[0].ask();
    runAll();

    assertEquals(List.of("run 0", "asked twice", "run 2"), runs);
  }

  @Test
  void aTaskThatFailsIsLoggedAndRunAgainAtTheNextAsk() {
    String what = "reading the files";
    CoalescedRuns runner = CoalescedRuns.with(executor::add, what, what, () -> {
      runs.add("run");
      if (runs.size() == 1) {
        throw new IllegalStateException("boom");
      }
    });

    try (LogCapture log = LogCapture.of(CoalescedRuns.class)) {
      runner.ask();
      runAll();
      runner.ask();
      runAll();

      assertEquals(List.of("reading the files failed"), log.messages());
    }
    assertEquals(List.of("run", "run"), runs);
  }

  /**
   * A thread that cannot be made (a limit of threads or processes reached: an
   * OutOfMemoryError from the executor) fails that ask, which the watcher logs; the next change
   * asks again, where every later ask did nothing and the file was never read again.
   */
  @Test
  void anAskTheExecutorFailsIsThrownAndTheNextAskRunsTheTask() {
    boolean[] failNext = {true};
    CoalescedRuns runner = CoalescedRuns.with(task -> {
      if (failNext[0]) {
        failNext[0] = false;
        throw new OutOfMemoryError("unable to create native thread");
      }
      executor.add(task);
    }, "test", "test", () -> runs.add("run"));

    OutOfMemoryError thrown = assertThrows(OutOfMemoryError.class, runner::ask);
    assertEquals("unable to create native thread", thrown.getMessage());
    runner.ask();

    assertEquals(1, executor.size(), "the next ask handed a run over");
    runAll();
    assertEquals(List.of("run"), runs);
  }

  @Test
  void nothingRunsOnceClosed() {
    CoalescedRuns runner = CoalescedRuns.with(executor::add, "test", "test",
        () -> runs.add("run"));
    runner.ask();

    runner.close();
    runAll();
    runner.ask();

    assertEquals(0, executor.size());
    assertEquals(List.of(), runs);
  }

  /** A run waits for a file off the asker's thread; a close ends its wait, and waits for it. */
  @Test
  void aRunIsOnItsOwnThreadAndACloseInterruptsItsWaitAndWaitsForIt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    List<String> seen = new ArrayList<>();
    String name = "promcc-test-runs";
    CoalescedRuns runner = CoalescedRuns.onOwnThread(name, name, new StopBudget(), () -> {
      synchronized (seen) {
        seen.add(Thread.currentThread().getName());
      }
      started.countDown();
      try {
        never.await(PATIENCE_SECONDS, TimeUnit.SECONDS);
        synchronized (seen) {
          seen.add("not interrupted");
        }
      } catch (InterruptedException e) {
        synchronized (seen) {
          seen.add("interrupted");
        }
      }
    });

    runner.ask();
    assertTrue(started.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "the run began");
    runner.close();

    synchronized (seen) {
      assertEquals(List.of("promcc-test-runs", "interrupted"), seen, "ended before close returned");
    }
  }
}
