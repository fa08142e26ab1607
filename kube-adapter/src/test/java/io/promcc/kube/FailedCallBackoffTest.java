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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A watch that breaks, a watch {@code ERROR} event, a refused watch call or a failing list:
 * client-java's reflector lists again a second later, every second for as long as the API server
 * keeps failing. The lister-watcher pauses before the next list or watch instead, 0.8 s doubling
 * to 30 s, as client-go's reflector backs off; an event, or two minutes without a failure, starts
 * over. Time is a ticker only the sleeper moves.
 */
class FailedCallBackoffTest extends ServiceWatchFixture {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Predicate<FakeRequest> ANY = request -> true;
  private static final Predicate<FakeRequest> LIST = request -> !request.isWatch();
  private static final String WATCH = "watch of " + DESCRIPTION;

  /** The informer's failure while each pause is waited out. */
  private final List<Optional<String>> failuresInPauses = new CopyOnWriteArrayList<>();
  private TrackedInformer<V1Service, V1ServiceList> informer;

  /** Runs before the fixture closes the fake. */
  @AfterEach
  void stop() {
    if (informer != null) {
      informer.stop();
    }
  }

  /** Starts an informer whose sleeper also records its failure at each pause. */
  private void startInformer() {
    informer = informer(() -> { }, duration -> {
      failuresInPauses.add(informer.failure());
      sleeper.sleep(duration);
    });
    informer.start();
  }

  /** Waits until the {@code count}-th watch is open on the fake (none failed at it). */
  private void awaitOpenWatch(int count) {
    Poll.until(WAIT, "watch " + count + " open", () -> fake.requestCount(
        request -> request.isWatch()) >= count
        && fake.store().watchCount(ApiResource.SERVICES) == 1);
  }

  @Test
  void brokenWatchesAreListedAgainAfterAPauseDoublingTo30Seconds() {
    fake.faults().breakWatches(8, ANY);
    startInformer();

    awaitOpenWatch(9);
    assertEquals(millisOf(800, 1600, 3200, 6400, 12800, 25600, 30000, 30000), List.copyOf(pauses),
        "one pause before each list after a broken watch, doubling to 30 s");
    assertEquals(9L, fake.requestCount(LIST), "one list per broken watch, and the first");
    for (Optional<String> failure : failuresInPauses) {
      assertTrue(failure.orElseThrow().startsWith(WATCH + " broke: "), failure.toString());
    }
  }

  @Test
  void watchErrorEventsBackOff() {
    fake.faults().failWatchesWithErrorEvent(3, 500, ANY);
    startInformer();

    awaitOpenWatch(4);
    assertEquals(millisOf(800, 1600, 3200), List.copyOf(pauses));
    assertEquals(List.of(Optional.of(WATCH + " ended with an error event: http status 500 "
        + "(InternalError): injected watch error")), List.copyOf(failuresInPauses.subList(2, 3)),
        "the source not ready meanwhile, the cause named");
  }

  @Test
  void refusedWatchCallsBackOff() {
    fake.faults().fail(3, 500, FakeRequest::isWatch);
    startInformer();

    awaitOpenWatch(4);
    assertEquals(millisOf(800, 1600, 3200), List.copyOf(pauses));
    assertEquals(Optional.of("cannot watch services in all namespaces: http status 500 "
        + "(InternalError): injected fault"), failuresInPauses.get(2));
  }

  @Test
  void failingListsBackOffBeforeTheFirstSync() {
    fake.store().create(ApiResource.SERVICES, null, guest("one11"));
    fake.faults().fail(5, 500, LIST);
    startInformer();

    Poll.until(WAIT, "synced", informer::hasSynced);
    assertEquals(millisOf(800, 1600, 3200, 6400, 12800), List.copyOf(pauses));
    assertEquals(6L, fake.requestCount(LIST));
    assertEquals(Optional.of("cannot list services in all namespaces: http status 500 "
        + "(InternalError): injected fault"), failuresInPauses.get(4));
    assertEquals(1, informer.cache().list().size());
  }

  @Test
  void anEventStartsTheBackoffOver() {
    fake.faults().breakWatches(2, ANY);
    startInformer();
    awaitOpenWatch(3);
    fake.store().create(ApiResource.SERVICES, null, guest("one11"));
    Poll.until(WAIT, "the service seen through the watch",
        () -> informer.cache().list().size() == 1);

    fake.faults().breakWatches(2, ANY);
    fake.faults().errorWatches(500, "injected");
    awaitOpenWatch(6);

    assertEquals(millisOf(800, 1600, 800, 1600, 3200), List.copyOf(pauses),
        "after a watch that delivered an event, the pause is 0.8 s again");
    assertEquals(1, informer.cache().list().size(), "the service kept throughout");
  }

  @Test
  void twoMinutesWithoutAFailureStartTheBackoffOver() {
    fake.faults().breakWatches(2, ANY);
    startInformer();
    awaitOpenWatch(3);
    ticker.addAndGet(Duration.ofMinutes(2).toNanos());

    fake.faults().errorWatches(500, "injected");
    awaitOpenWatch(4);

    assertEquals(millisOf(800, 1600, 800), List.copyOf(pauses),
        "a failure two minutes after the last one pauses 0.8 s");
  }
}
