package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.promcc.core.testing.LogCapture;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Faults;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * What {@link LeaderElection} logs at WARNING when the API server refuses or fails its Lease
 * calls: each test steps one election on a fake ticker against an API fake of its own.
 */
class LeaderElectionWarningTest {
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
