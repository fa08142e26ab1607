package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.CallGenerator;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A watch that works again after watches that ended at once clears the failure recorded for
 * them, and only that one: a failure recorded since (by another call, or another thread between
 * the lister-watcher's check and its clear) stays until a call of its own works. The reflector is
 * played by the test, one call after the other, so each step is where the test puts it.
 */
class ShortWatchRecoveryTest {
  private static final String OTHER = "cannot list services in all namespaces: recorded since";

  private final AtomicLong ticker = new AtomicLong();
  private final InformerHealth health = new InformerHealth(() -> { });
  private FakeKubeApi fake;
  private TrackedListerWatcher<V1Service, V1ServiceList> listerWatcher;
  private String version;

  @BeforeEach
  void start() throws Exception {
    fake = FakeKubeApi.builder().bookmarkInterval(Duration.ofHours(1)).start();
    CoreV1Api api = new CoreV1Api(fake.newClient());
    CallGenerator calls = params -> api.listServiceForAllNamespaces()
        .resourceVersion(params.resourceVersion).watch(params.watch)
        .timeoutSeconds(params.timeoutSeconds).buildCall(null);
    listerWatcher = new TrackedListerWatcher<>(api.getApiClient(), calls, V1Service.class,
        V1ServiceList.class, "services in all namespaces", health, WatchSettings.defaults(),
        ticker::get, duration -> ticker.addAndGet(duration.toNanos()),
        new ManualLater(ticker::get));
    version = listerWatcher.list(new CallGeneratorParams(false, "0", null)).getMetadata()
        .getResourceVersion();
    fake.faults().endWatchesAtOnce(6, request -> true);
    for (int i = 0; i < 6; i++) {
      try (Watchable<V1Service> watch = watch()) {
        watch.forEach(event -> { });
      }
    }
    assertTrue(health.failure().orElseThrow().contains("ended at once with no event 6 times"),
        health.failure().toString());
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private Watchable<V1Service> watch() throws Exception {
    return listerWatcher.watch(new CallGeneratorParams(true, version, null));
  }

  /**
   * As the reflector after it took an event: asks for the next (which counts the event), here
   * with the watch ended so the test does not wait.
   */
  private void takeAndEnd(Watchable<V1Service> watch) {
    fake.faults().closeWatches();
    assertFalse(watch.hasNext());
  }

  /**
   * As the reflector after it took an event: asks for the next, here one more event so the
   * watch stays open (a watch that ends after an event clears the failure by its end too).
   */
  private void takeWithAnotherComing(Watchable<V1Service> watch) {
    fake.store().create(ApiResource.SERVICES, null, guest("two22"));
    assertTrue(watch.hasNext());
  }

  @Test
  void anEventClearsTheShortWatchFailure() throws Exception {
    try (Watchable<V1Service> watch = watch()) {
      fake.store().create(ApiResource.SERVICES, null, guest("one11"));
      assertTrue(watch.hasNext());
      watch.next();
      takeAndEnd(watch);
    }
    assertEquals(Optional.empty(), health.failure());
  }

  @Test
  void anEventClearsTheShortWatchFailureWhileItsWatchStaysOpen() throws Exception {
    try (Watchable<V1Service> watch = watch()) {
      fake.store().create(ApiResource.SERVICES, null, guest("one11"));
      assertTrue(watch.hasNext());
      watch.next();
      takeWithAnotherComing(watch);
      assertEquals(Optional.empty(), health.failure(), "the watch is still open");
    }
  }

  @Test
  void anEventLeavesAFailureRecordedSince() throws Exception {
    try (Watchable<V1Service> watch = watch()) {
      health.failed(OTHER);
      fake.store().create(ApiResource.SERVICES, null, guest("one11"));
      assertTrue(watch.hasNext());
      watch.next();
      takeAndEnd(watch);
    }
    assertEquals(Optional.of(OTHER), health.failure());
  }

  @Test
  void aWatchThatLastedLeavesAFailureRecordedSince() throws Exception {
    try (Watchable<V1Service> watch = watch()) {
      health.failed(OTHER);
      ticker.addAndGet(Duration.ofSeconds(2).toNanos());
      fake.faults().closeWatches();
      watch.forEach(event -> { });
    }
    assertEquals(Optional.of(OTHER), health.failure());
  }
}
