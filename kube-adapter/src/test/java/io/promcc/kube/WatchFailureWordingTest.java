package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How a watch that fails on what the server sent is worded in the informer's failure: plainly,
 * with what the server said, and nothing it did not ("http status 0").
 */
class WatchFailureWordingTest extends ServiceWatchFixture {
  private static final String WATCH = "watch of " + DESCRIPTION;

  /** The failure recorded once the reflector has read the watch's one event. */
  private Optional<String> failureAfterTheEvent(String type, String object) throws Exception {
    if (type != null) {
      fake.faults().sendOnNewWatches(1, type, object, request -> true);
    }
    String version = listerWatcher.list(new CallGeneratorParams(false, "", null)).getMetadata()
        .getResourceVersion();
    try (Watchable<V1Service> watch =
        listerWatcher.watch(new CallGeneratorParams(true, version, 300))) {
      assertTrue(watch.hasNext());
      watch.next();
    } catch (RuntimeException unreadable) {
      // the reflector gives the watch up
    }
    return health.failure();
  }

  @Test
  void anErrorEventWhoseStatusHasNoCodeSaysWhatItHas() throws Exception {
    assertEquals(Optional.of(WATCH + " ended with an error event (InternalError): etcd is down"),
        failureAfterTheEvent("ERROR", "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
            + "\"status\":\"Failure\",\"reason\":\"InternalError\",\"message\":\"etcd is down\"}"));
  }

  @Test
  void anErrorEventThatSaysNothingIsWordedSo() throws Exception {
    assertEquals(Optional.of(WATCH + " ended with an error event that names no error (no code, "
        + "reason or message)"), failureAfterTheEvent("ERROR", "{}"));
  }

  /** The failure of a watch that brought an event it cannot read, for {@code why}. */
  private static Optional<String> unreadable(String why) {
    return Optional.of(WATCH + " brought an event that cannot be read: " + why);
  }

  /** The failure recorded once the reflector has read the watch's one line. */
  private Optional<String> failureAfterTheLine(String line) throws Exception {
    fake.faults().sendLineOnNewWatches(1, line, request -> true);
    return failureAfterTheEvent(null, null);
  }

  @Test
  void anEventWithoutATypeIsWordedPlainly() throws Exception {
    assertEquals(unreadable("it has no type"), failureAfterTheLine(
        "{\"object\":{\"kind\":\"Service\",\"apiVersion\":\"v1\"}}"));
  }

  @Test
  void aLineThatIsNoJsonObjectIsWordedPlainly() throws Exception {
    assertEquals(unreadable("it is no json object"), failureAfterTheLine("not json"));
  }

  @Test
  void anEventWithoutAnObjectIsWordedPlainly() throws Exception {
    assertEquals(unreadable("it has no object"), failureAfterTheLine("{\"type\":\"ADDED\"}"));
  }

  @Test
  void anEventWhoseObjectHasNoMetadataIsWordedPlainly() throws Exception {
    // client-java's reflector throws a NullPointerException reading it
    assertEquals(unreadable("its object has no metadata"), failureAfterTheEvent("ADDED",
        "{\"kind\":\"Service\",\"apiVersion\":\"v1\"}"));
  }

  /**
   * client-go's watch decoder refuses a type it does not know ("got invalid watch event type")
   * and ends the watch with an error; client-java's reflector skipped it, and it counted as an
   * event through the watch, which starts the failure pause over.
   */
  @Test
  void anEventOfATypeNoWatchHasIsWordedAndFailsTheWatch() throws Exception {
    assertEquals(unreadable("its type is \"SYNCED\", not ADDED, MODIFIED, DELETED, BOOKMARK or "
        + "ERROR"), failureAfterTheEvent("SYNCED", "{\"kind\":\"Service\",\"apiVersion\":"
        + "\"v1\",\"metadata\":{\"name\":\"a\",\"namespace\":\"b\",\"resourceVersion\":"
        + "\"1\"}}"));
  }

  /**
   * A type longer than 64 characters is quoted cut, and the cut is marked ({@code ...}), so that
   * the failure does not name another type than the one sent.
   */
  @Test
  void aLongTypeIsQuotedCutAndMarkedSo() throws Exception {
    String type = "SYNCED".repeat(20);
    assertEquals(unreadable("its type is \"" + type.substring(0, 64) + "...\", not ADDED, "
        + "MODIFIED, DELETED, BOOKMARK or ERROR"), failureAfterTheEvent(type,
            "{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\","
            + "\"namespace\":\"b\",\"resourceVersion\":\"1\"}}"));
  }

  /**
   * A {@code Status} in an event of a type no watch has: the failure was recorded while the
   * reflector, which skips such an event, read on through a watch then seen as closed, so an
   * event after it did not make the source ready; the watch is given up instead.
   */
  @Test
  void aStatusInAnEventOfATypeNoWatchHasGivesTheWatchUp() throws Exception {
    fake.faults().sendOnNewWatches(1, "SYNCED", "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
        + "\"status\":\"Failure\",\"reason\":\"InternalError\",\"message\":\"etcd is down\"}",
        request -> true);
    String version = listerWatcher.list(new CallGeneratorParams(false, "", null)).getMetadata()
        .getResourceVersion();
    try (Watchable<V1Service> watch =
        listerWatcher.watch(new CallGeneratorParams(true, version, 300))) {
      assertTrue(watch.hasNext());
      assertThrows(RuntimeException.class, watch::next);
    }
    assertEquals(unreadable("its type is \"SYNCED\", not ADDED, MODIFIED, DELETED, BOOKMARK or "
        + "ERROR"), health.failure());
  }

