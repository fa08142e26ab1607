package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.extended.leaderelection.LeaderElectionRecord;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ExpiryAwareLeaseLockTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static FakeKubeApi fake;
  private static int leases;

  @BeforeAll
  static void start() {
    fake = FakeKubeApi.start();
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  /** A lease held by {@code holder}, renewed {@code ago} before NOW, for {@code seconds}. */
  private ExpiryAwareLeaseLock lockOn(String holder, Duration ago, int seconds) {
    String name = "lease-" + (++leases);
    OffsetDateTime renewed = OffsetDateTime.ofInstant(NOW.minus(ago), ZoneOffset.UTC);
    fake.store().create(ApiResource.LEASES, "ns", new V1Lease()
        .metadata(new V1ObjectMeta().name(name))
        .spec(new V1LeaseSpec().holderIdentity(holder).leaseDurationSeconds(seconds)
            .acquireTime(renewed).renewTime(renewed).leaseTransitions(3)));
    return new ExpiryAwareLeaseLock(fake.newClient(), "ns", name, "me", Duration.ofSeconds(5),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void aLiveLeaseOfAnotherHolderIsReportedAsIs() throws Exception {
    LeaderElectionRecord record = lockOn("other", Duration.ofSeconds(10), 15).get();
    assertEquals("other", record.getHolderIdentity());
    assertEquals(15, record.getLeaseDurationSeconds());
    assertEquals(3, record.getLeaderTransitions());
  }

  @Test
  void aLeaseExpiredByItsOwnDurationIsReportedFree() throws Exception {
    assertNull(lockOn("other", Duration.ofSeconds(10), 5).get().getHolderIdentity());
    assertEquals("other", lockOn("other", Duration.ofSeconds(5), 5).get().getHolderIdentity(),
        "expiry is strictly after renewTime + duration");
  }

  @Test
  void ownLeaseIsNeverReportedFree() throws Exception {
    assertEquals("me", lockOn("me", Duration.ofHours(1), 5).get().getHolderIdentity());
  }

  @Test
  void takingOverUsesTheReadVersionSoOnlyOneCandidateWins() throws Exception {
    ExpiryAwareLeaseLock first = lockOn("other", Duration.ofHours(1), 5);
    String name = first.describe().substring("ns/".length());
    ExpiryAwareLeaseLock second = new ExpiryAwareLeaseLock(fake.newClient(), "ns", name, "you",
        Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC));
    first.get();
    second.get();
    LeaderElectionRecord mine = new LeaderElectionRecord("me", 5, Date.from(NOW),
        Date.from(NOW), 4);
    LeaderElectionRecord yours = new LeaderElectionRecord("you", 5, Date.from(NOW),
        Date.from(NOW), 4);
    assertTrue(first.update(mine));
    assertFalse(second.update(yours), "the second write carries a stale resourceVersion");
    assertEquals("me", fake.store().get(ApiResource.LEASES, "ns", name).getAsJsonObject("spec")
        .get("holderIdentity").getAsString());
  }
}
