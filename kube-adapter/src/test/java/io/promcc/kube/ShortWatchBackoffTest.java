package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Watches that end at once with no event (an API server whose watch cache is reinitialising, a
 * proxy closing every watch connection): client-java's reflector opens the next one at once, a
 * hot loop against the API server while the informer sees no change. The lister-watcher pauses
 * before each re-watch, 1 s doubling to 30 s, as client-go's reflector does for a "very short
 * watch". Time is a ticker only the sleeper moves: every watch lasts no time at all.
 */
class ShortWatchBackoffTest extends ServiceWatchFixture {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** The ticker's second at each watch request the fake received. */
  private final List<Long> watchSeconds = new CopyOnWriteArrayList<>();
  /** The informer's failure each time its health changed. */
  private final List<Optional<String>> healthChanges = new CopyOnWriteArrayList<>();
  private TrackedInformer<V1Service, V1ServiceList> informer;

  @Override
  void onRequest(FakeRequest request) {
    if (request.isWatch()) {
      watchSeconds.add(TimeUnit.NANOSECONDS.toSeconds(ticker.get()));
    }
  }

  @AfterEach
  void stop() {
    if (informer != null) {
      informer.stop();
    }
  }

  private void startInformer() {
    informer = informer(() -> healthChanges.add(informer.failure()));
    informer.start();
  }

  private void awaitWatches(int count) {
    Poll.until(WAIT, count + " watch requests", () -> watchSeconds.size() >= count);
  }

  @Test
  void watchesThatEndAtOnceAreMadeAgainAfterAPauseDoublingTo30Seconds() {
    fake.faults().endWatchesAtOnce(12, request -> true);
    startInformer();

    awaitWatches(13);
    assertEquals(List.of(0L, 1L, 3L, 7L, 15L, 31L, 61L, 91L, 121L, 151L, 181L, 211L, 241L),
        List.copyOf(watchSeconds.subList(0, 13)),
        "the ticker's second at each watch: 12 watches that ended at once, then one that works");
    assertEquals(12, pauses.size(), "one pause per watch that ended at once, none before it");
  }

  @Test
  void anEventStartsThePausesOver() {
    fake.faults().endWatchesAtOnce(3, request -> true);
    startInformer();
    awaitWatches(4);
    fake.store().create(ApiResource.SERVICES, null, guest("one11"));
    Poll.until(WAIT, "the service seen through the watch",
        () -> informer.cache().list().size() == 1);

    fake.faults().endWatchesAtOnce(2, request -> true);
    fake.faults().closeWatches();
    awaitWatches(7);

    assertEquals(secondsOf(1, 2, 4, 1, 2), List.copyOf(pauses),
        "after a watch that delivered an event, the pause is 1 s again");
  }

  @Test
  void aWatchThatLastsASecondStartsThePausesOver() {
    fake.faults().endWatchesAtOnce(3, request -> true);
    startInformer();
    awaitWatches(4);
    Poll.until(WAIT, "the fourth watch open", () -> fake.store().watchCount(ApiResource.SERVICES)
        == 1);
    ticker.addAndGet(Duration.ofSeconds(1).toNanos());

    fake.faults().endWatchesAtOnce(2, request -> true);
    fake.faults().closeWatches();
    awaitWatches(7);

    assertEquals(secondsOf(1, 2, 4, 1, 2), List.copyOf(pauses),
        "after a watch that lasted a second, the pause is 1 s again");
  }

