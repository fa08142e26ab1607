package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The log of {@link BoundedReads} never says a read hangs without saying, after, when it ended:
 * a read that ends in the instant before it is given up is no hang, and the end of one given up
 * is logged after its warning, however soon it ends. Each test's reads log as a class of their
 * own; the reads are waited for 100 ms, and released by the tests (bounded waits of 30 s).
 */
class BoundedReadsEndLineTest {
  private static final Duration READ_WAIT = Duration.ofMillis(100);
  private static final long BOUND_SECONDS = 30;

  /** Whose logger the first test's reads log with. */
  private static final class EndedBeforeGivenUp {}

  /** Whose logger the second test's reads log with. */
  private static final class EndedAsGivenUp {}

  @Test
  void aReadThatEndsInTheInstantBeforeItIsGivenUpIsNoHang() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    // its wait timed out, the read not ended: the read ends before it is given up
    Consumer<Future<?>> givingUp = read -> {
      release.countDown();
      try {
        read.get(BOUND_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("the read did not end", e);
      }
    };
    BoundedReads reads = new BoundedReads(EndedBeforeGivenUp.class, "test file", "test-ended",
        () -> READ_WAIT, BoundedReads.Hang.NONE, BoundedReads.Lines.EACH_READ, givingUp);
    try (LogCapture log = LogCapture.everythingOf(EndedBeforeGivenUp.class)) {
      String answer;
      try {
        answer = reads.read("the test file", () -> {
          await(release);
          return "read";
        });
      } catch (BoundedReads.Unanswered e) {
        answer = "given up: " + e.getMessage();
      }

      assertEquals(List.of(), log.lines(), "the lines of a read that ended before it was given up");
      assertEquals("read", answer, "what the read answered");
    }
  }

  @Test
  void theEndOfAReadGivenUpIsLoggedAfterItsWarningHoweverSoonItEnds() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> reader = new AtomicReference<>();
    BoundedReads reads = new BoundedReads(EndedAsGivenUp.class, "test file", "test-end-line",
        () -> READ_WAIT, hung -> release.countDown(), BoundedReads.Lines.ITS_END, read -> { });
    Logger logger = Logger.getLogger(EndedAsGivenUp.class.getName());
    CountDownLatch endLogged = new CountDownLatch(1);
    List<String> lines = new CopyOnWriteArrayList<>(); // as handled, in order
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel() == Level.WARNING) {
          // the read has ended: its end line comes now, unless it waits for this warning
          awaitEndLineOrItsWait(reader.get(), endLogged);
        }
        lines.add(record.getLevel() + " " + record.getMessage());
        if (record.getLevel() == Level.INFO) {
          endLogged.countDown();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(handler);
    try {
      String answer;
      try {
        answer = reads.read("the test file", () -> {
          reader.set(Thread.currentThread());
          await(release);
          return "read";
        });
      } catch (BoundedReads.Unanswered e) {
        answer = "given up";
      }
      assertEquals("given up", answer, "what the read answered");
      assertTrue(endLogged.await(BOUND_SECONDS, TimeUnit.SECONDS), "the end line logged");

      assertEquals(List.of("WARNING", "INFO"), lines.stream()
          .map(line -> line.substring(0, line.indexOf(' '))).toList(),
          "the hang, then its end: " + lines);
    } finally {
      logger.removeHandler(handler);
    }
  }

  /**
   * Waits until {@code ended} is counted down, or {@code reader} is blocked on a lock (the one
   * this thread holds as it logs: its end line then waits for this line), at most the tests'
   * bound.
   */
  private static void awaitEndLineOrItsWait(Thread reader, CountDownLatch ended) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    try {
      while (System.nanoTime() < deadline && !ended.await(10, TimeUnit.MILLISECONDS)) {
        if (reader.getState() == Thread.State.BLOCKED) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
