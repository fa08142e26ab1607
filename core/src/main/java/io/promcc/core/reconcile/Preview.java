package io.promcc.core.reconcile;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.Rejection;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.DeliveryRecord;
import java.util.List;
import java.util.SortedMap;

/**
 * What a reconcile would do, seen without doing it ({@link Reconciler#preview()}): the desired
 * state, how it differs from the files on disk, what the store remembers, and each cluster's state.
 *
 * @param desired the planned files
 * @param diff what would be written and deleted
 * @param record the store's last verification and pinned rejection
 * @param degraded active clusters on kept certificates, with the source's problem
 * @param waiting clusters without any certificate yet
 * @param rejected clusters and objects left out for a problem of their own
 */
public record Preview(DesiredState desired, FileDiff diff, DeliveryRecord record,
    SortedMap<ClusterId, Rejection> degraded, List<Rejection> waiting, List<Rejection> rejected) {
  public Preview {
    requireNonNull(desired, "desired == null");
    requireNonNull(diff, "diff == null");
    requireNonNull(record, "record == null");
    degraded = ImmutableSortedMap.copyOfSorted(degraded);
    waiting = ImmutableList.copyOf(waiting);
    rejected = ImmutableList.copyOf(rejected);
  }

  /** True if the desired configuration is the one last verified as loaded. */
  public boolean configVerified() {
    return record.verified().map(v -> v.configHash().equals(desired.configHash())).orElse(false);
  }

  /**
   * True if the desired configuration is the one pinned as rejected ({@link
   * DeliveryRecord#rejected()}). A reconcile with a Prometheus does not write or reload it again
   * until the desired configuration changes; a first configuration (nothing verified) pinned
   * {@code prometheus-not-ready} with a baseline is verified, and unpinned, if Prometheus reports
   * a successful load later than that baseline while its files are on disk. A reconcile without
   * a Prometheus drops the pin and delivers it like any other configuration.
   */
  public boolean configPinned() {
    return record.rejected().map(r -> r.configHash().equals(desired.configHash())).orElse(false);
  }
}
