package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.informer.cache.Caches;
import io.kubernetes.client.informer.cache.DeltaFIFO;
import io.kubernetes.client.informer.cache.ReflectorRunnable;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A watch that breaks, a watch {@code ERROR} event, a refused watch call or a failing list:
 * client-java's reflector lists again a second later, every second for as long as the API server
 * keeps failing. The lister-watcher pauses before the next list or watch instead, 0.8 s doubling
 * to 30 s, as client-go's reflector backs off; two minutes without a failure, or a watch that
 * stayed open 30 s ({@link FlappingWatchBackoffTest}), starts over, an event does not. Time is a
 * ticker only the sleeper moves.
 *
 * <p>client-java's own reflector runs the lister-watcher, with the exception handler
 * {@link TrackedInformer} gives it, on the test's thread: the test runs it again each time it
 * gives up, as the informer's controller does a real second later, and stops it once the watch
 * awaited is open, so no real time passes.
 */
class FailedCallBackoffTest extends ServiceWatchFixture {
  private static final Predicate<FakeRequest> ANY = request -> true;
  private static final Predicate<FakeRequest> LIST = request -> !request.isWatch();
  private static final String WATCH = "watch of " + DESCRIPTION;
  private static final String SERVICE = "{\"kind\":\"Service\",\"apiVersion\":\"v1\","
      + "\"metadata\":{\"name\":\"master\",\"namespace\":\"one11\","
      + "\"resourceVersion\":\"1\"}}";
  /**
   * Watches of 10 s: a test whose watch awaited never comes (fewer failures than it expects)
   * fails soon instead of reading a watch that works for minutes.
   */
  private static final WatchSettings SHORT_WATCHES = new WatchSettings(Duration.ofSeconds(60),
      Duration.ofSeconds(10), Duration.ofSeconds(5));

  /** The informer's failure while each pause is waited out. */
  private final List<Optional<String>> failuresInPauses = new CopyOnWriteArrayList<>();
  /** The informer's cache: what the reflector queued, moved there by {@link #drain()}. */
  private final Cache<V1Service> cache = new Cache<>();
  private final DeltaFIFO fifo = new DeltaFIFO(Caches::metaNamespaceKeyFunc, cache);
  /** What to do when the watch of each call count is open (the reflector reads it on). */
  private final Map<Integer, Runnable> atOpenWatches = new HashMap<>();
  /** What to do when the fake receives the watch request of each count, before it answers. */
  private final Map<Integer, Runnable> atWatchRequests = new ConcurrentHashMap<>();
  /** The watch requests the fake received. */
  private final AtomicInteger watchRequests = new AtomicInteger();
  private TrackedListerWatcher<V1Service, V1ServiceList> informerCalls;
  private ReflectorRunnable<V1Service, V1ServiceList> reflector;
  /** The watch calls made, refused ones too. */
  private int watchCalls;
  /** The watch call whose watch, open, stops the reflector. */
  private int awaitedWatch;
  private boolean stopped;

  /** The informer's failure, as {@link TrackedInformer#failure()} reads it. */
  private Optional<String> failure() {
    informerCalls.checkLastingWatch();
    return health.failure();
  }

  /**
   * Makes the informer's lister-watcher, whose sleeper also records its failure at each pause,
   * and the reflector on it.
   */
  private void startInformer() {
    CoreV1Api api = new CoreV1Api(fake.newClient());
    informerCalls = new TrackedListerWatcher<>(api.getApiClient(),
        ServiceCalls.inAllNamespaces(api), V1Service.class, V1ServiceList.class, DESCRIPTION,
        health, SHORT_WATCHES, ticker::get, duration -> {
          failuresInPauses.add(failure());
          sleeper.sleep(duration);
        }, later);
    reflector = new ReflectorRunnable<>(V1Service.class, new AwaitedWatches(), fifo,
        (type, error) -> informerCalls.reflectorFailed(error));
  }

  /**
   * The informer's lister-watcher, which also does what the test asked once a watch is open:
   * the fake answered it after subscribing it, so it is open on the fake (none failed at it:
   * the test injects its failures before). Stopping the reflector there, as stopping the
   * informer does, makes its run return.
   */
  private final class AwaitedWatches implements ListerWatcher<V1Service, V1ServiceList> {
    @Override
    public V1ServiceList list(CallGeneratorParams params) throws ApiException {
      return informerCalls.list(params);
    }

    @Override
    public Watchable<V1Service> watch(CallGeneratorParams params) throws ApiException {
      watchCalls++;
      Watchable<V1Service> watch = informerCalls.watch(params);
      Runnable action = atOpenWatches.remove(watchCalls);
      if (action != null) {
        action.run();
      }
      if (watchCalls == awaitedWatch) {
        informerCalls.stop();
        reflector.stop();
        stopped = true;
      }
      return watch;
    }
  }

  /**
   * When the fake receives the {@code count}-th watch request, before it answers it, runs
   * {@code action} on the fake's thread.
   */
  private void atWatchRequest(int count, Runnable action) {
    atWatchRequests.put(count, action);
  }

