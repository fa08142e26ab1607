package io.promcc.core.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/** Adds up the time spent in each {@link Phase} of one reconcile. Not thread-safe. */
final class PhaseTimer {
  private final Clock clock;
  private final Map<Phase, Duration> durations = new EnumMap<>(Phase.class);

  PhaseTimer(Clock clock) {
    this.clock = clock;
  }

  <T> T call(Phase phase, Supplier<T> work) {
    Instant start = clock.instant();
    try {
      return work.get();
    } finally {
      durations.merge(phase, Duration.between(start, clock.instant()), Duration::plus);
    }
  }

  void run(Phase phase, Runnable work) {
    call(phase, () -> {
      work.run();
      return null;
    });
  }

  Map<Phase, Duration> durations() {
    return durations;
  }
}
