package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.core.port.Sleeper;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The sleeper of a background thread whose time is a {@link FakeTicker}: each sleep lasts until
 * the test ends it, then passes the time asked on the ticker. Between steps the test knows where
 * the thread is: asleep, with all it did before that sleep done. An interrupt ends a sleep, as
 * it ends a real one; the test's waits are bounded. Thread-safe.
 */
final class SteppedSleeper implements Sleeper {
  /** Generous: a busy machine meets it; the thread is much faster. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private final FakeTicker ticker;
  private final BlockingQueue<Duration> asleep = new LinkedBlockingQueue<>();
  private final Semaphore wakeUps = new Semaphore(0);

  SteppedSleeper(FakeTicker ticker) {
    this.ticker = requireNonNull(ticker, "ticker == null");
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    asleep.put(duration);
    wakeUps.acquire();
    ticker.advance(duration);
  }

  /**
   * Waits (at most 30 s) until the thread sleeps.
   *
   * @return the time it asked to sleep
   */
  Duration awaitSleep() throws InterruptedException {
    Duration asked = asleep.poll(PATIENCE.toNanos(), TimeUnit.NANOSECONDS);
    if (asked == null) {
      throw new AssertionError("the thread did not sleep within " + PATIENCE);
    }
    return asked;
  }

  /**
   * Ends the sleep the thread is in, its time passed on the ticker, and waits (at most 30 s)
   * until it sleeps again: one round of its loop.
   *
   * @return the time it asked to sleep next
   */
  Duration step() throws InterruptedException {
    wakeUps.release();
    return awaitSleep();
  }
}
