package io.promcc.kube;

/**
 * Told when this replica gains or loses leadership. {@code startedLeading} and
 * {@code stoppedLeading} strictly alternate and run on the election's thread (or the thread that
 * calls {@link LeaderElection#close()}) while the election holds its lock: they must return
 * quickly and must not wait for another thread that uses the election. A callback can come up to
 * one call deadline (the retry period) after {@link LeaderElection#isLeader()} changed, so check
 * {@code isLeader()} (or use {@link LeaderElection#runIfLeader}) before each side effect instead of
 * relying on the callbacks alone. Default methods do nothing.
 */
public interface LeadershipListener {
  /** This replica now holds the lease. */
  default void startedLeading() {}

  /** This replica no longer holds the lease (lapsed, lost, or closed): it must stop writing. */
  default void stoppedLeading() {}

  /** Another (or this) replica is observed as the holder of the lease. */
  default void newLeader(String identity) {}
}
