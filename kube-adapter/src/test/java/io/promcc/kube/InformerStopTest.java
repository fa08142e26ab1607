package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.promcc.core.port.Sleeper;
import io.promcc.kube.fake.Faults;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Stopping an informer is no failure of it: the watch it closes and the pause it interrupts
 * record nothing, no failure (a log line, a metric, a source not ready) and no pause. Time is a
 * ticker only the sleeper moves.
 */
class InformerStopTest extends ServiceWatchFixture {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private String list() throws ApiException {
    return listerWatcher.list(new CallGeneratorParams(false, "", null)).getMetadata()
        .getResourceVersion();
  }

  @Test
  void aWatchClosedByAStopIsNoFailure() throws Exception {
    Watchable<V1Service> watch = listerWatcher.watch(new CallGeneratorParams(true, list(), 300));
    // stopping the informer closes the watch the reflector reads (on its own thread; here after
    // the close, so the read certainly meets a closed watch)
    watch.close();
    try {
      assertFalse(watch.hasNext(), "a closed watch has no more");
    } catch (RuntimeException closed) {
      // what a closed watch throws: the reflector returns
    }

    assertEquals(Optional.empty(), health.failure(), "a stop is no failure of the informer");
    list();
    assertEquals(List.of(), List.copyOf(pauses), "and no pause before the next list");
  }

  @Test
  void aPauseInterruptedByAStopIsNoFailure() throws Exception {
    // every watch ends at once: the second waits a pause (1 s), no failure yet
    fake.faults().endWatchesAtOnce(Faults.ALWAYS, request -> true);
    AtomicReference<Thread> reflector = new AtomicReference<>();
    CountDownLatch pausing = new CountDownLatch(1);
    Sleeper untilInterrupted = duration -> {
      reflector.set(Thread.currentThread());
      pausing.countDown();
      // bounded: stopping the informer interrupts its reflector's thread long before
      new CountDownLatch(1).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    };
    TrackedInformer<V1Service, V1ServiceList> informer = informer(() -> { }, untilInterrupted);
    informer.start();
    assertTrue(pausing.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "a pause began");

    informer.stop();
    // the reflector's thread ends once the reflector gave up its run: its failure told, if any
    reflector.get().join(WAIT.toMillis());
    assertFalse(reflector.get().isAlive(), "the reflector's thread ended");
    assertEquals(Optional.empty(), informer.failure(), "a stop is no failure of the informer");
  }
}
