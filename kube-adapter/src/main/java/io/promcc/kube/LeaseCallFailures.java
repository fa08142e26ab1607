package io.promcc.kube;

import io.kubernetes.client.openapi.ApiException;

/**
 * The Lease call failures a {@link LeaderElection} warns about: once while one repeats, and that
 * it is over once the call works again. Not thread-safe: the election's runner thread only.
 */
final class LeaseCallFailures {
  // the election's logger: these lines are the election's
  private static final System.Logger LOG = System.getLogger(LeaderElection.class.getName());

  private final LeaseLock lock;
  /** The last Lease call failure warned about; null once that call works. */
  private String lastFailure;

  LeaseCallFailures(LeaseLock lock) {
    this.lock = lock;
  }

  /** Whether the failure warned about starts with {@code prefix} (a read failure, say). */
  boolean lastStartsWith(String prefix) {
    return lastFailure != null && lastFailure.startsWith(prefix);
  }

  /** The call that failed last works again: the failure warned about is over. */
  void worksAgain() {
    if (lastFailure != null) {
      LOG.log(System.Logger.Level.INFO, "lease " + lock.describe() + " calls work again after: "
          + lastFailure);
      lastFailure = null;
    }
  }

  /**
   * A Lease call failed. A conflict (another candidate wrote first) is the election at work; any
   * other failure (a 403 for a Lease name the Role does not list, an unreachable API server)
   * keeps this replica from leading, so it is a warning, once while it repeats. (The election
   * steps a leader down.)
   */
  void failed(String why, Exception e) {
    boolean conflict = e instanceof ApiException api && api.getCode() == 409;
    boolean repeated = why.equals(lastFailure);
    lastFailure = conflict ? lastFailure : why;
    LOG.log(conflict || repeated ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
        why + (conflict ? "" : "; this replica cannot lead (publish Events) until it works"));
  }
}
