package io.promcc.app.events;

import static io.promcc.app.events.RejectedServices.rejecting;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.Selector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Events published against the Kubernetes API fake: bounded calls, and the access they need. */
class ServiceEventsPublishTest {

  private static List<com.google.gson.JsonObject> events(FakeKubeApi fake, String namespace) {
    return fake.store().list(ApiResource.EVENTS, namespace, Selector.everything(),
        Selector.everything());
  }

  /**
   * A Service rejected, its Event published; the API server drops the Event after its TTL (an
   * hour by default; deleted here); the Service is fixed, then broken again the same way: its
   * owner gets an Event again.
   */
  @Test
  void aRejectionThatComesBackAfterItsEventIsGoneGetsAnEventAgain() {
    try (FakeKubeApi fake = FakeKubeApi.start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.empty(), "test", Clock.systemUTC(), 60)) {
      events.offer(rejecting("a/master"));
      Poll.until(Duration.ofSeconds(30), "the first event", () -> events(fake, "a").size() == 1);
      // c's Event, published after a's by the same worker, marks the end of a's
      events.offer(rejecting("a/master", "c/master"));
      Poll.until(Duration.ofSeconds(30), "the event of c", () -> events(fake, "c").size() == 1);
      String name = events(fake, "a").get(0).getAsJsonObject("metadata").get("name")
          .getAsString();
      fake.store().delete(ApiResource.EVENTS, "a", name); // expired

      events.offer(rejecting()); // fixed
      // broken again; b's Event, published after a's by the same worker, marks the end
      events.offer(rejecting("a/master", "b/master"));
      Poll.until(Duration.ofSeconds(30), "the event of b", () -> events(fake, "b").size() == 1);

      assertEquals(1, events(fake, "a").size(), "the Service rejected again has no Event");
    }
  }

  /**
   * More rejections than the rate allows at once: the rest are published as the window allows,
   * without waiting for another reconcile (one comes at least every resync, 5 minutes, when
   * nothing changes: 1,000 rejected Services took over an hour to hear of it, and the API
   * server drops Events after one).
   */
  @Test
  void rejectionsOverTheRateArePublishedAsTheRateAllowsWithoutAnotherReconcile() {
    try (FakeKubeApi fake = FakeKubeApi.start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.empty(), "test", Clock.systemUTC(), 2, Duration.ofMillis(200))) {
      events.offer(rejecting("a/master", "b/master", "c/master", "d/master", "e/master"));

      Poll.until(Duration.ofSeconds(30), "every rejected Service's event", () -> List.of("a", "b",
          "c", "d", "e").stream().allMatch(namespace -> events(fake, namespace).size() == 1));
      assertEquals(5, eventPosts(fake));
    }
  }

  /** What the reconciler returns when a source is not synced: it saw nothing at all. */
  private static ReconcileResult sourceNotReady() {
    return new ReconcileResult(Outcome.SOURCE_NOT_READY, "services not synced; nothing was "
        + "changed", Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(),
        new TreeMap<>(), List.of(), List.of(), new TreeMap<>(), false, false, false,
        Optional.empty(), new TreeMap<>());
  }

  /**
   * A reconcile that observed nothing (a watch broke, the source not synced) says nothing about
   * the rejections: a rejection still there afterwards is the one already published, and must
   * not take the Event budget from a Service rejected for the first time.
   */
  @Test
  void aReconcileThatSawNothingDoesNotMakePublishedRejectionsNewAgain() {
    io.promcc.core.testing.MutableClock clock = io.promcc.core.testing.MutableClock.startingNow();
    List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(
        ServiceEvents.class.getName());
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        logged.add(String.valueOf(record.getMessage()));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(handler);
    try (FakeKubeApi fake = FakeKubeApi.start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.empty(), "test", clock, 1)) {
      events.offer(rejecting("a/master"));
      // logged once the publisher has remembered it
      Poll.until(Duration.ofSeconds(30), "the event of a", () -> logged.stream()
          .anyMatch(line -> line.contains("on service a/master")));
      clock.advance(Duration.ofMinutes(2)); // a new minute: one Event may go out

      events.offer(sourceNotReady());
      events.offer(rejecting("a/master", "b/master")); // a unchanged, b new

      Poll.until(Duration.ofSeconds(10), "the event of b (a's is published already)",
          () -> events(fake, "b").size() == 1);
    } finally {
      logger.removeHandler(handler);
    }
  }

  /** A publisher that has sent the Event of one rejected Service to {@code fake}. */
  private static ServiceEvents publishingOne(FakeKubeApi fake) {
    ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
        id -> Optional.empty(), "test", Clock.systemUTC(), 60);
    events.offer(rejecting("ns1/master"));
    Poll.until(Duration.ofSeconds(30), "the event POST arrives",
        () -> fake.requestCount(r -> r.isFor(ApiResource.EVENTS)) >= 1);
    return events;
  }

  private static boolean workerAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("promcc-service-events") && t.isAlive());
  }

  @Test
  void anEventCallTheApiServerNeverAnswersEndsAndCloseEndsTheWorker() throws Exception {
    try (FakeKubeApi fake = FakeKubeApi.start()) {
      fake.faults().delay(Duration.ofMinutes(5), r -> r.isFor(ApiResource.EVENTS));
      ServiceEvents events = publishingOne(fake);

      events.close();

      try {
        // the call's own bound (10 s) ends it; an unbounded call never would
        Poll.until(Duration.ofSeconds(60), "the worker to leave the event POST after close()",
            () -> !workerAlive());
      } finally {
        fake.faults().clear();
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theRbacManifestGrantsExactlyTheEventAccessUsed() throws IOException {
    Set<String> used = new TreeSet<>();
    try (FakeKubeApi fake = FakeKubeApi.start()) {
      ServiceEvents events = publishingOne(fake);
      events.close();
      for (FakeRequest r : fake.requests()) {
        if (r.isFor(ApiResource.EVENTS)) {
          String group = r.path().startsWith("/api/") ? "" : r.path().split("/")[2];
          used.add(group + ":" + switch (r.method()) {
            case "POST" -> "create";
            case "PATCH" -> "patch";
            case "PUT" -> "update";
            default -> r.method();
          });
        }
      }
    }
    Set<String> granted = new TreeSet<>();
    String manifest = Files.readString(Path.of("..", "deploy", "rbac.yaml"));
    for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(manifest)) {
      Map<String, Object> doc = (Map<String, Object>) document;
      if (!String.valueOf(doc.get("kind")).endsWith("Role")) {
        continue;
      }
      for (Map<String, Object> rule : (List<Map<String, Object>>) doc.get("rules")) {
        if (((List<String>) rule.get("resources")).contains("events")) {
          for (String group : (List<String>) rule.get("apiGroups")) {
            for (String verb : (List<String>) rule.get("verbs")) {
              granted.add(group + ":" + verb);
            }
          }
        }
      }
    }
    assertEquals(used, granted, "event access granted by deploy/rbac.yaml against used");
  }

  /**
   * A reconcile that fails after observing (a base config made invalid) still carries the
   * rejections it saw, and they are published; such an Event is sent once, not again by every
   * later failed reconcile (a 409 each time, taking the budget of a Service rejected anew).
   */
  @Test
  void anEventPublishedFromAFailedReconcileIsNotSentAgainByTheNext() {
    try (FakeKubeApi fake = FakeKubeApi.start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.empty(), "test", Clock.systemUTC(), 60)) {
      events.offer(rejecting()); // running fine, nothing rejected
      events.offer(failed(rejecting("a/master"))); // the base config broken; a rejected meanwhile
      Poll.until(Duration.ofSeconds(30), "a's event", () -> eventPosts(fake) == 1);

      // the next reconcile fails the same way; b's Event, published after a's, marks its end
      events.offer(failed(rejecting("a/master", "b/master")));
      Poll.until(Duration.ofSeconds(30), "b's event", () -> events(fake, "b").size() == 1);

      assertEquals(2, eventPosts(fake), "a's Event was sent again");
    }
  }

  private static ReconcileResult failed(ReconcileResult observed) {
    return new ReconcileResult(Outcome.FAILED, "base config invalid", Optional.empty(),
        Optional.empty(), List.of(), List.of(), List.of(), new TreeMap<>(), List.of(),
        observed.rejected(), new TreeMap<>(), false, false, false, Optional.empty(),
        new TreeMap<>());
  }

  private static long eventPosts(FakeKubeApi fake) {
    return fake.requestCount(r -> r.isFor(ApiResource.EVENTS) && r.method().equals("POST"));
  }
}
