package io.promcc.app.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A result offered while an older one's Events go out (each Event is one call to the API server,
 * up to 10 s): one that saw the sources stops the older publication (a Service it says was fixed
 * meanwhile gets no Warning Event for its old problem). One that did not (a failed reconcile)
 * names no waiting cluster: the Events of the last complete result's waiting clusters still go
 * out, however the publisher comes to them (a publication under way, the queue, the rate limit's
 * next window); its rejections, those of its observation, are as recent as any, so a Service
 * fixed since the last complete result gets no Event for its old problem.
 */
class ServiceEventsSupersededTest {
  private final CountDownLatch firstCallHeld = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicBoolean held = new AtomicBoolean();

  @AfterEach
  void releaseTheCall() {
    release.countDown();
  }

  /** An API server slow with the first Event of c0: the publisher waits on that call. */
  private FakeKubeApi slowWithTheFirstEventOfC0() {
    return FakeKubeApi.builder().onRequest(request -> {
      if (request.method().equals("POST") && request.path().equals("/api/v1/namespaces/c0/events")
          && held.compareAndSet(false, true)) {
        firstCallHeld.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }).start();
  }

  /** The Service of cluster X is X/master. */
  private static ServiceEvents events(FakeKubeApi fake) {
    return new ServiceEvents(fake.newClient(), Optional.empty(),
        id -> Optional.of(id.value() + "/master"), "replica-a", Clock.systemUTC(), 60);
  }

  private static ReconcileResult result(Outcome outcome, List<Rejection> waiting,
      List<Rejection> rejected) {
    return new ReconcileResult(outcome, outcome == Outcome.FAILED ? "cannot write" : "",
        Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), new TreeMap<>(),
        waiting, rejected, new TreeMap<>(), outcome != Outcome.FAILED, false, false,
        Optional.empty(), new TreeMap<>());
  }

  /** A complete result in which the clusters {@code ids} wait for their certificates. */
  private static ReconcileResult waiting(String... ids) {
    return result(Outcome.UNCHANGED, List.of(ids).stream().map(id -> new Rejection(id,
        "certificate-missing", "no certificate for " + id + " yet")).toList(), List.of());
  }

  /** A rejection the cluster source made of Service {@code namespace/master}. */
  private static Rejection duplicate(String namespace) {
    return new Rejection("service \"" + namespace + "/master\"", "duplicate-cluster-id",
        "cluster id \"x\" of service \"" + namespace + "/master\" is already taken by service "
            + "\"z/master\"");
  }

  /** A refused API server of Service {@code namespace/master}, with {@code why}. */
  private static Rejection refused(String namespace, String why) {
    return new Rejection("service \"" + namespace + "/master\"", "api-server-refused",
        "api server of service \"" + namespace + "/master\" is refused: " + why);
  }

  private static int events(FakeKubeApi fake, String namespace) {
    return fake.store().list(ApiResource.EVENTS, namespace, Selector.everything(),
        Selector.everything()).size();
  }

  @Test
  void aServiceFixedWhileAnOlderResultIsPublishedGetsNoEventFromIt() throws Exception {
    try (FakeKubeApi fake = slowWithTheFirstEventOfC0();
        ServiceEvents events = events(fake)) {
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
    }
  }

  @Test
  void aFailedReconcileDoesNotStopTheEventsOfTheLastCompleteResult() throws Exception {
    try (FakeKubeApi fake = slowWithTheFirstEventOfC0();
        ServiceEvents events = events(fake)) {
      events.offer(waiting("c0", "c1"));
      assertTrue(firstCallHeld.await(30, TimeUnit.SECONDS), "c0's Event was never sent");

      // the next reconcile fails after the observation (it carries the observation's
      // rejections, c9's, and no waiting clusters): it says nothing about c1
      events.offer(result(Outcome.FAILED, List.of(),
          List.of(new Rejection("c9", "api-server-refused", "api server of c9 refused"))));
      release.countDown();

      Poll.until(Duration.ofSeconds(30), "the Event of c9", () -> events(fake, "c9") == 1);
      Poll.until(Duration.ofSeconds(10), "the Event of c1, which waits for its certificate in "
          + "the last complete result", () -> events(fake, "c1") == 1);
    }
  }

  private static ReconcileResult failed() {
    return result(Outcome.FAILED, List.of(), List.of());
  }

