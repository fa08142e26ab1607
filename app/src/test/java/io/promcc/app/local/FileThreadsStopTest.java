package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.Sleeper;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stop of the threads that read watched files, when each holds a read that ignores its
 * interrupt (a stuck volume): their closes share one budget of time, so the stop waits for all
 * of them about as long as for one, where each waited its own 5 s (15 s for three). On real
 * threads and the system's time, with a budget of 2.5 s instead of 5.
 */
class FileThreadsStopTest {
  private static final Duration TOTAL = Duration.ofMillis(2500);
  private static final long PATIENCE_SECONDS = 30;

  @TempDir Path temp;

  // the least a close waits, short: three stuck reads hold the stop about TOTAL
  private final StopBudget stops =
      new StopBudget(TOTAL, Duration.ofMillis(100), System::nanoTime);
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<Thread> held = new ArrayList<>();

  @AfterEach
  void releaseTheReads() throws InterruptedException {
    release.countDown();
    List<Thread> threads;
    synchronized (held) {
      threads = List.copyOf(held);
    }
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
    }
  }

  @Test
  void threeReadsThatIgnoreTheirInterruptsHoldTheStopOneBudgetInAll() throws Exception {
    FileWatcher watcher = new FileWatcher(Duration.ofMillis(20), MutableClock.startingNow(),
        false, null, System::nanoTime, Sleeper.SYSTEM, stops, BoundedFileWatch.READ_BOUND);
    Path file = Files.writeString(temp.resolve("certificate.pem"), "a");
    CountDownLatch watcherHeld = new CountDownLatch(1);
    watcher.watch(file, () -> ignoreInterrupts(watcherHeld));
    CountDownLatch clustersHeld = new CountDownLatch(1);
    CoalescedRuns clusters = CoalescedRuns.onOwnThread("promcc-clusters-file", "clusters",
        watcher.stopBudget(), () -> ignoreInterrupts(clustersHeld));
    CountDownLatch plannerHeld = new CountDownLatch(1);
    CoalescedRuns planner = CoalescedRuns.onOwnThread("promcc-planner-files", "planner",
        watcher.stopBudget(), () -> ignoreInterrupts(plannerHeld));
    watcher.start();
    Files.writeString(file, "b");
    clusters.ask();
    planner.ask();
    for (CountDownLatch reading : List.of(watcherHeld, clustersHeld, plannerHeld)) {
      assertTrue(reading.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "each read began");
    }

    List<Duration> closes = new ArrayList<>();
    List<String> warnings = closeAsTheControllerDoes(clusters, watcher, planner, closes);

    // each close is timed alone, so that the closing thread running late between two closes (a
    // busy machine) counts for none; a close with a budget of its own would wait all of it for
    // its stuck read, however late it came: the closes after the first take less than TOTAL
    assertTrue(closes.get(0).compareTo(TOTAL.multipliedBy(2)) < 0, "the first close, of the "
        + "clusters file's thread, waited about the budget, " + TOTAL + ": " + closes);
    assertTrue(closes.get(1).compareTo(TOTAL) < 0 && closes.get(2).compareTo(TOTAL) < 0,
        "the closes after the first, the budget spent, waited no budget of their own: " + closes);
    String notEnded = " had not ended when the 2 s the stop gives the threads that read watched"
        + " files were up, its waits interrupted; it ends with the process";
    assertEquals(List.of("promcc-clusters-file" + notEnded, "promcc-planner-files" + notEnded,
        "promcc-file-watcher" + notEnded), warnings);
  }

  /**
   * A read that ignores its interrupt uses up the budget: the threads closed after it, idle,
   * still end at their interrupts, and the warning names the stuck one alone, where they were
   * given no time at all and named as not ended too.
   */
  @Test
  void aStuckReadUsesUpTheBudgetAndTheIdleThreadsAfterItStillEnd() throws Exception {
    // as long as the stuck read's wait nearly: on a busy machine, an idle thread ends well in it
    StopBudget stops = new StopBudget(TOTAL, Duration.ofSeconds(2), System::nanoTime);
    FileWatcher watcher = new FileWatcher(Duration.ofMillis(20), MutableClock.startingNow(),
        false, null, System::nanoTime, Sleeper.SYSTEM, stops, BoundedFileWatch.READ_BOUND);
    Path file = Files.writeString(temp.resolve("certificate.pem"), "a");
    CountDownLatch watcherRan = new CountDownLatch(1);
    watcher.watch(file, watcherRan::countDown);
    CountDownLatch clustersHeld = new CountDownLatch(1);
    CoalescedRuns clusters = CoalescedRuns.onOwnThread("promcc-clusters-file", "clusters",
        watcher.stopBudget(), () -> ignoreInterrupts(clustersHeld));
    CountDownLatch plannerRan = new CountDownLatch(1);
    CoalescedRuns planner = CoalescedRuns.onOwnThread("promcc-planner-files", "planner",
        watcher.stopBudget(), plannerRan::countDown);
    watcher.start();
    Files.writeString(file, "b");
    clusters.ask();
    planner.ask();
    for (CountDownLatch began : List.of(watcherRan, clustersHeld, plannerRan)) {
      assertTrue(began.await(PATIENCE_SECONDS, TimeUnit.SECONDS), "each thread ran");
    }

    List<String> warnings = closeAsTheControllerDoes(clusters, watcher, planner,
        new ArrayList<>());

    assertEquals(List.of("promcc-clusters-file had not ended when the 2 s the stop gives the"
        + " threads that read watched files were up, its waits interrupted; it ends with the"
        + " process"), warnings);
  }

  /**
   * Closes the three in the controller's order (sources, the watcher, the planner's files),
   * adding how long each close took to {@code closes}.
   *
   * @return the warnings logged meanwhile
   */
  private static List<String> closeAsTheControllerDoes(CoalescedRuns clusters,
      FileWatcher watcher, CoalescedRuns planner, List<Duration> closes) {
    List<String> warnings = new ArrayList<>();
    try (LogCapture runs = LogCapture.of(CoalescedRuns.class);
        LogCapture watches = LogCapture.of(FileWatcher.class)) {
      for (Runnable close : List.<Runnable>of(clusters::close, watcher::close,
          planner::close)) {
        long before = System.nanoTime();
        close.run();
        closes.add(Duration.ofNanos(System.nanoTime() - before));
      }
      warnings.addAll(runs.messages());
      warnings.addAll(watches.messages());
    }
    return warnings;
  }

  /** A read that goes on when interrupted, until the test ends (bounded). */
  private void ignoreInterrupts(CountDownLatch began) {
    synchronized (held) {
      held.add(Thread.currentThread());
    }
    began.countDown();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    boolean interrupted = false;
    while (release.getCount() > 0 && System.nanoTime() < end) {
      try {
        release.await(end - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true; // ignored, as a read of a stuck volume ignores it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
