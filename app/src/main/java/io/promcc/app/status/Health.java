package io.promcc.app.status;

/**
 * The controller's two probes, as {@link StatusServer} serves them on {@code /healthz} and
 * {@code /readyz}. {@link LoopHealth} implements the rules; the reconcile loop feeds it.
 *
 * <p>Implementations are thread-safe (probes arrive on HTTP threads while the loop runs), quick,
 * never block on the loop, and never throw.
 */
public interface Health {
  /**
   * Whether the process and its reconcile loop are alive. A failing liveness probe makes
   * Kubernetes restart the container, so it fails only for what a restart can cure: a loop that
   * stopped or is stuck.
   */
  HealthReport liveness();

  /**
   * Whether the controller does its job: its sources are synced and the last reconcile
   * succeeded, or failures are being retried within a grace period, and Prometheus, once a
   * reconcile succeeded, still answers.
   */
  HealthReport readiness();
}
