package io.promcc.core.reconcile;

/** The steps of a reconcile, in order; each is timed in {@link ReconcileResult#durations()}. */
public enum Phase {
  /** Cluster snapshot, certificates, the files on disk. */
  OBSERVE,
  /** The pure planner. */
  PLAN,
  /** Comparing the desired files with the files on disk. */
  DIFF,
  /** Local checks of the changed files (and promtool, if configured). */
  VALIDATE,
  /** Atomic writes and deletions, including a rollback's restore. */
  WRITE,
  /** Asking Prometheus to reload, and waiting for it to be ready after one. */
  RELOAD,
  /**
   * Asking Prometheus what it loaded (with nothing verified yet, waiting for it to be ready
   * before the first reload too).
   */
  VERIFY;

  /** Lower-case name for metric labels and logs, e.g. {@code observe}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
