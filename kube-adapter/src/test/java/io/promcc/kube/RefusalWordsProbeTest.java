package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The words of a refusal in the JVM's language are learned from a probe, with a clock of the
 * test's: a probe that could not tell (the port taken meanwhile, no loopback) or that threw is
 * made again, not before a minute has passed, and what it threw never reaches the caller.
 */
class RefusalWordsProbeTest {
  private static final String GERMAN = "Verbindungsaufbau abgelehnt";

  private final AtomicLong nanos = new AtomicLong(42);

  /** A probe that answers {@code answers} in turn (empty past them), counting its calls. */
  private static final class ScriptedProbe implements Supplier<Optional<String>> {
    private final Deque<Supplier<Optional<String>>> answers;
    private int calls;

    ScriptedProbe(List<Supplier<Optional<String>>> answers) {
      this.answers = new ArrayDeque<>(answers);
    }

    @Override
    public Optional<String> get() {
      calls++;
      return answers.isEmpty() ? Optional.empty() : answers.poll().get();
    }
  }

  private void pass(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  @Test
  void aProbeThatCouldNotTellIsMadeAgainAfterAMinute() {
    ScriptedProbe probe = new ScriptedProbe(List.of(Optional::empty, () -> Optional.of(GERMAN)));
    RefusalWords words = new RefusalWords(probe, nanos::get);

    assertFalse(words.isRefusal(GERMAN), "the first probe could not tell");
    assertFalse(words.isRefusal(GERMAN), "no second probe within the minute");
    pass(Duration.ofSeconds(59));
    assertFalse(words.isRefusal(GERMAN), "no second probe within the minute");
    assertEquals(1, probe.calls, "probes within the minute");
    pass(Duration.ofSeconds(1));

    assertTrue(words.isRefusal(GERMAN), "the second probe, a minute later, learned the words");
    assertTrue(words.isRefusal(GERMAN));
    assertFalse(words.isRefusal("Connection timed out"));
    assertEquals(2, probe.calls, "probes in all: none once the words are learned");
  }

  @Test
  void aProbeThatThrowsCouldNotTellAndIsMadeAgainLater() {
    ScriptedProbe probe = new ScriptedProbe(List.of(() -> {
      throw new IllegalStateException("no loopback here");
    }, () -> Optional.of(GERMAN)));
    RefusalWords words = new RefusalWords(probe, nanos::get);

    assertFalse(words.isRefusal(GERMAN), "the probe threw");
    assertTrue(words.isRefusal(RefusalWords.C_LOCALE), "the c locale's words need no probe");
    pass(Duration.ofMinutes(1));

    assertTrue(words.isRefusal(GERMAN), "the second probe learned the words");
    assertEquals(2, probe.calls);
  }

  @Test
  void theCLocalesWordsNeedNoProbe() {
    ScriptedProbe probe = new ScriptedProbe(List.of());
    RefusalWords words = new RefusalWords(probe, nanos::get);

    assertTrue(words.isRefusal("connection refused"));
    assertFalse(words.isRefusal(null));
    assertEquals(0, probe.calls);
  }
}
