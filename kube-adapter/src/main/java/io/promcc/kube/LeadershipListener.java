package io.promcc.kube;

/**
 * Told when this replica gains or loses leadership. Callbacks run on the election's own threads,
 * must return quickly and must not block on the election. Default methods do nothing.
 */
public interface LeadershipListener {
  /** This replica now holds the lease: it may write. */
  default void startedLeading() {}

  /** This replica no longer holds the lease (lost, or closed): it must stop writing. */
  default void stoppedLeading() {}

  /** Another (or this) replica is observed as the holder of the lease. */
  default void newLeader(String identity) {}
}
