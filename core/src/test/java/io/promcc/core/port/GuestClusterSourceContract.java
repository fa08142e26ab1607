package io.promcc.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link GuestClusterSource} does, run against the real source and the fake alike. A
 * subclass says how to make a source and how to add, remove and break clusters on its side (a
 * Service in a Kubernetes API, an entry in a list). Waits are bounded and generous, and look at
 * the source again each time it tells its change listeners, never on a timer: so a source passes
 * only if it tells them of each change looked for here (a cluster added or removed, a failure
 * that starts or ends).
 */
public abstract class GuestClusterSourceContract {
  /**
   * Generous: a working source is much faster, and a busy machine meets it even for a test
   * JVM's first source (kube-adapter's first informer took 45-70 s to sync at a load of 60).
   */
  protected static final Duration PATIENCE = Duration.ofSeconds(90);

  private GuestClusterSource source;
  /** Notified by the source's change listener; guards {@link #announced}. */
  private final Object announcements = new Object();
  private long announced;

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
    source.addChangeListener(() -> {
      synchronized (announcements) {
        announced++;
        announcements.notifyAll();
      }
    });
    source.start();
    assertTrue(source.awaitSynced(PATIENCE), "did not sync within " + PATIENCE);
    return source;
  }

  private static List<ClusterId> ids(ClusterSnapshot snapshot) {
    return snapshot.clusters().stream().map(GuestCluster::id).toList();
  }

  /** How many times the source has told its listeners of a change so far. */
  private long announced() {
    synchronized (announcements) {
      return announced;
    }
  }

  /**
   * Waits until {@code condition} holds, looking again each time the source tells its listeners,
   * for at most {@link #PATIENCE}. The condition is not asked while the announcements' lock is
   * held: it reads the source, whose threads may hold their own locks while they announce.
   */
  private void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      long seen;
      synchronized (announcements) {
        seen = announced;
      }
      if (condition.getAsBoolean()) {
        return;
      }
      synchronized (announcements) {
        while (announced == seen) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("not within " + PATIENCE + ": " + what + " (the source "
                + "told its listeners " + announced + " times, none since it was last seen)");
          }
          TimeUnit.NANOSECONDS.timedWait(announcements, left);
        }
      }
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
    long before = announced();

    addCluster("alpha");
    await(() -> announced() > before && lists("alpha"), "alpha listed and announced");
    long seen = announced();
    removeCluster("alpha");
    await(() -> announced() > seen && lists(), "alpha gone and announced");
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
    assertThrows(SourceNotReadyException.class, source::snapshot, "snapshot() of a closed "
        + "source must throw SourceNotReadyException: it knows nothing any more, and an empty "
        + "snapshot would be read as every cluster gone");
  }
}