  @Override
  void onRequest(FakeRequest request) {
    if (request.isWatch()) {
      Runnable action = atWatchRequests.remove(watchRequests.incrementAndGet());
      if (action != null) {
        action.run();
      }
    }
  }

  /** Once the watch of the {@code count}-th watch call is open, runs {@code action}. */
  private void atOpenWatch(int count, Runnable action) {
    atOpenWatches.put(count, action);
  }

  /**
   * Runs the reflector, again each time it gives up (the informer's controller does so a real
   * second later), until the watch of the {@code count}-th watch call is open; stops it there.
   */
  private void awaitOpenWatch(int count) {
    awaitedWatch = count;
    // bounded in runs too, in case the watch awaited never comes
    for (int runs = 0; runs < 20 && !stopped; runs++) {
      reflector.run();
      drain();
    }
    assertTrue(stopped, "watch " + count + " open, after " + watchCalls + " watch calls");
  }

  /** Moves what the reflector queued into the cache, as the informer's controller does. */
  private void drain() {
    while (!fifo.list().isEmpty()) {
      try {
        fifo.pop(deltas -> deltas.forEach(delta -> {
          V1Service service = (V1Service) delta.getRight();
          if (delta.getLeft() == DeltaFIFO.DeltaType.Deleted) {
            cache.delete(service);
          } else {
            cache.add(service);
          }
        }));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void watchesCutAfterEventsAreMadeAgainWithNoListNorPause() {
    // a proxy that cuts every watch connection 20 s in, after an event came through (the
    // service's: with it in the list, too, as the list after a failure would find it)
    fake.store().create(ApiResource.SERVICES, null, guest("one11"));
    fake.faults().breakWatchesAfterAnEvent(8, "ADDED", SERVICE, ANY);
    for (int count = 1; count <= 8; count++) {
      atWatchRequest(count, () -> ticker.addAndGet(Duration.ofSeconds(20).toNanos()));
    }
    startInformer();

    awaitOpenWatch(9);
    assertEquals(List.of(), List.copyOf(pauses), "no pause after a watch cut after its event");
    assertEquals(1L, fake.requestCount(LIST), "the first list only: each cut watch is made "
        + "again from the last version seen");
    assertEquals(Optional.empty(), failure(), "no failure");
    assertEquals(1, cache.list().size(), "the service seen through the watches");
  }

  @Test
  void watchesCutAtOnceWithNoEventPauseAsWatchesThatEndAtOnce() {
    fake.faults().breakWatches(8, ANY);
    startInformer();

    awaitOpenWatch(9);
    assertEquals(millisOf(1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000),
        List.copyOf(pauses), "one pause before each watch after one cut at once, doubling to "
            + "30 s (ShortWatches)");
    assertEquals(1L, fake.requestCount(LIST), "the first list only");
    assertEquals(Optional.of(WATCH + " ended at once with no event 8 times in a row (an api "
        + "server whose watch cache is not ready, or a proxy that closes watch connections?); "
        + "watching again every 30s"), health.failure());
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

    awaitOpenWatch(1);
    assertTrue(fifo.hasSynced(), "synced");
    assertEquals(millisOf(800, 1600, 3200, 6400, 12800), List.copyOf(pauses));
    assertEquals(6L, fake.requestCount(LIST));
    assertEquals(Optional.of("cannot list services in all namespaces: http status 500 "
        + "(InternalError): injected fault"), failuresInPauses.get(4));
    assertEquals(1, cache.list().size());
  }

  @Test
  void anEventDoesNotStartTheBackoffOver() {
    fake.faults().failWatchesWithErrorEvent(2, 500, ANY);
    startInformer();
    atOpenWatch(3, () -> {
      // the service comes through the watch, then an error event (queued after it) ends it
      fake.store().create(ApiResource.SERVICES, null, guest("one11"));
      fake.faults().failWatchesWithErrorEvent(2, 500, ANY);
      fake.faults().errorWatches(500, "injected");
    });

    awaitOpenWatch(6);

    assertEquals(millisOf(800, 1600, 3200, 6400, 12800), List.copyOf(pauses),
        "after a watch that delivered an event and failed at once, the pause doubles on");
    assertEquals(1, cache.list().size(), "the service kept throughout");
  }

  @Test
  void twoMinutesWithoutAFailureStartTheBackoffOver() {
    fake.faults().failWatchesWithErrorEvent(2, 500, ANY);
    // the third watch call is refused two minutes after it was made (a call not answered for
    // that long): no watch opened since the last failure, so watches that worked 30 s
    // (FlappingWatchBackoffTest) cannot be what starts the pauses over, only the two minutes
    fake.faults().fail(1, 500, FakeRequest::isWatch);
    atWatchRequest(3, () -> ticker.addAndGet(Duration.ofMinutes(2).toNanos()));
    startInformer();

    awaitOpenWatch(4);

    assertEquals(millisOf(800, 1600, 800), List.copyOf(pauses),
        "a failure two minutes after the last one pauses 0.8 s");
  }
}
