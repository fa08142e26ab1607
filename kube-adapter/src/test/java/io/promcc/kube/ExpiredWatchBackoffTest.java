package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Faults;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A watch answered 410 Gone (its resourceVersion expired) relists at once: right for one expiry.
 * An API server that answers every watch with 410, though, would be listed again for good,
 * about every second (client-java's reflector runs again a second after it gives up a watch);
 * client-go's reflector waits its backoff manager's pause before every list and watch after the
 * first. Here a 410 that follows another with no event between waits the pause of a failed call
 * (0.8 s doubling to 30 s). Time is a ticker only the sleeper moves.
 *
 * <p>The reflector is played by the test, as client-java's does it after a 410: a list without a
 * resourceVersion, then a watch from the version listed, read until its {@code ERROR} event, then
 * closed. So no real time passes: the informer's controller would wait a real second before
 * each run of its reflector. {@code ServiceClusterSourceWatchTest} covers the informer listing
 * again after a 410.
 */
class ExpiredWatchBackoffTest extends ServiceWatchFixture {
  private static final Predicate<FakeRequest> ANY = request -> true;
  private static final String SERVICE = "{\"kind\":\"Service\",\"apiVersion\":\"v1\","
      + "\"metadata\":{\"name\":\"one11\",\"namespace\":\"default\","
      + "\"resourceVersion\":\"1\"}}";

  /** The reflector's list after a 410: without a resourceVersion; the version listed. */
  private String list() throws ApiException {
    return listerWatcher.list(new CallGeneratorParams(false, "", null)).getMetadata()
        .getResourceVersion();
  }

  private Watchable<V1Service> watch(String version) throws ApiException {
    return listerWatcher.watch(new CallGeneratorParams(true, version, 300));
  }

  /** Reads {@code watch} up to its {@code ERROR} event, as the reflector, which then stops. */
  private static void readToError(Watchable<V1Service> watch) {
    while (watch.hasNext()) {
      if ("ERROR".equals(watch.next().type)) {
        return;
      }
    }
    fail("the watch ended with no ERROR event");
  }

  /** A watch from {@code version}, read to its 410 and closed. */
  private void watchToError(String version) throws ApiException, IOException {
    try (Watchable<V1Service> watch = watch(version)) {
      readToError(watch);
    }
  }

  @Test
  void everyWatchAnswered410ListsAgainAtOnceOnlyAfterTheFirst() throws Exception {
    fake.faults().expireNewWatches(Faults.ALWAYS, ANY);

    // bounded in lists too: without a pause the ticker never moves
    for (int lists = 0; lists < 20 && ticker.get() < MINUTE; lists++) {
      watchToError(list());
    }

    List<Duration> inTheFirstMinute = listTimesInTheFirstMinute();
    assertEquals(millisOf(0, 0, 800, 2400, 5600, 12000, 24800, 50400), inTheFirstMinute,
        "the ticker at each list in the first minute: the first, one at once after the first "
            + "410, then after a pause doubling from 0.8 s");
    assertEquals(Optional.empty(), health.failure(), "a 410 is no failure of the informer");
  }

  @Test
  void everyWatchAnswered410AfterAnEventListsAgainAfterAPauseDoublingTo30Seconds()
      throws Exception {
    // an API server that expires every watch after its first event (a watch cache too small
    // for the changes, a compaction storm): each 410 follows an event, yet the lists repeat
    fake.faults().failWatchesAfterAnEvent(Faults.ALWAYS, "ADDED", SERVICE, 410, ANY);

    for (int lists = 0; lists < 20 && ticker.get() < MINUTE; lists++) {
      try (Watchable<V1Service> watch = watch(list())) {
        assertTrue(watch.hasNext());
        assertEquals("ADDED", watch.next().type);
        readToError(watch);
      }
    }

    assertEquals(millisOf(0, 0, 800, 2400, 5600, 12000, 24800, 50400),
        listTimesInTheFirstMinute(), "the ticker at each list in the first minute, as when "
            + "every watch is answered 410 with no event: client-go's reflector waits its "
            + "backoff before each list");
    assertEquals(Optional.empty(), health.failure(), "a 410 is no failure of the informer");
  }

  @Test
  void a410AfterWatchesThatWorked30SecondsListsAgainAtOnce() throws Exception {
    fake.faults().expireNewWatches(1, ANY);
    watchToError(list());
    String version = list();
    try (Watchable<V1Service> watch = watch(version)) {
      // the watch is subscribed once its call returned: the fake answers after subscribing
      fake.store().create(ApiResource.SERVICES, null, guest("one11"));
      assertTrue(watch.hasNext());
      assertEquals("ADDED", watch.next().type);
      ticker.addAndGet(FailureBackoff.MAX.toNanos()); // open 30 s, as the watches work
      fake.faults().expireWatches();
      readToError(watch);
    }
    version = list();

    assertEquals(List.of(), List.copyOf(pauses), "the watches worked 30 s between the 410s");
    assertEquals(List.of(0L, 0L, FailureBackoff.MAX.toNanos()), List.copyOf(listTimes));
    assertEquals(Optional.empty(), health.failure(), "a 410 is no failure of the informer");

    // and after an event but sooner, the next 410 waits the pause: the test tells them apart
    try (Watchable<V1Service> watch = watch(version)) {
      fake.store().create(ApiResource.SERVICES, null, guest("two22"));
      assertTrue(watch.hasNext());
      assertEquals("ADDED", watch.next().type);
      fake.faults().expireWatches();
      readToError(watch);
    }
    list();
    assertEquals(List.of(FailureBackoff.FIRST), List.copyOf(pauses));
  }

  @Test
  void anErrorEventWithReasonExpiredOrGoneButNoCodeIsA410() throws Exception {
    for (String reason : List.of("Expired", "Gone")) {
      fake.faults().sendOnNewWatches(1, "ERROR", "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
          + "\"status\":\"Failure\",\"reason\":\"" + reason + "\","
          + "\"message\":\"too old resource version\"}", ANY);
      try (Watchable<V1Service> watch = watch(list())) {
        assertTrue(watch.hasNext());
        Watch.Response<V1Service> error = watch.next();
        assertEquals("ERROR", error.type);
        assertEquals(410, error.status.getCode(),
            "the reflector reads it as a 410 (client-java's unboxes the code)");
      }
      assertEquals(Optional.empty(), health.failure(), reason + ": no failure of the informer");
    }
    list();
    assertEquals(List.of(FailureBackoff.FIRST), List.copyOf(pauses),
        "the second 410 with no event between waits the pause, as any other");
  }
}
