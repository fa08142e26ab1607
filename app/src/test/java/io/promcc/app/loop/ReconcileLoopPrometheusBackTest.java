package io.promcc.app.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A probe's answer after none ends the backoff of a run that found Prometheus unavailable, once,
 * and no other failure's; the loop says why it retries now.
 */
class ReconcileLoopPrometheusBackTest extends ReconcileLoopFixture {
  private final LogCapture log = LogCapture.of(ReconcileLoop.class);

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  /** Runs that fail {@code outcome} until the backoff has grown to at least 30 s. */
  private ReconcileLoop failingFor3Minutes(AtomicReference<Outcome> outcome) {
    ReconcileLoop loop = loop(() -> result(outcome.get(), Optional.empty()), SETTLING);
    runFor(loop, Duration.ofMinutes(3), Duration.ofMillis(100)); // no trigger: backoff grows
    assertTrue(loop.status().failuresInARow() >= 6, "failures: " + runs.size());
    clock.advance(DEBOUNCE);
    assertFalse(loop.tick(), "the backoff had ended already");
    return loop;
  }

  @Test
  void anAnswerAfterNoneEndsTheBackoffOfARunThatFoundPrometheusUnavailableOnce() {
    AtomicReference<Outcome> outcome = new AtomicReference<>(Outcome.PROMETHEUS_UNAVAILABLE);
    ReconcileLoop loop = failingFor3Minutes(outcome);
    int failures = loop.status().failuresInARow();

    // Prometheus is back: the change waiting for it goes now, not at the end of a backoff of
    // up to a minute; an answer told twice before it makes one run
    loop.prometheusAnswersAgain();
    loop.prometheusAnswersAgain();
    assertTrue(loop.tick(), "the run after prometheus answered again waited for the backoff");
    assertEquals(failures + 1, loop.status().failuresInARow(), "that retry failed too");

    // it failed again (Prometheus went away once more): its backoff stands, a trigger waits
    // for it as after any failure, and only the next answer after none ends it
    clock.advance(DEBOUNCE);
    assertFalse(loop.tick(), "the answer told twice ended two backoffs");
    loop.trigger("certificates changed");
    clock.advance(DEBOUNCE);
    assertFalse(loop.tick(), "a trigger ended the backoff of a prometheus-unavailable run");
    outcome.set(Outcome.RELOADED);
    loop.prometheusAnswersAgain();
    assertTrue(loop.tick(), "the next answer after none waited for the backoff");
    assertEquals(0, loop.status().failuresInARow());

    List<String> infos =
        log.lines().stream().filter(l -> l.startsWith("INFO prometheus")).toList();
    assertEquals(2, infos.size(), log.lines().toString());
    assertTrue(infos.get(0).matches("INFO prometheus answers again: retrying the reconcile that "
        + "found it unavailable now, \\d+ ms before the end of its backoff \\(" + failures
        + " in a row\\)"), infos.get(0));
    assertTrue(log.lines().stream().anyMatch(l -> l.matches("WARNING reconcile "
        + "prometheus-unavailable.*; retrying in \\d+ ms \\(1 in a row\\) or when prometheus "
        + "answers again")), log.lines().toString());
  }

  @Test
  void theRetryAfterAnAnswerComesNoSoonerThanTheDebounceAfterTheFailedRun() {
    ReconcileLoop loop = loop(always(Outcome.PROMETHEUS_UNAVAILABLE), SETTLING);
    assertTrue(loop.tick());
    loop.prometheusAnswersAgain();
    assertFalse(loop.tick(), "a run at once after the failed one");
    clock.advance(DEBOUNCE);
    assertTrue(loop.tick(), "the retry after the answer waited for the backoff");
  }

  @Test
  void anAnswerDoesNotEndTheBackoffOfAnyOtherFailure() {
    for (Outcome failed : List.of(Outcome.FAILED, Outcome.SOURCE_NOT_READY, Outcome.REJECTED)) {
      ReconcileLoop loop = failingFor3Minutes(new AtomicReference<>(failed));
      loop.prometheusAnswersAgain();
      clock.advance(DEBOUNCE);
      assertFalse(loop.tick(), "an answer of prometheus ended the backoff of " + failed.label());
    }
    assertTrue(log.lines().stream().noneMatch(l -> l.contains("answers again")),
        log.lines().toString());
  }

  @Test
  void anAnswerAfterASuccessMakesNoRun() {
    ReconcileLoop loop = loop(always(Outcome.UNCHANGED), SETTLING);
    assertTrue(loop.tick());
    loop.prometheusAnswersAgain();
    runFor(loop, Duration.ofMinutes(1), Duration.ofMillis(100));
    assertEquals(1, runs.size(), "runs before the resync");
  }

  @Test
  void anAnswerWhileARunThatFoundPrometheusUnavailableRanEndsItsBackoffToo() {
    // the run asked Prometheus before it was back; a probe found it back before the run ended
    AtomicReference<ReconcileLoop> looped = new AtomicReference<>();
    AtomicBoolean answerDuringTheRun = new AtomicBoolean();
    ReconcileLoop loop = loop(() -> {
      if (answerDuringTheRun.getAndSet(false)) {
        looped.get().prometheusAnswersAgain();
      }
      return result(Outcome.PROMETHEUS_UNAVAILABLE, Optional.empty());
    }, SETTLING);
    looped.set(loop);
    runFor(loop, Duration.ofMinutes(3), Duration.ofMillis(100)); // the backoff grows
    answerDuringTheRun.set(true);
    int before = runs.size();
    for (int i = 0; i < 1000 && runs.size() == before; i++) { // backoffs are at most 60 s
      clock.advance(Duration.ofMillis(100));
      loop.tick();
    }
    assertEquals(before + 1, runs.size(), "the run with the answer");

    clock.advance(DEBOUNCE);
    assertTrue(loop.tick(), "the run after the answer during the failed run waited for the "
        + "backoff");
    assertTrue(log.lines().stream().anyMatch(l -> l.endsWith("; retrying now: prometheus "
        + "answered again meanwhile (" + (before + 1) + " in a row)")), log.lines().toString());
  }
}
