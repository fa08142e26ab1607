package io.promcc.core.port;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The fake cluster source passes the same contract as the real one. */
class FakeClusterSourceTest extends GuestClusterSourceContract {
  private final FakeClusterSource fake = new FakeClusterSource();

  @Override
  protected GuestClusterSource newSource() {
    return fake;
  }

  @Override
  protected void addCluster(String id) {
    fake.put(GuestCluster.of(id, "aws", "https://" + id + ".example"));
  }

  @Override
  protected void removeCluster(String id) {
    fake.remove(ClusterId.of(id));
  }

  @Override
  protected void breakSource() {
    fake.fail("fake list failure");
  }

  @Override
  protected void repair() {
    fake.fail(null);
  }

  /** awaitSynced waits for a sync within its timeout, as the real sources do. */
  @Test
  void awaitSyncedWaitsForASyncWithinItsTimeout() throws Exception {
    FakeClusterSource unsynced = FakeClusterSource.unsynced();
    long started = System.nanoTime();
    assertFalse(unsynced.awaitSynced(Duration.ofMillis(50)));
    assertTrue(System.nanoTime() - started >= Duration.ofMillis(50).toNanos(),
        "false before its timeout");

    Thread syncing = new Thread(unsynced::sync, "sync");
    syncing.start();
    assertTrue(unsynced.awaitSynced(Duration.ofSeconds(30)));
    syncing.join();
  }
}
