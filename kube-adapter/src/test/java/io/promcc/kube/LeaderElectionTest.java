package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String NS = "monitoring";
  private static final String LEASE = "promcc-prometheus";

  private FakeKubeApi fake;
  private final List<LeaderElection> elections = new ArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    fake = FakeKubeApi.start();
  }

  @AfterEach
  void tearDown() {
    elections.forEach(LeaderElection::close);
    fake.close();
  }

  /**
   * Lease 3 s, renew deadline 1.5 s, retry 200 ms: a leader that cannot renew steps down about
   * 1.3 s before anyone may take its lease, a margin that holds on a busy machine.
   */
  private LeaderElection elector(String identity) {
    return elector(identity, new LeaderElectionSettings(NS, LEASE, identity,
        Duration.ofSeconds(3), Duration.ofMillis(1500), Duration.ofMillis(200)));
  }

  private LeaderElection elector(String identity, LeaderElectionSettings settings) {
    ApiClient client = fake.newClient();
    // lets a fault rule pick this elector's requests
    client.setUserAgent(identity);
    try {
      // warm up classes and the TLS connection: lease calls have only a retry period to finish
      new VersionApi(client).getCode().execute();
    } catch (ApiException e) {
      throw new AssertionError(e);
    }
    LeaderElection election = new LeaderElection(client, settings, Clock.systemUTC());
    election.addListener(new LeadershipListener() {
      @Override
      public void startedLeading() {
        events.add(identity + " started");
      }

      @Override
      public void stoppedLeading() {
        events.add(identity + " stopped");
      }
    });
    elections.add(election);
    election.start();
    return election;
  }

  private String holder() {
    JsonObject lease = fake.store().get(ApiResource.LEASES, NS, LEASE);
    JsonObject spec = lease.getAsJsonObject("spec");
    return spec != null && spec.has("holderIdentity") ? spec.get("holderIdentity").getAsString()
        : "";
  }

  private long leaseVersion() {
    return Long.parseLong(fake.store().get(ApiResource.LEASES, NS, LEASE)
        .getAsJsonObject("metadata").get("resourceVersion").getAsString());
  }

  /** Waits until the lease was renewed {@code renewals} times, checking mutual exclusion. */
  private void awaitRenewalsWithOneLeader(LeaderElection a, LeaderElection b, int renewals) {
    long start = leaseVersion();
    Poll.until(WAIT, renewals + " renewals with one leader", () -> {
      assertFalse(a.isLeader() && b.isLeader(), "two leaders at once");
      return leaseVersion() >= start + renewals;
    });
  }

  private void failRequestsOf(String identity) {
    fake.faults().fail(Faults.ALWAYS, 500,
        r -> r.header("user-agent").map(identity::equals).orElse(false));
  }

  @Test
  void ofTwoElectorsExactlyOneLeads() {
    LeaderElection a = elector("replica-a");
    LeaderElection b = elector("replica-b");
    Poll.until(WAIT, "a leader", () -> a.isLeader() || b.isLeader());
    LeaderElection leader = a.isLeader() ? a : b;
    awaitRenewalsWithOneLeader(a, b, 5);
    assertTrue(leader.isLeader());
    assertEquals(leader.identity(), holder());
    Poll.until(WAIT, "both observe the leader",
        () -> a.observedLeader().equals(b.observedLeader())
            && a.observedLeader().orElseThrow().equals(leader.identity()));
  }

  @Test
  void theFollowerTakesOverWhenTheLeaderStopsRenewingAndTheLoserCompetesAgain() {
    LeaderElection a = elector("replica-a");
    Poll.until(WAIT, "a leads", a::isLeader);
    LeaderElection b = elector("replica-b");
    awaitRenewalsWithOneLeader(a, b, 2);
    assertTrue(a.isLeader());

    failRequestsOf("replica-a");
    Poll.until(WAIT, "b takes over", b::isLeader);
    assertFalse(a.isLeader(), "a stepped down before b took over");
    assertTrue(events.indexOf("replica-a stopped") >= 0
        && events.indexOf("replica-a stopped") < events.indexOf("replica-b started"), events.toString());
    assertEquals("replica-b", holder());

    // a is back: it must compete again (client-java #714) but stay a follower while b renews
    fake.faults().clear();
    awaitRenewalsWithOneLeader(a, b, 3);
    assertTrue(b.isLeader());

    failRequestsOf("replica-b");
    Poll.until(WAIT, "a leads again", a::isLeader);
    assertEquals("replica-a", holder());
    assertEquals(List.of("replica-a started", "replica-a stopped", "replica-b started",
        "replica-b stopped", "replica-a started"), events);
  }

  @Test
  void anExpiredLeaseIsTakenOverWithoutWaitingAnotherLeaseDuration() {
    OffsetDateTime longAgo = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);
    fake.store().create(ApiResource.LEASES, NS, new V1Lease()
        .metadata(new V1ObjectMeta().name(LEASE).namespace(NS))
        .spec(new V1LeaseSpec().holderIdentity("crashed-replica").leaseDurationSeconds(60)
            .acquireTime(longAgo).renewTime(longAgo).leaseTransitions(4)));
    // a 60 s lease: without the fix the elector would watch the stale record for 60 s first
    LeaderElection a = elector("replica-a", new LeaderElectionSettings(NS, LEASE, "replica-a",
        Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofMillis(500)));
    Poll.until(Duration.ofSeconds(20), "expired lease taken over", a::isLeader);
    assertEquals("replica-a", holder());
    assertEquals(5, fake.store().get(ApiResource.LEASES, NS, LEASE).getAsJsonObject("spec")
        .get("leaseTransitions").getAsInt());
  }

  @Test
  void aLiveLeaseOfAnotherReplicaIsRespected() {
    LeaderElection a = elector("replica-a", new LeaderElectionSettings(NS, LEASE, "replica-a",
        Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofMillis(500)));
    Poll.until(WAIT, "a leads", a::isLeader);
    LeaderElection b = elector("replica-b", new LeaderElectionSettings(NS, LEASE, "replica-b",
        Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofMillis(500)));
    Poll.until(WAIT, "b observed a", () -> b.observedLeader().orElse("").equals("replica-a"));
    assertFalse(b.isLeader());
    assertEquals("replica-a", holder());
  }

  @Test
  void closingTheLeaderReleasesTheLeaseForAQuickHandover() {
    LeaderElectionSettings slow = new LeaderElectionSettings(NS, LEASE, "replica-a",
        Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofMillis(500));
    LeaderElection a = elector("replica-a", slow);
    Poll.until(WAIT, "a leads", a::isLeader);
    LeaderElection b = elector("replica-b", new LeaderElectionSettings(NS, LEASE, "replica-b",
        Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofMillis(500)));
    Poll.until(WAIT, "b observed a", () -> b.observedLeader().orElse("").equals("replica-a"));

    a.close();
    assertFalse(a.isLeader());
    assertTrue(events.contains("replica-a stopped"));
    // well within the 60 s lease: only a released lease allows that
    Poll.until(Duration.ofSeconds(20), "b takes over the released lease", b::isLeader);
  }
}
