package io.promcc.core.reconcile;

/**
 * How a reload of the last verified config alone ended, one that promcc made without the
 * desired config: a rollback's (right after a rejection, or finishing one under the pin), and
 * those of a config that waits while Prometheus refuses the verified one for a cause outside
 * promcc's files. {@link ReconcileResult#verifiedReloads()} lists them; a reload of the desired
 * config is {@link ReconcileResult#desiredReloadAsked()} instead.
 */
public enum VerifiedReload {
  /** Prometheus loaded the verified config, proven as any load is. */
  LOADED,
  /** Prometheus refused it, or went away during the reload and did not come back in time. */
  REFUSED,
  /** The reload was asked for but got no verdict: Prometheus did not answer in time. */
  UNANSWERED
}
