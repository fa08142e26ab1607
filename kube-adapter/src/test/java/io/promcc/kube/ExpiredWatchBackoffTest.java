package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.CallGenerator;
import io.promcc.core.port.Sleeper;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A watch answered 410 Gone (its resourceVersion expired) relists at once: right for one expiry.
 * An API server that answers every watch with 410, though, would be listed again for good,
 * about every second (client-java's reflector runs again a second after it gives up a watch);
 * client-go's reflector waits its backoff manager's pause before every list and watch after the
 * first. Here a 410 that follows another with no event between waits the pause of a failed call
 * (0.8 s doubling to 30 s). Time is a ticker only the sleeper moves.
 */
class ExpiredWatchBackoffTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Predicate<FakeRequest> ANY = request -> true;
  private static final Predicate<FakeRequest> LIST = request -> !request.isWatch();
  private static final long MINUTE = Duration.ofMinutes(1).toNanos();

  private final AtomicLong ticker = new AtomicLong();
  private final List<Duration> pauses = new CopyOnWriteArrayList<>();
  /** The ticker at each list request the fake received. */
  private final List<Long> listTimes = new CopyOnWriteArrayList<>();
  private FakeKubeApi fake;
  private TrackedInformer<V1Service, V1ServiceList> informer;

  @BeforeEach
  void startFake() {
    // no bookmarks: a watch that works says nothing until an object changes
    fake = FakeKubeApi.builder().bookmarkInterval(Duration.ofHours(1)).onRequest(request -> {
      if (!request.isWatch()) {
        listTimes.add(ticker.get());
      }
    }).start();
  }

  @AfterEach
  void stop() {
    if (informer != null) {
      informer.stop();
    }
    fake.close();
  }

  private void startInformer() {
    CoreV1Api api = new CoreV1Api(fake.newClient());
    CallGenerator calls = params -> api.listServiceForAllNamespaces()
        .resourceVersion(params.resourceVersion).watch(params.watch)
        .allowWatchBookmarks(Boolean.TRUE.equals(params.watch) ? Boolean.TRUE : null)
        .timeoutSeconds(params.timeoutSeconds).buildCall(null);
    Sleeper sleeper = duration -> {
      pauses.add(duration);
      ticker.addAndGet(duration.toNanos());
    };
    informer = new TrackedInformer<>(api.getApiClient(), calls, V1Service.class,
        V1ServiceList.class, "services in all namespaces", WatchSettings.defaults(), () -> { },
        ticker::get, sleeper, new ManualLater(ticker::get));
    informer.start();
  }

  @Test
  void everyWatchAnswered410ListsAgainAtOnceOnlyAfterTheFirst() {
    fake.faults().expireNewWatches(Faults.ALWAYS, ANY);
    startInformer();

    // bounded in lists too: without a pause the ticker never moves
    Poll.until(WAIT, "a minute on the ticker, or 20 lists",
        () -> ticker.get() >= MINUTE || listTimes.size() > 20);
    List<Duration> inTheFirstMinute = new ArrayList<>();
    for (long time : listTimes) {
      if (time < MINUTE) {
        inTheFirstMinute.add(Duration.ofNanos(time));
      }
    }
    assertEquals(millisOf(0, 0, 800, 2400, 5600, 12000, 24800, 50400), inTheFirstMinute,
        "the ticker at each list in the first minute: the first, one at once after the first "
            + "410, then after a pause doubling from 0.8 s");
    assertEquals(Optional.empty(), informer.failure(), "a 410 is no failure of the informer");
  }

  @Test
  void a410AfterAnEventListsAgainAtOnce() {
    fake.faults().expireNewWatches(1, ANY);
    startInformer();
    Poll.until(WAIT, "the second watch open", () -> fake.requestCount(FakeRequest::isWatch) >= 2
        && fake.store().watchCount(ApiResource.SERVICES) == 1);
    fake.store().create(ApiResource.SERVICES, null, guest("one11"));
    Poll.until(WAIT, "the service seen through the watch",
        () -> informer.cache().list().size() == 1);

    fake.faults().expireWatches();
    Poll.until(WAIT, "listed again after the second 410", () -> fake.requestCount(LIST) >= 3);

    assertEquals(List.of(), List.copyOf(pauses), "an event came between the two 410s");
    assertEquals(List.of(0L, 0L, 0L), List.copyOf(listTimes));
  }

  private static List<Duration> millisOf(long... millis) {
    List<Duration> out = new ArrayList<>();
    for (long m : millis) {
      out.add(Duration.ofMillis(m));
    }
    return out;
  }
}
