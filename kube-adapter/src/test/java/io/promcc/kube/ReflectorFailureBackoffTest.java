package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.util.CallGeneratorParams;
import io.promcc.kube.fake.Faults;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A watch event the reflector cannot take (here one whose object has no metadata: the watch
 * fails on it, worded, and client-java's reflector throws reading it, its exception handler
 * told), and a failure only the reflector's exception handler hears of,
 * wait the same pause as a failed call (0.8 s doubling to 30 s), once, where the
 * reflector would list again every second for as long as the API server sends such events. Time
 * is a ticker only the sleeper moves.
 *
 * <p>client-java's own reflector runs the lister-watcher, with the exception handler
 * {@link TrackedInformer} gives it; the test runs it again each time it gives up, as the
 * informer's controller does a real second later, so no real time passes.
 */
class ReflectorFailureBackoffTest extends ServiceWatchFixture {
  /** A {@code Status} such as an API server sends in an {@code ERROR} event, but no code. */
  private static final String STATUS_WITHOUT_CODE = "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
      + "\"status\":\"Failure\",\"reason\":\"InternalError\",\"message\":\"etcd is down\"}";

  @Test
  void watchEventsWithoutMetadataBackOffAsFailedCalls() {
    // no bookmarks: the only event of a watch is the one injected
    fake.faults().sendOnNewWatches(Faults.ALWAYS, "ADDED",
        "{\"kind\":\"Service\",\"apiVersion\":\"v1\"}", request -> true);

    runTheReflectorForAMinute();

    List<Duration> inTheFirstMinute = listTimesInTheFirstMinute();
    assertEquals(millisOf(0, 800, 2400, 5600, 12000, 24800, 50400), inTheFirstMinute,
        "the ticker at each list in the first minute: after a pause doubling from 0.8 s");
    assertEquals("watch of services in all namespaces brought an event that cannot be read: its "
        + "object has no metadata", health.failure().orElseThrow());
  }

  @Test
  void errorEventsWithoutACodeBackOffOnceEachAndKeepTheirWording() {
    // client-java's reflector unboxes the code and throws a NullPointerException, which its
    // exception handler hears of after the watch recorded the event, worded, and its pause
    fake.faults().sendOnNewWatches(Faults.ALWAYS, "ERROR", STATUS_WITHOUT_CODE, request -> true);

    runTheReflectorForAMinute();

    assertEquals(millisOf(0, 800, 2400, 5600, 12000, 24800, 50400), listTimesInTheFirstMinute(),
        "one pause per error event, doubling from 0.8 s, none for the reflector's exception");
    assertEquals("watch of services in all namespaces ended with an error event "
        + "(InternalError): etcd is down", health.failure().orElseThrow());
  }

  @Test
  void aStatusInAnEventOtherThanErrorIsWordedAndBacksOffOnce() {
    // client-java's reflector reads no object in it and throws a NullPointerException
    fake.faults().sendOnNewWatches(Faults.ALWAYS, "ADDED", STATUS_WITHOUT_CODE, request -> true);

    runTheReflectorForAMinute();

    assertEquals(millisOf(0, 800, 2400, 5600, 12000, 24800, 50400), listTimesInTheFirstMinute(),
        "one pause per such event, doubling from 0.8 s");
    assertEquals("watch of services in all namespaces brought an event that cannot be read: "
        + "its object is a Status (InternalError): etcd is down", health.failure().orElseThrow());
  }

  @Test
  void eventsOfATypeNoWatchHasBackOffAsFailedCalls() {
    // client-java's reflector skipped them, each counted as an event, and watched again at once
    fake.faults().sendOnNewWatches(Faults.ALWAYS, "SYNCED", "{\"kind\":\"Service\","
        + "\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\",\"namespace\":\"b\"}}",
        request -> true);

    runTheReflectorForAMinute();

    assertEquals(millisOf(0, 800, 2400, 5600, 12000, 24800, 50400), listTimesInTheFirstMinute(),
        "one pause per such event, doubling from 0.8 s");
    assertEquals("watch of services in all namespaces brought an event that cannot be read: "
        + "its type is \"SYNCED\", not ADDED, MODIFIED, DELETED, BOOKMARK or ERROR",
        health.failure().orElseThrow());
  }

  @Test
  void aFailureOnlyTheReflectorSawWaitsThePauseOfAFailedCallOnce() throws Exception {
    CallGeneratorParams list = new CallGeneratorParams(false, "0", null);
    listerWatcher.list(list);
    // anything the reflector throws that no call or watch recorded (none is known today: the
    // watch words every event it cannot read first), told to its exception handler
    listerWatcher.reflectorFailed(new IllegalStateException("something the reflector met"));
    assertEquals("services in all namespaces failed: IllegalStateException: something the "
        + "reflector met", health.failure().orElseThrow());
    listerWatcher.list(list);
    listerWatcher.reflectorFailed(new IllegalStateException("something the reflector met"));
    listerWatcher.list(list);
    listerWatcher.list(list);

    assertEquals(millisOf(0, 800, 2400, 2400), listTimes.stream().map(Duration::ofNanos)
        .toList(), "the ticker at each list: a pause after each failure, doubling, once each");
    assertEquals(Optional.empty(), health.failure(), "a list that works clears it");
  }
}
