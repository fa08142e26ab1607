package io.promcc.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link GuestClusterSource} does, run against the real source and the fake alike. A
 * subclass says how to make a source and how to add, remove and break clusters on its side (a
 * Service in a Kubernetes API, an entry in a list). Waits are bounded and generous.
 */
public abstract class GuestClusterSourceContract {
  /** Generous: a busy machine meets it; a working source is much faster. */
  protected static final Duration PATIENCE = Duration.ofSeconds(30);

  private GuestClusterSource source;

  /** A new source with nothing on its side; not started. */
  protected abstract GuestClusterSource newSource();

  /** Makes cluster {@code id} exist on the source's side. */
  protected abstract void addCluster(String id);

  /** Removes cluster {@code id} on the source's side (a definite removal). */
  protected abstract void removeCluster(String id);

  /** Makes the source's side fail every list and watch until {@link #repair()}. */
  protected abstract void breakSource();

  /** Ends {@link #breakSource()}. */
  protected abstract void repair();

  @AfterEach
  void closeSource() {
    if (source != null) {
      source.close();
    }
  }

  private GuestClusterSource started() throws InterruptedException {
    source = newSource();
    source.start();
    assertTrue(source.awaitSynced(PATIENCE), "did not sync within " + PATIENCE);
    return source;
  }

  private static List<ClusterId> ids(ClusterSnapshot snapshot) {
    return snapshot.clusters().stream().map(GuestCluster::id).toList();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + PATIENCE + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  private boolean lists(String... ids) {
    try {
      return ids(source.snapshot()).equals(java.util.Arrays.stream(ids).map(ClusterId::of)
          .toList());
    } catch (SourceNotReadyException notNow) {
      return false;
    }
  }

  @Test
  void aSyncedSourceListsTheClustersOnItsSideSorted() throws InterruptedException {
    addCluster("beta");
    addCluster("alpha");
    started();
    assertEquals(List.of(ClusterId.of("alpha"), ClusterId.of("beta")), ids(source.snapshot()));
  }

  @Test
  void listenersHearOfAddedAndRemovedClustersAndTheSnapshotFollows()
      throws InterruptedException {
    started();
    AtomicInteger changes = new AtomicInteger();
    source.addChangeListener(changes::incrementAndGet);

    addCluster("alpha");
    await(() -> changes.get() > 0 && lists("alpha"), "alpha listed and announced");
    int seen = changes.get();
    removeCluster("alpha");
    await(() -> changes.get() > seen && lists(), "alpha gone and announced");
  }

  @Test
  void aFailingSourceThrowsInsteadOfListingNothingAndRecovers() throws InterruptedException {
    addCluster("alpha");
    started();
    breakSource();
    await(() -> {
      try {
        source.snapshot();
        return false;
      } catch (SourceNotReadyException expected) {
        return true;
      }
    }, "snapshot fails while the source is broken");
    repair();
    await(() -> lists("alpha"), "alpha listed again after recovery");
  }

  @Test
  void startAndCloseAreIdempotentAndAClosedSourceGivesNoSnapshot() throws InterruptedException {
    started();
    source.start();
    source.close();
    source.close();
    assertThrows(SourceNotReadyException.class, source::snapshot);
  }
}
