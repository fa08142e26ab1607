package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static io.promcc.kube.TestServices.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.SourceNotReadyException;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A source whose watch breaks: dropped, expired (410), silent or failing watches, relists and
 * throttling, each ending in the right clusters.
 */
class ServiceClusterSourceWatchTest extends ServiceClusterSourceFixture {
  @Test
  void aDroppedWatchRecoversWithoutLosingOrDuplicatingClusters() {
    fake = FakeKubeApi.start();
    create(guest("one11"));
    create(guest("two22"));
    startSynced(DiscoverySettings.defaults());
    long watchesBefore = fake.requestCount(SERVICE_WATCH);

    fake.faults().closeWatches();
    create(guest("three"));
    fake.store().delete(ApiResource.SERVICES, "one11", "master");

    awaitIds("changes around the dropped watch", List.of("three", "two22"));
    assertTrue(fake.requestCount(SERVICE_WATCH) > watchesBefore, "watched again");
    assertEquals(List.of(), source.snapshot().rejections(), "no duplicate claims");
  }

  @Test
  void aWatchAnswered410RelistsAndConverges() {
    fake = FakeKubeApi.start();
    create(guest("one11"));
    create(guest("two22"));
    startSynced(DiscoverySettings.defaults());
    long listsBefore = fake.requestCount(SERVICE_LIST);

    fake.faults().expireWatches();
    fake.store().delete(ApiResource.SERVICES, "one11", "master");
    create(guest("three"));

    awaitIds("state after 410", List.of("three", "two22"));
    Poll.until(WAIT, "re-listed after 410", () -> fake.requestCount(SERVICE_LIST) > listsBefore);
    assertEquals(List.of(), source.snapshot().rejections());
  }

  @Test
  void anOutageLongerThanTheHistoryEndsInAFreshListAndTheRightClusters() {
    fake = FakeKubeApi.builder().historyLimit(3).start();
    create(guest("keep1"));
    create(guest("gone1"));
    startSynced(DiscoverySettings.defaults());
    long listsBefore = fake.requestCount(SERVICE_LIST);

    fake.faults().fail(Faults.ALWAYS, 500, r -> r.isFor(ApiResource.SERVICES));
    fake.faults().closeWatches();
    Poll.until(WAIT, "outage noticed", () -> source.failure().isPresent());
    assertThrows(SourceNotReadyException.class, source::snapshot);

    fake.store().delete(ApiResource.SERVICES, "gone1", "master");
    for (int i = 0; i < 5; i++) {
      create(guest("new" + i));
    }
    fake.faults().clear();

    awaitIds("state after the outage", List.of("keep1", "new0", "new1", "new2", "new3", "new4"));
    assertTrue(fake.requestCount(SERVICE_LIST) > listsBefore, "listed again");
  }

  /**
   * A relist from the last resourceVersion seen can land on an API server whose cache is behind
   * it (another replica of the API server than the one the watch went through): "too large
   * resource version", which repeats until that cache catches up. The informer lists again
   * without a resourceVersion (a consistent read), as client-go's reflector does.
   */

  @Test
  void aRelistRefusedForATooLargeResourceVersionListsAgainWithoutOne() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    startSynced(DiscoverySettings.defaults());
    create(guest("def34")); // seen through the watch: the last version seen is its
    awaitIds("def34 seen", List.of("abc12", "def34"));
    fake.faults().tooLargeResourceVersion(Faults.ALWAYS, SERVICE_LIST);

    fake.faults().errorWatches(500, "injected"); // the informer lists again
    Poll.until(WAIT, "the watch error seen", () -> source.failure().isPresent());
    create(guest("ghi56"));

    Poll.until(Duration.ofSeconds(20), "ready again, with ghi56", () -> {
      try {
        return ids(source.snapshot()).equals(List.of("abc12", "def34", "ghi56"));
      } catch (SourceNotReadyException e) {
        return false;
      }
    });
  }

  /**
   * An informer's first list may be answered from the API server's watch cache at any version
   * (resourceVersion=0), much older than what a controller running before saw: a Service made
   * since is missing from it, and a restarted controller would remove that cluster's jobs and
   * certificate files. The first list is a consistent read; nothing comes through the watch.
   */
  @Test
  void aFirstListFromAStaleCacheDoesNotLoseAClusterMadeSince() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    long cacheBehindAt = fake.store().resourceVersion();
    create(guest("def34"));
    fake.faults().staleCache(cacheBehindAt);
    fake.faults().stallWatches();
    try {
      startSource(DiscoverySettings.defaults());
      Poll.until(WAIT, "source synced", source::hasSynced);
      assertEquals(List.of("abc12", "def34"), ids(source.snapshot()));
    } finally {
      fake.faults().clear();
    }
  }

  @Test
  void aSilentlyDeadWatchIsDetectedByItsReadTimeoutAndRelisted() {
    fake = FakeKubeApi.start();
    create(guest("one11"));
    // watches of 1 s, declared dead 1 s after that: the partition below must be noticed by
    // the client alone (client-java #2330: with no read timeout the informer hangs for good).
    // Lists keep working and get a read timeout a busy machine meets.
    startSource(DiscoverySettings.defaults(), new WatchSettings(Duration.ofSeconds(20),
        Duration.ofSeconds(1), Duration.ofSeconds(1)));
    Poll.until(WAIT, "synced and watching", () -> source.hasSynced()
        && fake.store().watchCount(ApiResource.SERVICES) > 0);

    fake.faults().stallWatches();
    long listsBefore = fake.requestCount(SERVICE_LIST);
    create(guest("two22"));
    Poll.until(WAIT, "the silent watch noticed", () -> source.failure().isPresent());
    assertTrue(source.failure().orElseThrow().contains("broke"), source.failure().orElseThrow());
    awaitIds("the change seen through a fresh list", List.of("one11", "two22"));
    assertTrue(fake.requestCount(SERVICE_LIST) > listsBefore, "listed again");
    fake.faults().clear();
  }

  @Test
  void aFailingWatchMakesTheSourceNotReadyUntilItRecovers() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    startSynced(DiscoverySettings.defaults());
    Poll.until(WAIT, "sync notified", () -> notifications.get() >= 1);

    fake.faults().fail(Faults.ALWAYS, 500, SERVICE_WATCH);
    fake.faults().closeWatches();
    SourceNotReadyException failing = Poll.value(WAIT, "source not ready", () -> {
      try {
        source.snapshot();
        return null;
      } catch (SourceNotReadyException e) {
        return e;
      }
    });
    assertTrue(failing.getMessage().contains("cannot watch services"), failing.getMessage());
    assertTrue(failing.getMessage().contains("500"), failing.getMessage());

    int before = notifications.get();
    fake.faults().clear();
    awaitIds("recovered", List.of("abc12"));
    Poll.until(WAIT, "recovery notified", () -> notifications.get() > before);
  }

  @Test
  void throttlingAtStartOnlyDelaysTheSync() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    fake.faults().fail(2, 429, SERVICE_LIST);
    startSource(DiscoverySettings.defaults());
    awaitIds("synced after 429s", List.of("abc12"));
    assertTrue(fake.requestCount(SERVICE_LIST) >= 3);
  }
}
