package io.promcc.app.status;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.VerifiedReload;
import java.util.Locale;
import java.util.Optional;

/**
 * How a reload of Prometheus that a reconcile asked for ended; the {@code result} label of
 * {@code promcc_reloads_total} and {@code promcc_verified_reloads_total}.
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
   * The reload of the desired config a reconcile asked for, if it asked for one ({@link
   * ReconcileResult#desiredReloadAsked()}). A reload of the last verified config alone (a
   * rollback's, also one finished by a reconcile under the pin) is none: it counts in {@code
   * promcc_verified_reloads_total} ({@link #of(VerifiedReload)}). So:
   *
   * <ul>
   *   <li>{@link Outcome#RELOADED}: {@link #SUCCESS};
   *   <li>{@link Outcome#REJECTED} after a reload of the desired config: {@link #REJECTED}
   *       (Prometheus said no to it, whether or not the last verified config was restored).
   *       Without one it is the pinned config of an earlier rejection, which is not tried
   *       again, or a config that waits while Prometheus refuses the last verified one (a
   *       cause outside promcc's files): no reload;
   *   <li>{@link Outcome#PROMETHEUS_UNAVAILABLE} after a reload of the desired config was asked
   *       for: {@link #UNAVAILABLE}. Without one the config change waits for Prometheus and no
   *       reload was tried;
   *   <li>{@link Outcome#FAILED} after a reload of the desired config that Prometheus is known
   *       to run ({@link ReconcileResult#configInSync()}): {@link #SUCCESS}. The config loaded;
   *       only the store failed to record it;
   *   <li>any other outcome: no reload.
   * </ul>
   */
  public static Optional<ReloadResult> of(ReconcileResult result) {
    boolean reloadTried = result.desiredReloadAsked();
    switch (result.outcome()) {
      case RELOADED:
        return Optional.of(SUCCESS);
      case REJECTED:
        return reloadTried ? Optional.of(REJECTED) : Optional.empty();
      case PROMETHEUS_UNAVAILABLE:
        return reloadTried ? Optional.of(UNAVAILABLE) : Optional.empty();
      case FAILED:
        return reloadTried && result.configInSync() ? Optional.of(SUCCESS) : Optional.empty();
      default:
        return Optional.empty();
    }
  }

  /**
   * How a reload of the last verified config alone ended, as the same words count the desired
   * config's: loaded is {@link #SUCCESS}, refused (or Prometheus went away and did not come
   * back) {@link #REJECTED}, no verdict {@link #UNAVAILABLE}.
   */
  public static ReloadResult of(VerifiedReload reload) {
    return switch (reload) {
      case LOADED -> SUCCESS;
      case REFUSED -> REJECTED;
      case UNANSWERED -> UNAVAILABLE;
    };
  }
}
