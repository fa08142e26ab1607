package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.promcc.kube.fake.FakeKubeApi;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a watch that fails on what the server sent is worded in the informer's failure: plainly,
 * with what the server said, and nothing it did not ("http status 0").
 */
class WatchFailureWordingTest {
  private static final String WATCH = "watch of services in all namespaces";

  private final InformerHealth health = new InformerHealth(() -> { });
  private FakeKubeApi fake;
  private TrackedListerWatcher<V1Service, V1ServiceList> listerWatcher;

  @BeforeEach
  void start() {
    fake = FakeKubeApi.builder().bookmarkInterval(Duration.ofHours(1)).start();
    CoreV1Api api = new CoreV1Api(fake.newClient());
    listerWatcher = new TrackedListerWatcher<>(api.getApiClient(),
        ServiceCalls.inAllNamespaces(api), V1Service.class, V1ServiceList.class,
        "services in all namespaces", health, WatchSettings.defaults(), () -> 0L,
        duration -> { }, new ManualLater(() -> 0L));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

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

  /** The failure recorded once the reflector has read the watch's one line. */
  private Optional<String> failureAfterTheLine(String line) throws Exception {
    fake.faults().sendLineOnNewWatches(1, line, request -> true);
    return failureAfterTheEvent(null, null);
  }

  @Test
  void anEventWithoutATypeIsWordedPlainly() throws Exception {
    assertEquals(Optional.of(WATCH + " brought an event that cannot be read: it has no type"),
        failureAfterTheLine("{\"object\":{\"kind\":\"Service\",\"apiVersion\":\"v1\"}}"));
  }

  @Test
  void aLineThatIsNoJsonObjectIsWordedPlainly() throws Exception {
    assertEquals(Optional.of(WATCH + " brought an event that cannot be read: it is no json "
        + "object"), failureAfterTheLine("not json"));
  }

  @Test
  void anEventWithoutAnObjectIsWordedPlainly() throws Exception {
    assertEquals(Optional.of(WATCH + " brought an event that cannot be read: it has no object"),
        failureAfterTheLine("{\"type\":\"ADDED\"}"));
  }

  @Test
  void anEventWhoseObjectHasNoMetadataIsWordedPlainly() throws Exception {
    // client-java's reflector throws a NullPointerException reading it
    assertEquals(Optional.of(WATCH + " brought an event that cannot be read: its object has no "
        + "metadata"), failureAfterTheEvent("ADDED",
            "{\"kind\":\"Service\",\"apiVersion\":\"v1\"}"));
  }

  @Test
  void anEventWhoseObjectCannotBeReadSaysWhere() throws Exception {
    assertEquals(Optional.of(WATCH + " brought an event that cannot be read: its object cannot be "
        + "read: Expected BEGIN_OBJECT but was STRING at path $.metadata"),
        failureAfterTheEvent("ADDED", "{\"kind\":\"Service\",\"metadata\":\"x\"}"));
  }
}
