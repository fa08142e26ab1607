package io.promcc.app.events;

import static io.promcc.app.events.RejectedServices.rejecting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.Selector;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Events the API server refuses: for good (RBAC without {@code create events}: 403; a namespace
 * being deleted; an invalid Event: 422), or for now (5xx, 429, no answer). Neither is tried
 * again at the rate's full pace: a refused Event waits minutes, a failed one a backoff, and
 * neither takes the budget of the other Services' Events. A kind of failure is logged once,
 * then at most every ten minutes.
 */
class ServiceEventsRefusedTest {
  private static final Duration WAIT = Duration.ofSeconds(30);


  private static Predicate<FakeRequest> eventsIn(String... namespaces) {
    Set<String> paths = Set.copyOf(Arrays.stream(namespaces)
        .map(namespace -> "/api/v1/namespaces/" + namespace + "/events").toList());
    return request -> request.method().equals("POST") && paths.contains(request.path());
  }

  private static long posts(FakeKubeApi fake, String... namespaces) {
    return fake.requestCount(eventsIn(namespaces));
  }

  private static boolean published(FakeKubeApi fake, String namespace) {
    return fake.store().list(ApiResource.EVENTS, namespace, Selector.everything(),
        Selector.everything()).size() == 1;
  }

  private static long warnings(LogCapture log) {
    return log.lines().stream().filter(line -> line.startsWith("WARNING")).count();
  }

