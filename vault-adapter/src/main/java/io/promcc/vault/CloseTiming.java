package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How {@link VaultCertificateSource#close()} is timed: how long it waits for the Vault calls it
 * interrupted, and a step run once they ended (or the wait ran out), before every cluster is
 * forgotten. Tests pass their own to hold the close at that step instead of racing its wait.
 *
 * @param callsWait how long the close waits for interrupted Vault calls to end
 * @param nanoTime the time its deadline is counted in, as {@link System#nanoTime()}
 * @param beforeForgetting run by the close before it forgets every cluster; must not throw
 */
record CloseTiming(Duration callsWait, LongSupplier nanoTime, Runnable beforeForgetting) {
  /** What a running controller uses: 10 s, and nothing before forgetting. */
  static final CloseTiming DEFAULT = new CloseTiming(Duration.ofSeconds(10),
      System::nanoTime, () -> {});

  CloseTiming {
    requireNonNull(callsWait, "callsWait == null");
    requireNonNull(nanoTime, "nanoTime == null");
    requireNonNull(beforeForgetting, "beforeForgetting == null");
    if (callsWait.isNegative()) {
      throw new IllegalArgumentException("callsWait is negative, found " + callsWait);
    }
  }
}
