package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.promcc.kube.fake.ApiResource;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The elections are stepped by hand on a shared fake ticker (monotonic nanoseconds) against the
 * API fake: the timing rules are checked exactly, with no real-time waits. The "never two
 * leaders" check runs after every step, so a violation fails the test at once. Elections on
 * their own threads and real time: {@link LeaderElectionRealTimeTest}; what is logged:
 * {@link LeaderElectionWarningTest}.
 */
class LeaderElectionTest extends LeaderElectionFixture {
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
}
