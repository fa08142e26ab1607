package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.promcc.core.testing.LogCapture;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Most tests step the elections by hand on a shared fake ticker (monotonic nanoseconds) against
 * the API fake: the timing rules are checked exactly, with no real-time waits. The "never two
 * leaders" check runs after every step and at every observation of the threaded tests, outside
 * any poll, so a violation fails the test at once.
 */
class LeaderElectionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NS = "monitoring";
  private static final String LEASE = "promcc-prometheus";
  // stepped tests run on the fake ticker, so these only set the arithmetic, and the retry
  // period (each call's deadline, in real time) can be one a busy machine always meets
  private static final Duration LEASE_DURATION = Duration.ofSeconds(60);
  private static final Duration RENEW_DEADLINE = Duration.ofSeconds(40);
  private static final Duration RETRY = Duration.ofSeconds(20);

  private FakeKubeApi fake;
  private final AtomicLong ticker = new AtomicLong(1_000_000_000L);
  private final List<LeaderElection> elections = new ArrayList<>();
  private final Map<String, List<String>> events = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() {
    fake = FakeKubeApi.start();
  }

  @AfterEach
  void tearDown() {
    elections.forEach(LeaderElection::close);
    events.values().forEach(LeaderElectionTest::assertAlternating);
    fake.close();
  }

  private ApiClient client(String identity) {
    ApiClient client = fake.newClient();
    // lets a fault rule pick this elector's requests
    client.setUserAgent(identity);
    try {
      // warm up classes and the TLS connection: lease calls have only a retry period to finish
      new VersionApi(client).getCode().execute();
    } catch (ApiException e) {
      throw new AssertionError(e);
    }
    return client;
  }

  private static LeaderElectionSettings settings(String identity) {
    return new LeaderElectionSettings(NS, LEASE, identity, LEASE_DURATION, RENEW_DEADLINE, RETRY);
  }

  /** An election stepped by the test on {@link #ticker}; never started. */
  private LeaderElection stepped(String identity) {
    return record(identity, new LeaderElection(client(identity), settings(identity),
        Clock.systemUTC(), ticker::get));
  }

  /** An election running on its own thread and the real monotonic clock. */
  private LeaderElection running(String identity, LeaderElectionSettings settings) {
    LeaderElection election = record(identity,
        new LeaderElection(client(identity), settings, Clock.systemUTC()));
    election.start();
    return election;
  }

  private LeaderElection record(String identity, LeaderElection election) {
    List<String> log = events.computeIfAbsent(identity, k -> new CopyOnWriteArrayList<>());
    election.addListener(new LeadershipListener() {
      @Override
      public void startedLeading() {
        log.add("started");
      }

      @Override
      public void stoppedLeading() {
        log.add("stopped");
      }
    });
    elections.add(election);
    return election;
  }

  private void advance(Duration by) {
    ticker.addAndGet(by.toNanos());
  }

  /** Steps each election in turn, checking mutual exclusion after every step. */
  private void stepAll(LeaderElection... all) {
    for (LeaderElection election : all) {
      election.step();
      assertOneLeader(all);
    }
  }

  private static void assertOneLeader(LeaderElection... all) {
    assertOneLeader(Arrays.stream(all).map(e -> (BooleanSupplier) e::isLeader)
        .toArray(BooleanSupplier[]::new));
  }

  /** Fails at once if more than one of {@code leaders} reports leadership. */
  static void assertOneLeader(BooleanSupplier... leaders) {
    long count = Arrays.stream(leaders).filter(BooleanSupplier::getAsBoolean).count();
    assertTrue(count <= 1, count + " leaders at once");
  }

  /** Started and stopped strictly alternate, starting with started. */
  private static void assertAlternating(List<String> log) {
    for (int i = 0; i < log.size(); i++) {
      assertEquals(i % 2 == 0 ? "started" : "stopped", log.get(i), "events " + log);
    }
  }

  private String holder() {
    JsonObject spec = fake.store().get(ApiResource.LEASES, NS, LEASE).getAsJsonObject("spec");
    return spec != null && spec.has("holderIdentity") ? spec.get("holderIdentity").getAsString()
        : "";
  }

  private void failRequestsOf(String identity) {
    fake.faults().fail(Faults.ALWAYS, 500,
        r -> r.header("user-agent").map(identity::equals).orElse(false));
  }

  // ------------------------------------------------------------------ stepped on a fake ticker

  @Test
  void ofTwoCandidatesExactlyOneLeadsAndTheOtherFollows() {
    LeaderElection a = stepped("replica-a");
    LeaderElection b = stepped("replica-b");
    stepAll(a, b);
    assertTrue(a.isLeader(), "the first to create the lease leads");
    assertFalse(b.isLeader());
    for (int round = 0; round < 20; round++) {
      advance(RETRY);
      stepAll(a, b);
      assertTrue(a.isLeader(), "round " + round);
    }
    assertEquals("replica-a", holder());
    assertEquals("replica-a", b.observedLeader().orElseThrow());
    assertEquals(List.of("started"), events.get("replica-a"));
    assertEquals(List.of(), events.get("replica-b"));
  }

  @Test
  void aFollowerTakesOverOnlyAfterALeaseDurationWithoutChangeAndTheLeaderHasLapsedBefore() {
    LeaderElection a = stepped("replica-a");
    LeaderElection b = stepped("replica-b");
    stepAll(a, b);
    advance(RETRY);
    stepAll(a, b); // a renews at t0; b observes the new version at t0
    long t0 = ticker.get();
    // a dies: it never steps again. Its leadership lapses at t0 + renew deadline on its own
    ticker.set(t0 + RENEW_DEADLINE.toNanos() - 1);
    assertTrue(a.isLeader());
    ticker.set(t0 + RENEW_DEADLINE.toNanos());
    assertFalse(a.isLeader(), "lapsed at the renew deadline, without a step");
    // b keeps looking; it may take over only a full lease duration after it saw the last change
    while (ticker.get() < t0 + LEASE_DURATION.toNanos() - RETRY.toNanos()) {
      advance(RETRY);
      b.step();
      assertOneLeader(a, b);
      assertFalse(b.isLeader(), "took over early, at +" + (ticker.get() - t0) / 1_000_000 + "ms");
    }
    ticker.set(t0 + LEASE_DURATION.toNanos() - 1);
    b.step();
    assertOneLeader(a, b);
    assertFalse(b.isLeader());
    ticker.set(t0 + LEASE_DURATION.toNanos());
    b.step();
    assertOneLeader(a, b);
    assertTrue(b.isLeader());
    assertEquals("replica-b", holder());
    // a, stepping again, steps down and follows
    advance(RETRY);
    stepAll(a, b);
    assertEquals(List.of("started", "stopped"), events.get("replica-a"));
    assertEquals(List.of("started"), events.get("replica-b"));
  }

  @Test
  void theLeasesRemoteRenewTimeIsNeverComparedWithTheLocalClock() {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    for (OffsetDateTime renewed : List.of(now.minusHours(1), now.plusHours(1))) {
      fake.store().create(ApiResource.LEASES, NS, new V1Lease()
          .metadata(new V1ObjectMeta().name(LEASE).namespace(NS))
          .spec(new V1LeaseSpec().holderIdentity("other")
              .leaseDurationSeconds((int) LEASE_DURATION.toSeconds())
              .acquireTime(renewed).renewTime(renewed).leaseTransitions(4)));
      LeaderElection a = stepped("replica-a");
      stepAll(a);
      long seen = ticker.get();
      ticker.set(seen + LEASE_DURATION.toNanos() - 1);
      stepAll(a);
      assertFalse(a.isLeader(), "renewed " + renewed + ": judged on the remote clock");
      ticker.set(seen + LEASE_DURATION.toNanos());
      stepAll(a);
      assertTrue(a.isLeader(), "renewed " + renewed + ": not taken over after a lease duration");
      assertEquals(5, fake.store().get(ApiResource.LEASES, NS, LEASE).getAsJsonObject("spec")
          .get("leaseTransitions").getAsInt());
      a.close();
      elections.remove(a);
      events.clear();
      fake.store().delete(ApiResource.LEASES, NS, LEASE);
    }
  }

  @Test
  void theHoldersLeaseDurationCountsNotTheFollowersOwn() {
    fake.store().create(ApiResource.LEASES, NS, new V1Lease()
        .metadata(new V1ObjectMeta().name(LEASE).namespace(NS))
        .spec(new V1LeaseSpec().holderIdentity("slow-renewer").leaseDurationSeconds(90)));
    LeaderElection a = stepped("replica-a");
    stepAll(a);
    advance(Duration.ofSeconds(89));
    stepAll(a);
    assertFalse(a.isLeader(), "the holder promised 90 s, more than the 60 s of a");
    advance(Duration.ofSeconds(1));
    stepAll(a);
    assertTrue(a.isLeader());
  }

  @Test
  void leadershipLapsesOnTimeWhileRenewalsFailAndSideEffectsStop() {
    LeaderElection a = stepped("replica-a");
    stepAll(a);
    long t0 = ticker.get();
    AtomicLong effects = new AtomicLong();
    assertTrue(a.runIfLeader(effects::incrementAndGet));
    failRequestsOf("replica-a");
    while (ticker.get() + RETRY.toNanos() < t0 + RENEW_DEADLINE.toNanos()) {
      advance(RETRY);
      stepAll(a);
      assertTrue(a.isLeader(), "within the renew deadline");
    }
    ticker.set(t0 + RENEW_DEADLINE.toNanos() - 1);
    stepAll(a);
    assertTrue(a.isLeader(), "until the last nanosecond of the renew deadline");
    ticker.set(t0 + RENEW_DEADLINE.toNanos());
    assertFalse(a.isLeader(), "lapsed although nothing stepped");
    assertFalse(a.runIfLeader(effects::incrementAndGet));
    assertEquals(1, effects.get());
    assertEquals(List.of("started"), events.get("replica-a"), "the callback follows at the step");
    stepAll(a);
    assertEquals(List.of("started", "stopped"), events.get("replica-a"));
    fake.faults().clear();
    advance(RETRY);
    stepAll(a);
    assertTrue(a.isLeader(), "the lease still names a: it takes it back as a new term");
    assertEquals(List.of("started", "stopped", "started"), events.get("replica-a"));
  }

  @Test
  void aReleasedLeaseIsTakenOverAtOnce() {
    LeaderElection a = stepped("replica-a");
    LeaderElection b = stepped("replica-b");
    stepAll(a, b);
    a.close();
    assertFalse(a.isLeader());
    assertEquals(List.of("started", "stopped"), events.get("replica-a"));
    assertEquals("", holder(), "released");
    stepAll(a, b);
    assertTrue(b.isLeader(), "no lease duration to wait for a released lease");
    assertFalse(a.isLeader(), "a closed election does not compete");
  }

  @Test
  void aLeaseTakenByAnotherEndsLeadershipAtTheNextStep() {
    LeaderElection a = stepped("replica-a");
    stepAll(a);
    JsonObject lease = fake.store().get(ApiResource.LEASES, NS, LEASE);
    lease.getAsJsonObject("spec").addProperty("holderIdentity", "intruder");
    fake.store().update(ApiResource.LEASES, NS, lease);
    advance(RETRY);
    stepAll(a);
    assertFalse(a.isLeader());
    assertEquals("intruder", a.observedLeader().orElseThrow());
    assertEquals(List.of("started", "stopped"), events.get("replica-a"));
  }

  @Test
  void aDeletedLeaseIsNotTakenOverWhileTheLeaderStillCountsItselfLeader() {
    LeaderElection a = stepped("replica-a");
    LeaderElection b = stepped("replica-b");
    stepAll(a, b);
    assertTrue(a.isLeader());
    // the Lease disappears (deleted by hand, or its namespace recreated); a is within its
    // renew deadline and keeps counting itself leader until then
    fake.store().delete(ApiResource.LEASES, NS, LEASE);
    advance(RETRY);
    b.step();
    assertTrue(a.isLeader(), "a renewed one retry period ago");
    assertOneLeader(a, b);
  }

  /**
   * The replica that held the Lease last saw itself as holder, then lost touch for longer than a
   * lease duration while another replica took the Lease over. When the Lease is then deleted,
   * its own stale observation is no proof that nobody else holds it: the current holder counts
   * itself leader until its renew deadline, so a new Lease waits a lease duration of absence.
   */
  @Test
  void aFormerHolderThatMissedATakeOverDoesNotRecreateADeletedLeaseAtOnce() {
    LeaderElection a = stepped("replica-a");
    LeaderElection b = stepped("replica-b");
    stepAll(a, b);
    assertTrue(a.isLeader());
    long t0 = ticker.get();
    failRequestsOf("replica-a"); // a cannot reach the API server
    while (ticker.get() < t0 + LEASE_DURATION.toNanos()) {
      advance(RETRY);
      stepAll(a, b);
    }
    assertTrue(b.isLeader(), "b took the unchanged Lease over after a lease duration");
    assertFalse(a.isLeader(), "a lapsed at its renew deadline");
    fake.faults().clear();
    // the Lease disappears while b holds it, before a has read it again
    fake.store().delete(ApiResource.LEASES, NS, LEASE);
    advance(Duration.ofSeconds(1));
    a.step();
    assertOneLeader(a, b);
  }

  @Test
  void theOneLeaderCheckFailsAtTheFirstObservation() {
    long start = System.nanoTime();
    assertThrows(AssertionError.class, () -> assertOneLeader(() -> true, () -> true));
    assertTrue(System.nanoTime() - start < WAIT.toNanos() / 10, "not at a deadline");
    assertOneLeader(() -> true, () -> false);
  }

  // ------------------------------------------------------------------ running on real time

  /** Waits for {@code done}, checking at every observation that there is at most one leader. */
  private static void awaitWithOneLeader(String what, BooleanSupplier done,
      LeaderElection... all) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      assertOneLeader(all); // outside any poll: fails the test at once
      if (done.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        fail("timed out after " + WAIT + " waiting for " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  private long leaseVersion() {
    return Long.parseLong(fake.store().get(ApiResource.LEASES, NS, LEASE)
        .getAsJsonObject("metadata").get("resourceVersion").getAsString());
  }

  @Test
  void twoRunningElectionsHaveOneLeaderAtEveryObservation() {
    // a lapsed leader stops 6 s before anyone may take over: far more than the time between
    // two reads of isLeader(), even on a busy machine
    LeaderElectionSettings fast = new LeaderElectionSettings(NS, LEASE, "x",
        Duration.ofSeconds(10), Duration.ofSeconds(4), Duration.ofSeconds(1));
    LeaderElection a = running("replica-a", new LeaderElectionSettings(NS, LEASE, "replica-a",
        fast.leaseDuration(), fast.renewDeadline(), fast.retryPeriod()));
    LeaderElection b = running("replica-b", new LeaderElectionSettings(NS, LEASE, "replica-b",
        fast.leaseDuration(), fast.renewDeadline(), fast.retryPeriod()));
    awaitWithOneLeader("a leader", () -> a.isLeader() || b.isLeader(), a, b);
    long start = leaseVersion();
    awaitWithOneLeader("5 renewals", () -> leaseVersion() >= start + 5, a, b);
    LeaderElection leader = a.isLeader() ? a : b;
    assertEquals(leader.identity(), holder());
    awaitWithOneLeader("both observe the leader",
        () -> a.observedLeader().equals(b.observedLeader()), a, b);
  }

  @Test
  void closingTheRunningLeaderHandsOverWithoutWaitingForTheLease() {
    LeaderElectionSettings slow = new LeaderElectionSettings(NS, LEASE, "replica-a",
        Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofSeconds(1));
    LeaderElection a = running("replica-a", slow);
    awaitWithOneLeader("a leads", a::isLeader, a);
    LeaderElection b = running("replica-b", new LeaderElectionSettings(NS, LEASE, "replica-b",
        Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofSeconds(1)));
    awaitWithOneLeader("b observed a", () -> b.observedLeader().orElse("").equals("replica-a"),
        a, b);
    assertFalse(b.isLeader());
    a.close();
    assertFalse(a.isLeader());
    assertEquals(List.of("started", "stopped"), events.get("replica-a"));
    // well within the 60 s lease: only a released lease allows that
    awaitWithOneLeader("b takes over the released lease", b::isLeader, a, b);
  }

  @Test
  void leadershipEndsAtTheRenewDeadlineAfterTheLastSuccessfulRenewal() {
    LeaderElection a = running("replica-a", new LeaderElectionSettings(NS, LEASE, "replica-a",
        Duration.ofSeconds(8), Duration.ofSeconds(2), Duration.ofSeconds(1)));
    Poll.until(WAIT, "a leads", a::isLeader);
    // let exactly one more renewal through, then fail every call of a
    AtomicLong lastRenewalArrived = new AtomicLong();
    fake.faults().fail(Faults.ALWAYS, 500, r -> {
      if (!r.header("user-agent").map("replica-a"::equals).orElse(false)) {
        return false;
      }
      if (lastRenewalArrived.get() != 0) {
        return true;
      }
      if (r.method().equals("PUT")) {
        lastRenewalArrived.set(System.nanoTime());
      }
      return false;
    });
    Poll.until(WAIT, "one more renewal", () -> lastRenewalArrived.get() != 0);
    // the renewal was sent before it arrived: the deadline is at most 2 s after its arrival
    long lapse = lastRenewalArrived.get() + Duration.ofMillis(2300).toNanos();
    Poll.until(WAIT, "the renew deadline passed", () -> System.nanoTime() - lapse > 0);
    assertFalse(a.isLeader(), "still leader past the renew deadline");
  }

  @Test
  void startedLeadingNeverFollowsStoppedLeadingEvenWhenClosedConcurrently() {
    for (int i = 0; i < 10; i++) {
      String identity = "replica-" + i;
      List<String> late = new CopyOnWriteArrayList<>();
      LeaderElection election = new LeaderElection(client(identity), new LeaderElectionSettings(
          NS, LEASE + "-" + i, identity, Duration.ofSeconds(6), Duration.ofSeconds(4),
          Duration.ofSeconds(1)), Clock.systemUTC());
      record(identity, election);
      election.addListener(new LeadershipListener() {
        @Override
        public void startedLeading() {
          if (!election.isLeader()) {
            late.add("started while not leader");
          }
        }

        @Override
        public void stoppedLeading() {
          if (election.isLeader()) {
            late.add("stopped while leader");
          }
        }
      });
      election.start();
      if (i % 2 == 0) {
        Poll.until(WAIT, identity + " leads", election::isLeader);
      }
      election.close();
      List<String> log = events.get(identity);
      assertAlternating(log);
      assertTrue(log.isEmpty() || log.get(log.size() - 1).equals("stopped"), log.toString());
      // an attempt that completes after close (as a slow call would) starts no new term
      int before = log.size();
      election.step();
      assertEquals(before, events.get(identity).size(), "a callback after close: " + log);
      assertEquals(List.of(), late);
      assertFalse(election.isLeader());
    }
  }

  /** A stepped election of {@code identity} on its own API fake and ticker (60 s lease). */
  private record Stepped(FakeKubeApi fake, LeaderElection election, AtomicLong ticker) {
    void stepAfter(Duration wait) {
      ticker.addAndGet(wait.toNanos());
      election.step();
    }
  }

  /**
   * What LeaderElection logs at WARNING or above while {@code steps} run against a fake of their
   * own, as "LEVEL message" lines; every line logged goes to {@code all}.
   */
  private static List<String> warnings(java.util.function.Consumer<Stepped> steps,
      List<String> all) {
    LogCapture log = LogCapture.of(LeaderElection.class);
    AtomicLong ticker = new AtomicLong(1_000_000_000L);
    try (FakeKubeApi fake = FakeKubeApi.start()) {
      LeaderElection election = new LeaderElection(fake.newClient(),
          new LeaderElectionSettings("monitoring", "promcc-events-2", "prometheus-2",
              Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofSeconds(20)),
          Clock.systemUTC(), ticker::get);
      try {
        steps.accept(new Stepped(fake, election, ticker));
      } finally {
        election.close();
      }
    } finally {
      log.close();
    }
    all.addAll(log.lines());
    return log.records().stream()
        .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
        .map(r -> r.getLevel() + " " + r.getMessage()).toList();
  }

  /**
   * A shard added without its Lease name in deploy/rbac.yaml: every Lease call is answered 403,
   * so the replica never leads and its shard publishes no Event; the refusal must be seen, once.
   */
  @Test
  void aLeaseTheApiServerRefusesIsLoggedAtWarningNamingTheRefusal() {
    List<String> all = new ArrayList<>();
    List<String> warned = warnings(s -> {
      s.fake().faults().forbid(Faults.ALWAYS, r -> r.isFor(ApiResource.LEASES));
      for (int i = 0; i < 5; i++) {
        s.stepAfter(Duration.ofSeconds(20));
      }
      assertFalse(s.election().isLeader());
    }, all);

    assertEquals(1, warned.size(), all.toString());
    assertTrue(warned.get(0).contains("403"), all.toString());
  }

  /** Reads work, the create is refused: one warning, and no recovery until a write works. */
  @Test
  void aWriteThatKeepsFailingAfterGoodReadsIsOneWarningAndNoRecovery() {
    List<String> all = new ArrayList<>();
    List<String> warned = warnings(s -> {
      s.fake().faults().forbid(Faults.ALWAYS, r -> r.isFor(ApiResource.LEASES)
          && r.method().equals("POST"));
      for (int i = 0; i < 5; i++) {
        s.stepAfter(Duration.ofSeconds(20));
      }
      assertFalse(s.election().isLeader());
    }, all);

    assertEquals(1, warned.size(), all.toString());
    assertFalse(all.stream().anyMatch(line -> line.contains("work again")), all.toString());
  }

  /**
   * A follower (another replica holds the Lease) only reads it: once reads work again a read
   * failure is over, so a later outage of the same kind is a warning too.
   */
  @Test
  void aFollowersSecondReadOutageIsWarnedAsTheFirstWas() {
    List<String> all = new ArrayList<>();
    List<String> warned = warnings(s -> {
      // held by another replica for an hour: this one stays a follower throughout
      s.fake().store().create(ApiResource.LEASES, "monitoring", new V1Lease()
          .metadata(new V1ObjectMeta().name("promcc-events-2").namespace("monitoring"))
          .spec(new V1LeaseSpec().holderIdentity("prometheus-1").leaseDurationSeconds(3600)));
      s.stepAfter(Duration.ZERO); // reads: a follower
      s.fake().faults().fail(1, 503, r -> r.isFor(ApiResource.LEASES)
          && r.method().equals("GET"));
      s.stepAfter(Duration.ZERO); // first outage
      s.stepAfter(Duration.ofSeconds(20)); // reads again
      s.fake().faults().fail(1, 503, r -> r.isFor(ApiResource.LEASES)
          && r.method().equals("GET"));
      s.stepAfter(Duration.ofSeconds(20)); // second outage, later
      assertFalse(s.election().isLeader());
    }, all);

    assertEquals(2, warned.size(), "one warning per outage: " + all);
  }
}