  @Test
  void aCompleteResultQueuedBehindASlowCallIsPublishedThoughAFailedReconcileFollows()
      throws Exception {
    try (FakeKubeApi fake = slowWithTheFirstEventOfC0();
        ServiceEvents events = events(fake)) {
      events.offer(waiting("c0"));
      assertTrue(firstCallHeld.await(30, TimeUnit.SECONDS), "c0's Event was never sent");
      // while c0's Event is on its way: a complete result (c1 waits too), queued behind it,
      // then a failed reconcile, which says nothing of c1
      events.offer(waiting("c0", "c1"));
      events.offer(failed());
      release.countDown();

      Poll.until(Duration.ofSeconds(10), "the Event of c1, which waits for its certificate in "
          + "the last complete result", () -> events(fake, "c1") == 1);
    }
  }

  @Test
  void eventsTheRateHeldBackFollowThoughTheReconcilesAfterFail() {
    MutableClock clock = MutableClock.startingNow(); // stands still: the window ends when moved
    // one Event a window; the drain is scheduled the window's rest (300 ms, the clock standing)
    try (LogCapture log = LogCapture.everythingOf(ServiceEvents.class);
        FakeKubeApi fake = FakeKubeApi.start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.of(id.value() + "/master"), "replica-a", clock, 1,
            Duration.ofMillis(300))) {
      events.offer(waiting("c0", "c1"));
      Poll.until(Duration.ofSeconds(30), "c0's Event, then the limit holding back c1's",
          () -> events(fake, "c0") == 1
              && log.messages().stream().anyMatch(line -> line.contains("event rate limit "
                  + "reached")));

      events.offer(failed()); // the next reconcile fails: it says nothing of c1
      clock.advance(Duration.ofMinutes(1)); // the window has passed: one more Event may go

      Poll.until(Duration.ofSeconds(10), "the Event of c1, which the rate held back and which "
          + "waits for its certificate in the last complete result", () -> events(fake, "c1") == 1);
    }
  }

  @Test
  void aServiceFixedBeforeAFailedReconcileGetsNoEventFromTheCompleteResultBefore()
      throws Exception {
    try (FakeKubeApi fake = slowWithTheFirstEventOfC0();
        ServiceEvents events = events(fake)) {
      // a complete result: the Services c0 and c1 are duplicates, cluster c8 waits for its
      // certificate; c0's Event is on its way (slow) when the next reconcile ends
      events.offer(result(Outcome.UNCHANGED,
          List.of(new Rejection("c8", "certificate-missing", "no certificate for c8 yet")),
          List.of(duplicate("c0"), duplicate("c1"))));
      assertTrue(firstCallHeld.await(30, TimeUnit.SECONDS), "c0's Event was never sent");

      // the next reconcile observed the Services (c1 was fixed: only c0 is still a duplicate)
      // and then failed to write the config: it carries the observation's rejections
      events.offer(result(Outcome.FAILED, List.of(), List.of(duplicate("c0"))));
      release.countDown();

      // c8's Event (the complete result's waiting cluster, which a failed result cannot speak
      // for) goes out after where c1's would
      Poll.until(Duration.ofSeconds(30), "the Event of c8", () -> events(fake, "c8") == 1);
      assertEquals(0, events(fake, "c1"), "Service c1/master got a Warning Event "
          + "\"DuplicateClusterId\" from the last complete result after a newer reconcile, which "
          + "observed the Services and carries their rejections, no longer had it (c1 was "
          + "fixed)");
      assertEquals(1, events(fake, "c0"));
    }
  }

  @Test
  void aRejectionWhoseMessageChangedBeforeAFailedReconcileGetsOnlyItsNewEvent() throws Exception {
    try (FakeKubeApi fake = slowWithTheFirstEventOfC0();
        ServiceEvents events = events(fake)) {
      events.offer(result(Outcome.UNCHANGED,
          List.of(new Rejection("c8", "certificate-missing", "no certificate for c8 yet")),
          List.of(duplicate("c0"), refused("c1", "host \"10.0.0.1\" is not allowed"))));
      assertTrue(firstCallHeld.await(30, TimeUnit.SECONDS), "c0's Event was never sent");

      // the next reconcile observed c1 with a new API server, refused for another reason, and
      // then failed to write the config
      events.offer(result(Outcome.FAILED, List.of(),
          List.of(duplicate("c0"), refused("c1", "scheme \"http\" is not allowed"))));
      release.countDown();

      Poll.until(Duration.ofSeconds(30), "the Event of c8", () -> events(fake, "c8") == 1);
      assertEquals(1, events(fake, "c1"), "Service c1/master got, besides the Event of its "
          + "current refusal, one for the refusal the newer reconcile no longer observed");
    }
  }
}
