package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.loop.StopEnd;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.Polls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A close the stop gave up on that ends before the stop does is not named as still running in
 * the stop's last line, and its end is told as during the stop; one still running at the stop's
 * end is named, and its end told as after the stop. Each close ends when the test releases it,
 * and the test waits for its end (bounded): no race with the stop's own times.
 */
class LateCloseEndTest {
  private static final Duration BUDGET = Duration.ofMillis(300);
  private static final Duration BOUND = Duration.ofSeconds(30);

  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch began = new CountDownLatch(1);
  private final AtomicReference<Thread> closing = new AtomicReference<>();
  private final LogCapture log = LogCapture.of(Controller.class); // StopDeadline's lines

  @AfterEach
  void releaseTheClose() {
    release.countDown();
    log.close();
  }

  @Test
  void aCloseThatEndsBeforeTheStopEndsIsNotNamedAsStillRunningNorSaidToEndAfterIt()
      throws Exception {
    StopDeadline deadline = new StopDeadline(BUDGET, System::nanoTime, new StopEnd());
    deadline.closeInOrder(List.of(new StopDeadline.Part("the hung part", this::hangs)));
    endTheClose();

    assertEquals(List.of(), end(deadline), "the part had ended before the stop did");
    assertEquals(List.of("stopping: closing the hung part ended"), endLines(),
        "the late end of the close: " + log.messages());
  }

  @Test
  void aCloseStillRunningAtTheStopsEndIsNamedAndItsEndSaidToComeAfterIt() throws Exception {
    StopDeadline deadline = new StopDeadline(BUDGET, System::nanoTime, new StopEnd());
    deadline.closeInOrder(List.of(new StopDeadline.Part("the hung part", this::hangs)));

    assertEquals(List.of("closing the hung part"), end(deadline));
    endTheClose();
    assertEquals(List.of("after the stop: closing the hung part ended"), endLines(),
        "the late end of the close: " + log.messages());
  }

  @Test
  void aCloseThatEndsAsItIsGivenUpOnIsToldToEndAfterTheWarningNamingIt() throws Exception {
    Thread stopping = Thread.currentThread();
    AtomicInteger readings = new AtomicInteger();
    StopDeadline deadline = new StopDeadline(Duration.ZERO, () -> {
      // the stop's fourth reading (after its start's, the part's time's and the close's start's)
      // is the warning's time, the close given up on by then: the close ends there, and logs
      // its end at once unless the stop's lock holds it back
      if (Thread.currentThread() == stopping && readings.incrementAndGet() == 4) {
        endsOrWaitsForTheStopsLock();
      }
      return System.nanoTime();
    }, new StopEnd());
    deadline.closeInOrder(List.of(new StopDeadline.Part("the hung part", this::hangs)));
    endTheClose();

    List<String> lines = log.messages().stream().filter(m -> m.contains("the hung part"))
        .map(m -> m.substring(0, m.indexOf(" ms"))).toList();
    assertEquals(2, lines.size(), "the stop's lines: " + log.messages());
    assertTrue(lines.get(0).startsWith("stopping: closing the hung part had not ended after")
        && lines.get(1).startsWith("stopping: closing the hung part ended"),
        "the warning first, then the end it was given up on: " + log.messages());
  }

  /** Releases the close, and waits until its end is logged or it waits for the stop's lock. */
  private void endsOrWaitsForTheStopsLock() {
    try {
      assertTrue(began.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "never began");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    release.countDown();
    Polls.until(BOUND, Duration.ofMillis(1), () -> !endLines().isEmpty()
        || closing.get().getState() == Thread.State.BLOCKED,
        () -> "the close neither ended nor waited for the lock: " + log.messages());
  }

  /** Ends the stop, returning what its last line would name as still running. */
  private static List<String> end(StopDeadline deadline) {
    AtomicReference<List<String>> still = new AtomicReference<>();
    deadline.end(still::set);
    return still.get();
  }

  private void hangs() throws InterruptedException {
    closing.set(Thread.currentThread());
    began.countDown();
    assertTrue(release.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "never released");
  }

  /** Lets the hung close end, and waits for its thread's end (its last line logged). */
  private void endTheClose() throws InterruptedException {
    assertTrue(began.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "the close never began");
    release.countDown();
    Thread thread = closing.get();
    thread.join(BOUND.toMillis());
    assertFalse(thread.isAlive(), "the close did not end");
  }

  /**
   * The lines telling the hung part's close's end, up to its name and "ended" (not those of a
   * part an earlier test class in this JVM gave up on, which may end meanwhile).
   */
  private List<String> endLines() {
    return log.messages().stream()
        .filter(m -> m.matches(".*closing the hung part ended \\d+ ms after it began.*"))
        .map(m -> m.substring(0, m.indexOf(" ended") + 6)).toList();
  }
}
