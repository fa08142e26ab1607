package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Elections running on their own threads and the real monotonic clock against the API fake,
 * every wait bounded: the "never two leaders" check runs at every observation, outside any poll,
 * so a violation fails the test at once.
 */
class LeaderElectionRealTimeTest extends LeaderElectionFixture {
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
}