  /**
   * What an API server sends is no failure: a bookmark, whose object has only a resourceVersion
   * (and, ending a watch's initial events, an annotation), and the final state of a deleted
   * object.
   */
  @Test
  void aBookmarkAndADeletionAreNoFailure() throws Exception {
    assertEquals(Optional.empty(), failureAfterTheEvent("BOOKMARK", "{\"kind\":\"Service\","
        + "\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"12\",\"annotations\":"
        + "{\"k8s.io/initial-events-end\":\"true\"}}}"));
    assertEquals(Optional.empty(), failureAfterTheEvent("DELETED", "{\"kind\":\"Service\","
        + "\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\",\"namespace\":\"b\","
        + "\"resourceVersion\":\"13\",\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"}}"));
  }

  /** A Service whose one port's {@code port} is {@code port}, as JSON. */
  private static String serviceWithPort(String port) {
    return "{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\","
        + "\"namespace\":\"b\",\"resourceVersion\":\"1\"},\"spec\":{\"ports\":[{\"port\":"
        + port + ",\"targetPort\":\"https\"}]}}";
  }

  /**
   * An event whose object has a string, a fraction or a number out of range for an integer
   * field fails the watch, as client-go's decoder refuses it ("cannot unmarshal number 1.5 into
   * Go struct field ServicePort.spec.ports.port of type int32"), where Gson read "443" and 443.0
   * as 443, 1.5 as 1 and 2147483648 as -2147483648; an integer, and a targetPort's string, are
   * no failure.
   */
  @Test
  void anEventWithNoIntegerForAnIntegerFieldFailsTheWatch() throws Exception {
    assertEquals(Optional.empty(), failureAfterTheEvent("ADDED", serviceWithPort("443")));
    assertEquals(unreadable("its object cannot be read: Expected an int32 but was STRING at "
        + "path $.spec.ports[0].port"), failureAfterTheEvent("ADDED", serviceWithPort("\"443\"")));
    for (String number : List.of("443.0", "1.5", "4.43e2", "2147483648")) {
      assertEquals(unreadable("its object cannot be read: Expected an int32 but was NUMBER "
          + number + " at path $.spec.ports[0].port"),
          failureAfterTheEvent("MODIFIED", serviceWithPort(number)), number);
    }
  }

  /**
   * An event whose object has a number or a boolean for a string field (a resourceVersion, a
   * label's value), or a string for a boolean field, fails the watch, as client-go's decoder
   * refuses it ("cannot unmarshal number into Go struct field
   * ObjectMeta.metadata.resourceVersion of type string"), where Gson read 1 as "1" and "true"
   * as true.
   */
  @Test
  void anEventWithNoStringForAStringFieldOrNoBooleanForABooleanFieldFailsTheWatch()
      throws Exception {
    String service = serviceWithPort("443");
    assertEquals(unreadable("its object cannot be read: Expected a string but was NUMBER at "
        + "path $.metadata.resourceVersion"), failureAfterTheEvent("ADDED",
            service.replace("\"resourceVersion\":\"1\"", "\"resourceVersion\":1")));
    assertEquals(unreadable("its object cannot be read: Expected a string but was BOOLEAN at "
        + "path $.metadata.labels.k"), failureAfterTheEvent("MODIFIED", service.replace(
            "\"name\":\"a\",", "\"name\":\"a\",\"labels\":{\"k\":true},")));
    assertEquals(unreadable("its object cannot be read: Expected a boolean but was STRING at "
        + "path $.spec.publishNotReadyAddresses"), failureAfterTheEvent("MODIFIED",
            service.replace("\"spec\":{", "\"spec\":{\"publishNotReadyAddresses\":\"true\",")));
  }

  /**
   * An event whose object has a number or text that is no time in a time field fails the watch,
   * worded with where it is, as client-go's decoder refuses it, where client-java's reader's
   * DateTimeParseException was named as it was ("Text '5' could not be parsed at index 0").
   */
  @Test
  void anEventWithNoTimeForATimeFieldFailsTheWatchSayingWhere() throws Exception {
    String service = serviceWithPort("443").replace("\"name\":\"a\",",
        "\"name\":\"a\",\"creationTimestamp\":\"2024-01-02T03:04:05Z\",");
    assertEquals(Optional.empty(), failureAfterTheEvent("ADDED", service));
    assertEquals(unreadable("its object cannot be read: Expected a time string but was NUMBER "
        + "at path $.metadata.creationTimestamp"), failureAfterTheEvent("MODIFIED",
            service.replace("\"2024-01-02T03:04:05Z\"", "5")));
    assertEquals(unreadable("its object cannot be read: Expected an RFC 3339 time but was a "
        + "STRING that is none (from its character 0 on) at path $.metadata.creationTimestamp"),
        failureAfterTheEvent("MODIFIED", service.replace("2024-01-02T03:04:05Z", "yesterday")));
  }

  @Test
  void anEventWhoseObjectCannotBeReadSaysWhere() throws Exception {
    assertEquals(unreadable("its object cannot be read: Expected BEGIN_OBJECT but was STRING at "
        + "path $.metadata"),
        failureAfterTheEvent("ADDED", "{\"kind\":\"Service\",\"metadata\":\"x\"}"));
  }
}
