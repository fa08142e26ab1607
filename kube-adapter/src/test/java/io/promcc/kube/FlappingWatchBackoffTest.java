package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Faults;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A watch that flaps, one event through it and then it fails (an {@code ERROR} event):
 * client-java's reflector lists again after each failure. (One cut after its event is no
 * failure: it is made again from the last version, {@link FailedCallBackoffTest}.) An event is
 * no sign that the watches work, so it does not start the pause after failures
 * ({@link FailureBackoff}, 0.8 s doubling to 30 s) over: the lists of a watch that flaps for
 * good come no oftener than the backoff allows, as client-go's reflector,
 * whose backoff no event resets. Watches that worked {@link FailureBackoff#MAX} with no failure
 * (one watch open that long, or several the server ended one after another) do start it over:
 * the next single failure pauses 0.8 s. Time is a ticker only the sleeper and the test move.
 */
class FlappingWatchBackoffTest extends ServiceWatchFixture {
  private static final Predicate<FakeRequest> ANY = request -> true;
  private static final String SERVICE = "{\"kind\":\"Service\",\"apiVersion\":\"v1\","
      + "\"metadata\":{\"name\":\"one11\",\"namespace\":\"default\",\"resourceVersion\":\"1\"}}";

  /** The watch the test opened last ({@link #openFor}). */
  private Watchable<V1Service> watch;

  @Test
  void aWatchThatFailsAfterEachEventIsListedAgainAfterAPauseDoublingTo30Seconds() {
    fake.faults().failWatchesAfterAnEvent(Faults.ALWAYS, "ADDED", SERVICE, 500, ANY);
    runTheReflectorForAMinute();

    assertEquals(millisOf(800, 1600, 3200, 6400, 12800), List.copyOf(pauses.subList(0, 5)),
        "the pauses after the first five flaps (an event, then the watch failed)");
    assertEquals(millisOf(0, 800, 2400, 5600, 12000, 24800, 50400),
        listTimesInTheFirstMinute(), "the ticker at each list in the first minute");
    assertTrue(health.failure().orElseThrow()
        .startsWith("watch of " + DESCRIPTION + " ended with an error event: "),
        health.failure().toString());
  }

  @Test
  void aWatchOpenFor30SecondsStartsTheBackoffOverAndOneOpenAMomentLessDoesNot()
      throws Exception {
    flap(3);
    String version = list();
    openFor(version, FailureBackoff.MAX.minusMillis(1));
    fake.faults().errorWatches(500, "injected");
    readToError();
    version = list();
    openFor(version, FailureBackoff.MAX);
    fake.faults().errorWatches(500, "injected");
    readToError();
    list();

    assertEquals(millisOf(800, 1600, 3200, 6400, 800), List.copyOf(pauses),
        "pauses before the lists after three flaps, a watch that failed after 29.999 s and one "
            + "that failed after 30 s");
  }

  @Test
  void watchesTheServerEndedOneAfterAnotherFor30SecondsStartTheBackoffOver() throws Exception {
    flap(3);
    String version = list();
    // e.g. a watch timeout of 10 s: no single watch lasts 30 s
    for (int i = 0; i < 3; i++) {
      openFor(version, Duration.ofSeconds(10));
      fake.faults().closeWatches();
      assertFalse(watch.hasNext(), "the watch ended cleanly");
      watch.close();
    }
    fake.faults().fail(1, 500, FakeRequest::isWatch);
    try {
      watch(version);
      fail("the watch call was not refused");
    } catch (ApiException expected) {
      // the reflector lists again
    }
    list();

    assertEquals(millisOf(800, 1600, 3200, 800), List.copyOf(pauses),
        "pauses before the lists after three flaps, and after a watch call refused once three "
            + "watches of 10 s had ended one after another");
  }

  /** As the reflector, {@code times} times: a list, a watch that brings an event, then fails. */
  private void flap(int times) throws ApiException, IOException {
    fake.faults().failWatchesAfterAnEvent(times, "ADDED", SERVICE, 500, ANY);
    for (int i = 0; i < times; i++) {
      try (Watchable<V1Service> flapping = watch(list())) {
        assertTrue(flapping.hasNext());
        assertEquals("ADDED", flapping.next().type);
        assertTrue(flapping.hasNext());
        // the reflector gives the run up
        assertEquals("ERROR", flapping.next().type, "the watch did not fail after its event");
      }
    }
  }

  /** A watch from {@code version} left open for {@code open} on the ticker: {@link #watch}. */
  private void openFor(String version, Duration open) throws ApiException {
    watch = watch(version);
    ticker.addAndGet(open.toNanos());
  }

  /** Reads {@link #watch} up to its {@code ERROR} event, as the reflector, and closes it. */
  private void readToError() throws IOException {
    try (Watchable<V1Service> open = watch) {
      while (open.hasNext()) {
        if ("ERROR".equals(open.next().type)) {
          return;
        }
      }
    }
    fail("the watch ended with no ERROR event");
  }

  /** The reflector's list after a failed watch: without a resourceVersion; the version listed. */
  private String list() throws ApiException {
    return listerWatcher.list(new CallGeneratorParams(false, "", null)).getMetadata()
        .getResourceVersion();
  }

  private Watchable<V1Service> watch(String version) throws ApiException {
    return listerWatcher.watch(new CallGeneratorParams(true, version, 300));
  }
}
