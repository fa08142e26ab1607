package io.promcc.prometheus;

import java.time.Duration;

/** Waits; injected so backoff can be tested without sleeping. */
@FunctionalInterface
interface Sleeper {
  /** {@link Thread#sleep}. */
  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

  void sleep(Duration duration) throws InterruptedException;
}
