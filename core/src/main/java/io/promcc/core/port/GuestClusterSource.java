package io.promcc.core.port;

import io.promcc.core.model.GuestCluster;
import java.util.Collection;
import java.util.List;

/**
 * Where guest clusters come from (labelled Services in the host cluster, a file, ...).
 *
 * <p>Implementations are thread-safe. {@link #snapshot()} is cheap and may be called on every
 * reconcile. An error is never read as "no clusters": a source that cannot give a complete view
 * throws instead of returning an empty or partial one; a cluster whose object is present but
 * cannot be read is reported as unreadable ({@link ClusterSnapshot#unreadable()}), not as gone.
 */
public interface GuestClusterSource extends Lifecycle {
  /**
   * The current complete view.
   *
   * @throws SourceNotReadyException if the source has not synced, its last list/watch failed,
   *     or it is closed (a closed source knows nothing any more, which is not "no clusters");
   *     callers must then keep what they have instead of concluding that all clusters are gone
   */
  ClusterSnapshot snapshot();

  /**
   * Registers {@code listener} to be run (on a source thread; it must return quickly) whenever
   * something relevant may have changed. Events carry no data: the listener re-reads the snapshot.
   */
  void addChangeListener(Runnable listener);

  /**
   * A source that always lists {@code clusters} and never changes (for one-shot runs). It has no
   * lifecycle: it lists them after {@link #close()} too, so it is not one to run
   * {@code GuestClusterSourceContract} (core's test-jar) against.
   */
  static GuestClusterSource fixed(Collection<GuestCluster> clusters) {
    ClusterSnapshot snapshot = new ClusterSnapshot(List.copyOf(clusters), List.of());
    return new GuestClusterSource() {
      @Override
      public ClusterSnapshot snapshot() {
        return snapshot;
      }

      @Override
      public void addChangeListener(Runnable listener) {}
    };
  }
}