  @Test
  void watchesThatKeepEndingAtOnceMakeTheInformerFailOnceUntilAnEvent() {
    fake.faults().endWatchesAtOnce(8, request -> true);
    startInformer();
    Poll.until(WAIT, "synced", informer::hasSynced);
    awaitWatches(9);
    Poll.until(WAIT, "the ninth watch open", () -> fake.store().watchCount(ApiResource.SERVICES)
        == 1);

    assertEquals(List.of(Optional.of("watch of services in all namespaces ended at once with "
        + "no event 6 times in a row (an api server whose watch cache is not ready, or a proxy "
        + "that closes watch connections?); watching again every 30s")), healthChanges,
        "failing once the pause reached 30 s, and no flip back at the watches after it");
    assertTrue(informer.failure().orElseThrow().contains("8 times in a row"),
        informer.failure().orElseThrow());

    fake.store().create(ApiResource.SERVICES, null, guest("one11"));
    Poll.until(WAIT, "recovered by the event", () -> healthChanges.size() == 2);
    assertEquals(Optional.empty(), healthChanges.get(1));
    assertEquals(Optional.empty(), informer.failure());
  }

  @Test
  void aWatchOpenForASecondEndsTheFailureWithNoEvent() {
    awaitFailingWithTheNinthWatchOpen();

    ticker.addAndGet(Duration.ofSeconds(2).toNanos());

    // polled: the fake counts the watch open a moment before the client has it
    Poll.until(WAIT, "an idle watch open for 2 s works: the api server recovered",
        () -> informer.failure().isEmpty());
    assertEquals(List.of(Optional.empty()), healthChanges.subList(1, healthChanges.size()),
        "cleared once");
  }

  @Test
  void aWatchOpenForASecondEndsTheFailureWithNoHealthRead() {
    awaitFailingWithTheNinthWatchOpen();
    // one check per watch opened while failing: the seventh's, the eighth's (both ended since)
    // and the ninth's; polled, the fake counts the watch open a moment before the client has it
    Poll.until(WAIT, "the check of the open watch scheduled", () -> later.pending() == 3);

    // nobody reads the health (a reconcile would): the change is told by itself, checked a
    // second after the watch opened on the lister-watcher's ticker, no real time passing
    ticker.addAndGet(Duration.ofMillis(999).toNanos());
    later.runDue();
    assertEquals(1, healthChanges.size(), "not a second yet: " + healthChanges);
    ticker.addAndGet(Duration.ofMillis(1).toNanos());
    later.runDue();
    assertEquals(Optional.empty(), healthChanges.get(healthChanges.size() - 1));
    assertEquals(2, healthChanges.size(), "the recovery told once: " + healthChanges);
    ticker.addAndGet(Duration.ofSeconds(1).toNanos());
    later.runDue();
    assertEquals(0, later.pending(), "no check made again once the watch lasted");
    assertEquals(2, healthChanges.size(), healthChanges.toString());
  }

  @Test
  void aGoodListWhileWatchesEndAtOnceReplacesTheListError() {
    awaitFailingWithTheNinthWatchOpen();
    fake.faults().fail(1, 500, request -> !request.isWatch());
    fake.faults().errorWatches(500, "injected"); // the informer lists again: refused, then good
    Poll.until(WAIT, "the tenth watch open", () -> watchSeconds.size() >= 10
        && fake.store().watchCount(ApiResource.SERVICES) == 1);

    assertTrue(informer.failure().orElseThrow().startsWith("watch of services in all namespaces "
        + "ended at once with no event 8 times in a row"), informer.failure().orElseThrow());
    ticker.addAndGet(Duration.ofSeconds(2).toNanos());
    Poll.until(WAIT, "the watch open for 2 s ends the failure",
        () -> informer.failure().isEmpty());
  }

  private void awaitFailingWithTheNinthWatchOpen() {
    fake.faults().endWatchesAtOnce(8, request -> true);
    startInformer();
    Poll.until(WAIT, "synced", informer::hasSynced);
    awaitWatches(9);
    Poll.until(WAIT, "the ninth watch open", () -> fake.store().watchCount(ApiResource.SERVICES)
        == 1);
    assertTrue(informer.failure().orElseThrow().contains("8 times in a row"),
        informer.failure().orElseThrow());
  }

  private static List<Duration> secondsOf(long... seconds) {
    List<Duration> out = new ArrayList<>();
    for (long s : seconds) {
      out.add(Duration.ofSeconds(s));
    }
    return out;
  }
}
