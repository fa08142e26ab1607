package io.promcc.app.events;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A result that did not see the sources (a failed reconcile) says nothing of the clusters the last
 * complete result names as waiting: their Events must still go out, whichever way the publisher
 * comes to the last complete result. It replaces that result in the publisher's queue (pending)
 * and as the one the rate limit's drain (and a takeover) publishes again, so those Events wait
 * for the next complete result, however long reconciles keep failing.
 */
class ServiceEventsLastCompleteResultTest {

  private static ReconcileResult result(Outcome outcome, List<Rejection> waiting) {
    return new ReconcileResult(outcome, outcome == Outcome.FAILED ? "cannot write" : "",
        Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), new TreeMap<>(),
        waiting, List.of(), new TreeMap<>(), outcome != Outcome.FAILED, false, false,
        Optional.empty(), new TreeMap<>());
  }

  /** A complete result in which the clusters {@code ids} wait for their certificates. */
  private static ReconcileResult waiting(String... ids) {
    return result(Outcome.UNCHANGED, List.of(ids).stream().map(id -> new Rejection(id,
        "certificate-missing", "no certificate for " + id + " yet")).toList());
  }

  private static ReconcileResult failed() {
    return result(Outcome.FAILED, List.of());
  }

  private static int events(FakeKubeApi fake, String namespace) {
    return fake.store().list(ApiResource.EVENTS, namespace, Selector.everything(),
        Selector.everything()).size();
  }

  @Test
  void aCompleteResultQueuedBehindASlowCallIsPublishedThoughAFailedReconcileFollows()
      throws Exception {
    CountDownLatch firstCallHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean held = new AtomicBoolean();
    try (FakeKubeApi fake = FakeKubeApi.builder().onRequest(request -> {
          if (request.method().equals("POST")
              && request.path().equals("/api/v1/namespaces/c0/events")
              && held.compareAndSet(false, true)) {
            firstCallHeld.countDown();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }).start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.of(id.value() + "/master"), "replica-a", Clock.systemUTC(), 60)) {
      events.offer(waiting("c0"));
      assertTrue(firstCallHeld.await(30, TimeUnit.SECONDS), "c0's Event was never sent");
      // while c0's Event is on its way (up to 10 s): a complete result (c1 waits too), queued
      // behind it, then a failed reconcile, which says nothing of c1
      events.offer(waiting("c0", "c1"));
      events.offer(failed());
      release.countDown();

      Poll.until(Duration.ofSeconds(10), "the Event of c1, which waits for its certificate in "
          + "the last complete result", () -> events(fake, "c1") == 1);
    } finally {
      release.countDown();
    }
  }

  @Test
  void eventsTheRateHeldBackFollowThoughTheReconcilesAfterFail() {
    MutableClock clock = MutableClock.startingNow(); // stands still: the window ends when moved
    List<String> logged = new CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger(ServiceEvents.class.getName());
    Level level = logger.getLevel();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(String.valueOf(record.getMessage()));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.setLevel(Level.ALL);
    logger.addHandler(handler);
    // one Event a window; the drain is scheduled the window's rest (300 ms, the clock standing)
    try (FakeKubeApi fake = FakeKubeApi.start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.of(id.value() + "/master"), "replica-a", clock, 1,
            Duration.ofMillis(300))) {
      events.offer(waiting("c0", "c1"));
      Poll.until(Duration.ofSeconds(30), "c0's Event, then the limit holding back c1's",
          () -> events(fake, "c0") == 1
              && logged.stream().anyMatch(line -> line.contains("event rate limit reached")));

      events.offer(failed()); // the next reconcile fails: it says nothing of c1
      clock.advance(Duration.ofMinutes(1)); // the window has passed: one more Event may go

      Poll.until(Duration.ofSeconds(10), "the Event of c1, which the rate held back and which "
          + "waits for its certificate in the last complete result", () -> events(fake, "c1") == 1);
    } finally {
      logger.removeHandler(handler);
      logger.setLevel(level);
    }
  }
}
