package io.promcc.app.events;

import static io.promcc.app.events.RejectedServices.rejecting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An Event call under way when the publisher is closed (promcc stopping): the close ends it,
 * and what the close did is not the API server's failure. The worker, interrupted by the close
 * in its call, logged "cannot publish event ...: no answer: InterruptedIOException: interrupted"
 * as a warning and counted it once the call ended, after {@code close()} had returned: into the
 * log of whatever came next (a test's capture of this class's log, which then saw a warning
 * more than its own).
 */
class ServiceEventsCloseTest {
  private static final Duration WAIT = Duration.ofSeconds(60);


  private static boolean workerAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("promcc-service-events") && t.isAlive());
  }

  @Test
  void aCallUnderWayWhenClosedIsNeitherLoggedNorCounted() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<EventFailureCount.Kind> counted = new CopyOnWriteArrayList<>();
    try (LogCapture log = LogCapture.of(ServiceEvents.class)) {
      try (FakeKubeApi fake = FakeKubeApi.builder().onRequest(request -> {
        if (request.method().equals("POST")
            && request.path().equals("/api/v1/namespaces/a/events")) {
          held.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }).start()) {
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.empty(), service -> Optional.empty(), "test", Clock.systemUTC(), 60,
            Duration.ofMinutes(1), counted::add);
        events.offer(rejecting("a/master", "b/master", "c/master"));
        assertTrue(held.await(30, TimeUnit.SECONDS), "a's Event was never sent");
        // as promcc stops: the publisher first, then the API server goes away under its call
        events.close();
      } finally {
        release.countDown();
      }
      Poll.until(WAIT, "the worker to end after close()", () -> !workerAlive());

      assertEquals(List.of(), log.lines().stream()
          .filter(line -> line.startsWith("WARNING")).toList(), "nothing the close did is the "
          + "api server's failure");
      assertEquals(List.of(), counted, "nothing counted as not taken");
    }
  }
}
