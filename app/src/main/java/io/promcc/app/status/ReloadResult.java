package io.promcc.app.status;

import io.promcc.core.reconcile.Phase;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.Locale;
import java.util.Optional;

/**
 * How a reload of Prometheus that a reconcile asked for ended; the {@code result} label of
 * {@code promcc_reloads_total}.
 */
public enum ReloadResult {
  /** Prometheus loaded the desired config, verified. */
  SUCCESS,
  /** Prometheus refused the config, or went away during the reload and did not come back. */
  REJECTED,
  /** Prometheus could not be reached or did not answer in time; nothing was rejected. */
  UNAVAILABLE;

  /** Lower-case label, e.g. {@code success}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The reload a reconcile made, if it made one. A reconcile reloads only when the config
   * changed, and then it spends time in {@link Phase#RELOAD}; a reconcile without that phase
   * made no reload, whatever its outcome. So:
   *
   * <ul>
   *   <li>{@link Outcome#RELOADED}: {@link #SUCCESS};
   *   <li>{@link Outcome#REJECTED} with a reload phase: {@link #REJECTED} (Prometheus said no to
   *       this reconcile's reload, whether or not the last verified config was restored).
   *       Without one it is the pinned config of an earlier rejection, which is not tried
   *       again: no reload;
   *   <li>{@link Outcome#PROMETHEUS_UNAVAILABLE} with a reload phase: {@link #UNAVAILABLE}.
   *       Without one the config change waits for Prometheus and no reload was tried;
   *   <li>any other outcome: no reload.
   * </ul>
   */
  public static Optional<ReloadResult> of(ReconcileResult result) {
    boolean reloadTried = result.durations().containsKey(Phase.RELOAD);
    switch (result.outcome()) {
      case RELOADED:
        return Optional.of(SUCCESS);
      case REJECTED:
        return reloadTried ? Optional.of(REJECTED) : Optional.empty();
      case PROMETHEUS_UNAVAILABLE:
        return reloadTried ? Optional.of(UNAVAILABLE) : Optional.empty();
      default:
        return Optional.empty();
    }
  }
}
