package io.promcc.app.events;

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
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A result that did not see the sources (a failed reconcile: the store cannot write, the config
 * cannot be planned) names no waiting cluster and says of no rejection that it went away: offered
 * while the last complete result's Events go out, it does not stop them, or a cluster waiting
 * for its certificate would get no Event while reconciles keep failing.
 */
class ServiceEventsPartialResultSupersedesTest {
  private static ReconcileResult result(Outcome outcome, List<Rejection> waiting,
      List<Rejection> rejected) {
    return new ReconcileResult(outcome, outcome == Outcome.FAILED ? "cannot write" : "",
        Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), new TreeMap<>(),
        waiting, rejected, new TreeMap<>(), outcome != Outcome.FAILED, false, false,
        Optional.empty(), new TreeMap<>());
  }

  private static Rejection waits(String id) {
    return new Rejection(id, "certificate-missing", "no certificate for " + id + " yet");
  }

  private static int events(FakeKubeApi fake, String namespace) {
    return fake.store().list(ApiResource.EVENTS, namespace, Selector.everything(),
        Selector.everything()).size();
  }

  @Test
  void aFailedReconcileDoesNotCutOffTheEventsOfTheLastCompleteResult() throws Exception {
    CountDownLatch firstCallHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean held = new AtomicBoolean();
    // the API server is slow with the first Event (c0's)
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
    try (FakeKubeApi fake = api.start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.of(id.value() + "/master"), "replica-a", Clock.systemUTC(), 60)) {
      try {
        // a complete reconcile: c0 and c1 wait for their certificates
        events.offer(result(Outcome.UNCHANGED, List.of(waits("c0"), waits("c1")), List.of()));
        assertTrue(firstCallHeld.await(30, TimeUnit.SECONDS), "c0's Event was never sent");

        // the next reconcile fails after the observation (it carries the observation's
        // rejections, c9's, and no waiting clusters): it says nothing about c1
        events.offer(result(Outcome.FAILED, List.of(),
            List.of(new Rejection("c9", "api-server-refused", "api server of c9 refused"))));
        release.countDown();

        // the failed result's publication has ended (one worker) once c9's Event is there
        Poll.until(Duration.ofSeconds(30), "the Event of c9", () -> events(fake, "c9") == 1);
        Poll.until(Duration.ofSeconds(10), "the Event of c1, which waits for its certificate "
            + "in the last complete result; the failed reconcile offered meanwhile cut its "
            + "publication off and does not name c1", () -> events(fake, "c1") == 1);
      } finally {
        release.countDown();
      }
    }
  }
}
