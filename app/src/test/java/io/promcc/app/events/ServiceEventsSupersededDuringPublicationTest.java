package io.promcc.app.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.Selector;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A result that a newer one replaces while its Events are being published (each Event is one
 * call to the API server, up to 10 s each) stops publishing: the newer result says a Service was
 * fixed meanwhile, and that Service gets no Warning Event for the problem it no longer has.
 */
class ServiceEventsSupersededDuringPublicationTest {
  /** A result in which the clusters {@code ids} wait for their certificates. */
  private static ReconcileResult waiting(String... ids) {
    return new ReconcileResult(Outcome.UNCHANGED, "", Optional.empty(), Optional.empty(),
        java.util.List.of(), java.util.List.of(), java.util.List.of(), new TreeMap<>(),
        Arrays.stream(ids).map(id -> new Rejection(id, "certificate-missing",
            "no certificate for " + id + " yet")).toList(),
        java.util.List.of(), new TreeMap<>(), true, false, false, Optional.empty(),
        new TreeMap<>());
  }

  private static int events(FakeKubeApi fake, String namespace) {
    return fake.store().list(ApiResource.EVENTS, namespace, Selector.everything(),
        Selector.everything()).size();
  }

  @Test
  void aServiceFixedWhileAnOlderResultIsPublishedGetsNoEventFromIt() throws Exception {
    CountDownLatch firstCallHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean held = new AtomicBoolean();
    // the API server is slow with the first Event (c0's): the publisher waits on that call
    FakeKubeApi.Builder api = FakeKubeApi.builder().onRequest(request -> {
      if (request.method().equals("POST") && request.path().equals("/api/v1/namespaces/c0/events")
          && held.compareAndSet(false, true)) {
        firstCallHeld.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    // the Service of cluster X is X/master
    try (FakeKubeApi fake = api.start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.of(id.value() + "/master"), "replica-a", Clock.systemUTC(), 60)) {
      try {
        events.offer(waiting("c0", "c1")); // c0 and c1 wait for their certificates
        assertTrue(firstCallHeld.await(30, TimeUnit.SECONDS), "c0's Event was never sent");

        // the next reconcile, while c0's Event is on its way: c1 got its certificate, c9 waits
        events.offer(waiting("c0", "c9"));
        release.countDown();

        // the newest result is published after the older one's publication has ended (one
        // worker): c9's Event marks that end
        Poll.until(Duration.ofSeconds(30), "the Event of c9", () -> events(fake, "c9") == 1);
        assertEquals(0, events(fake, "c1"), "c1 got a Warning Event for waiting for its "
            + "certificate after the newer result, offered before that Event was sent, said it "
            + "has one");
        assertEquals(1, events(fake, "c0"));
      } finally {
        release.countDown();
      }
    }
  }
}