  /**
   * More refused Events than the rate allows a window: they took the whole budget every window,
   * 60 calls and 60 warnings a minute for as long as the refusals lasted, and the Services after
   * them never got their Event.
   */
  @Test
  void refusedEventsAreNotTriedAgainEachWindowNorTakeTheBudgetOfOthers() {
    try (LogCapture log = LogCapture.of(ServiceEvents.class);
        FakeKubeApi fake = FakeKubeApi.start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.empty(), "test", Clock.systemUTC(), 2, Duration.ofMillis(200))) {
      fake.faults().forbid(Faults.ALWAYS, eventsIn("a", "b", "c"));

      events.offer(rejecting("a/master", "b/master", "c/master", "z/master"));

      Poll.until(WAIT, "the event of z", () -> published(fake, "z"));
      assertEquals(3, posts(fake, "a", "b", "c"), "each refused Event tried once");
      assertEquals(1, warnings(log), String.join("\n", log.lines()));
    }
  }

  /**
   * A refused Event is tried again after five minutes, then after ten, ...; the refusal is not
   * logged again within ten minutes of the last time it was, and then with how many followed.
   */
  @Test
  void aRefusedEventIsTriedAgainMinutesLaterAndItsKindLoggedAtMostEveryTenMinutes() {
    MutableClock clock = MutableClock.startingNow();
    try (LogCapture log = LogCapture.of(ServiceEvents.class);
        FakeKubeApi fake = FakeKubeApi.start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.empty(), "test", clock, 60)) {
      fake.faults().forbid(Faults.ALWAYS, eventsIn("a", "b"));
      events.offer(rejecting("a/master", "z/master"));
      Poll.until(WAIT, "the event of z", () -> published(fake, "z"));

      clock.advance(Duration.ofMinutes(4)); // another reconcile, the refusal still held
      events.offer(rejecting("a/master", "b/master", "z/master", "y/master"));
      Poll.until(WAIT, "the event of y", () -> published(fake, "y"));
      assertEquals(1, posts(fake, "a"), "a's Event tried again within five minutes");
      assertEquals(1, posts(fake, "b"));
      assertEquals(1, warnings(log), "the second 403 logged: " + log.lines());

      clock.advance(Duration.ofMinutes(7)); // 11 minutes after a's first refusal
      events.offer(rejecting("a/master", "b/master", "z/master", "y/master", "x/master"));
      Poll.until(WAIT, "the event of x", () -> published(fake, "x"));
      assertEquals(2, posts(fake, "a"));
      assertEquals(2, posts(fake, "b"));
      List<String> warned = log.lines().stream().filter(line -> line.startsWith("WARNING"))
          .toList();
      String refused = "WARNING cannot publish event InvalidApiServer on service a/master: "
          + "status 403: events is forbidden: User \"system:anonymous\" cannot create resource "
          + "\"events\" in API group \"\" in the namespace \"a\"";
      assertEquals(List.of(refused + " (tried again in 5m; refused events are logged at most "
          + "every 10m per status)", refused + " (tried again in 10m; refused events are logged "
          + "at most every 10m per status, 1 more with status 403 since the last such line)"),
          warned);
    }
  }

  /**
   * Each attempt the API server did not take is counted by its kind (a 403 refused, a 503
   * failed), so refused Events show on a dashboard; a published Event counts nothing.
   */
  @Test
  void eachEventNotTakenIsCountedByItsKind() {
    List<EventFailureCount.Kind> counted = new CopyOnWriteArrayList<>();
    try (FakeKubeApi fake = FakeKubeApi.start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.empty(), service -> Optional.empty(), "test", Clock.systemUTC(), 60,
            Duration.ofMinutes(1), counted::add)) {
      fake.faults().forbid(Faults.ALWAYS, eventsIn("a"));
      fake.faults().fail(1, 503, eventsIn("b"));
      events.offer(rejecting("a/master", "b/master", "z/master"));
      Poll.until(WAIT, "the event of z", () -> published(fake, "z"));
      Poll.until(WAIT, "two failures counted", () -> counted.size() >= 2);

      assertEquals(List.of(EventFailureCount.Kind.REFUSED, EventFailureCount.Kind.FAILED),
          counted.stream().sorted().toList());
    }
  }

  @Test
  void onlyAnswersTryingAgainSoonCannotChangeAreRefusalsForGood() {
    for (int status : new int[] {400, 403, 404, 405, 410, 413, 422}) {
      assertTrue(EventFailures.refusedForGood(status), "status " + status);
    }
    for (int status : new int[] {0, 401, 408, 429, 500, 502, 503, 504}) {
      assertFalse(EventFailures.refusedForGood(status), "status " + status);
    }
  }

  /** A 503 (or 5xx, 429, no answer) is tried again after a backoff, not at the next offer. */
  @Test
  void anEventTheServerFailedIsTriedAgainAfterABackoff() {
    MutableClock clock = MutableClock.startingNow();
    try (FakeKubeApi fake = FakeKubeApi.start();
        ServiceEvents events = new ServiceEvents(fake.newClient(), Optional.empty(),
            id -> Optional.empty(), "test", clock, 60)) {
      fake.faults().fail(2, 503, eventsIn("a"));
      events.offer(rejecting("a/master", "z/master"));
      Poll.until(WAIT, "the event of z", () -> published(fake, "z"));

      events.offer(rejecting("a/master", "z/master", "y/master"));
      Poll.until(WAIT, "the event of y", () -> published(fake, "y"));
      assertEquals(1, posts(fake, "a"), "a's Event tried again at once");

      clock.advance(Duration.ofSeconds(10));
      events.offer(rejecting("a/master", "z/master", "y/master", "x/master"));
      Poll.until(WAIT, "the event of x", () -> published(fake, "x"));
      assertEquals(2, posts(fake, "a"), "a's Event not tried again after 10 s");

      clock.advance(Duration.ofSeconds(19)); // the backoff doubled: 20 s
      events.offer(rejecting("a/master", "z/master", "y/master", "x/master", "w/master"));
      Poll.until(WAIT, "the event of w", () -> published(fake, "w"));
      assertEquals(2, posts(fake, "a"), "a's Event tried again within 20 s");

      clock.advance(Duration.ofSeconds(1));
      events.offer(rejecting("a/master", "z/master", "y/master", "x/master", "w/master"));
      Poll.until(WAIT, "the event of a", () -> published(fake, "a"));
      assertEquals(3, posts(fake, "a"));
    }
  }
}
