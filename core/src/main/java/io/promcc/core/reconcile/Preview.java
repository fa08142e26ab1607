package io.promcc.core.reconcile;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.Rejection;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.DeliveryRecord;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.RuntimeInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * What a reconcile would do, seen without doing it ({@link Reconciler#preview()}): the desired
 * state, what a reconcile would write and delete, what the store remembers, what a reconcile
 * does under the pin of the desired config, and each cluster's state.
 *
 * @param desired the planned files
 * @param diff what a reconcile would write and delete: the files on disk made the desired ones;
 *     under a pin that holds ({@link #underPin()}), only the renewed certificate files of the
 *     files on disk (the pinned config is not written)
 * @param record the store's last verification and pinned rejection, as the next reconcile
 *     finds them (with a load Prometheus made whose record failed, which it records first)
 * @param degraded active clusters on kept certificates, with the source's problem
 * @param waiting clusters without any certificate yet
 * @param rejected clusters and objects left out for a problem of their own
 * @param underPin what a reconcile does with the desired config besides writing {@code diff},
 *     if it is pinned and a Prometheus is configured, so that the pin holds; empty otherwise
 */
public record Preview(DesiredState desired, FileDiff diff, DeliveryRecord record,
    SortedMap<ClusterId, Rejection> degraded, List<Rejection> waiting, List<Rejection> rejected,
    Optional<UnderPin> underPin) {
  /**
   * Copies the collections.
   *
   * @throws NullPointerException if a part is null
   */
  public Preview {
    requireNonNull(desired, "desired == null");
    requireNonNull(diff, "diff == null");
    requireNonNull(record, "record == null");
    degraded = ImmutableSortedMap.copyOfSorted(degraded);
    waiting = ImmutableList.copyOf(waiting);
    rejected = ImmutableList.copyOf(rejected);
    requireNonNull(underPin, "underPin == null");
  }

  /** True if the desired configuration is the one last verified as loaded. */
  public boolean configVerified() {
    return record.verified().map(v -> v.configHash().equals(desired.configHash())).orElse(false);
  }

  /**
   * True if the desired configuration is the one pinned as rejected ({@link
   * DeliveryRecord#rejected()}). With a Prometheus the pin holds: {@link #underPin()} says what
   * a reconcile does. Without one the pin is lifted ({@link #liftsPin()}).
   */
  public boolean configPinned() {
    return record.rejected().map(r -> r.configHash().equals(desired.configHash())).orElse(false);
  }

  /**
   * The pin of another configuration than the desired one (the desired configuration changed
   * since it was pinned, or went back to the verified one), if there is one: it does not hold
   * for the desired configuration, and a reconcile lifts it once it delivers the desired one
   * (without a Prometheus once its files are written, with one once Prometheus runs it: found
   * running it, or reloaded and verified), or pins the desired one instead if Prometheus refuses
   * it. Empty if there is no pin or it pins the desired configuration ({@link #configPinned()}).
   */
  public Optional<RejectedConfig> stalePin() {
    return record.rejected().filter(r -> !r.configHash().equals(desired.configHash()));
  }

  /**
   * True if a reconcile would lift the pin of the desired configuration: without a Prometheus
   * nothing judges a configuration, so it is written ({@link #diff()}) like any other.
   */
  public boolean liftsPin() {
    return configPinned() && underPin.isEmpty();
  }

  /**
   * What a reconcile with a Prometheus does with the pinned desired configuration besides
   * writing {@link Preview#diff()} (renewed certificate files of the files on disk): it neither
   * writes nor reloads the pinned configuration, and it may finish a rollback to the last
   * verified configuration or verify the pinned one after all. These are the delivery's own
   * decisions, taken from the files on disk, the store's record, what the reconciler remembers
   * of its rollbacks and, for the last two components, Prometheus' runtime info (which a
   * reconcile asks once, and a preview does not ask).
   *
   * @param pin the pin of the desired configuration
   * @param restore why a reconcile would restore the last verified configuration and reload it
   *     whatever Prometheus reports (a rollback that did not finish: the main configuration is
   *     missing, the configuration on disk is not the verified one, or this reconciler's
   *     rollback reload got no answer); empty if nothing says so
   * @param restoreOnFailedLoad whether a reconcile with no such reason would restore the last
   *     verified configuration and reload it if Prometheus reports that its last load failed
   * @param verifyAfter the pin's baseline if a reconcile would verify the pinned configuration,
   *     and lift the pin, once Prometheus reports a successful load later than it (a first
   *     configuration pinned not ready whose files are on disk); empty otherwise
   * @param unverifiable whether the pin is of such a first configuration, its files on disk, but
   *     was recorded without a baseline (by an earlier promcc): Prometheus may have loaded it
   *     after all, nothing tells such a load from an earlier one, and a reconcile keeps the pin
   *     whatever Prometheus reports
   * @param rollbackUnseen for a configuration pinned not ready while another one is verified,
   *     why Prometheus may run the pinned configuration all the same: it may have loaded the
   *     pinned files after all, before the rollback restored the verified ones, and no load of
   *     the verified configuration at or after the pin's baseline is recorded (or the pin, from
   *     an earlier promcc, has no baseline). A reconcile keeps such a pin whatever Prometheus
   *     reports (it finishes a rollback, it never verifies the pinned configuration), so
   *     Prometheus' answer does not tell whether it runs the desired configuration. Empty
   *     otherwise: a load recorded at or after the baseline is the rollback's reload, which read
   *     the restored files after the pinned ones
   */
  public record UnderPin(RejectedConfig pin, Optional<String> restore,
      boolean restoreOnFailedLoad, Optional<Instant> verifyAfter, boolean unverifiable,
      Optional<String> rollbackUnseen) {
    /** The reason a reconcile restores the last verified config after a failed load. */
    static final String FAILED_LOAD = "prometheus still reported the failed load";

    /** @throws NullPointerException if a part is null */
    public UnderPin {
      requireNonNull(pin, "pin == null");
      requireNonNull(restore, "restore == null");
      requireNonNull(verifyAfter, "verifyAfter == null");
      requireNonNull(rollbackUnseen, "rollbackUnseen == null");
    }

    /**
     * Why a reconcile would restore the last verified configuration and reload it, with
     * Prometheus answering {@code info} (empty: it cannot be asked); empty if it would not.
     */
    public Optional<String> restores(Optional<RuntimeInfo> info) {
      if (restore.isPresent() || !restoreOnFailedLoad) {
        return restore;
      }
      return info.filter(i -> !i.reloadConfigSuccess()).map(i -> FAILED_LOAD);
    }

    /**
     * The load by which a reconcile would verify the pinned configuration and lift the pin,
     * with Prometheus answering {@code info} (empty: it cannot be asked): its {@code
     * lastConfigTime}, a successful load later than the pin's baseline; empty if it would not.
     */
    public Optional<Instant> verifies(Optional<RuntimeInfo> info) {
      return verifyAfter.flatMap(baseline -> info.filter(i -> i.reloadConfigSuccess()
          && i.lastConfigTime().isAfter(baseline)).map(RuntimeInfo::lastConfigTime));
    }

    /** Whether what a reconcile does under the pin depends on Prometheus' runtime info. */
    public boolean asksPrometheus() {
      return restore.isEmpty() && (restoreOnFailedLoad || verifyAfter.isPresent());
    }
  }
}
