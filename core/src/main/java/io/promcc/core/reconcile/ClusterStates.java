package io.promcc.core.reconcile;

import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.Maps;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.Rejection;
import io.promcc.core.plan.AscendingLookup;
import io.promcc.core.plan.Observation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Predicate;

/**
 * What the planner made of each cluster, for a {@link ReconcileResult} and a {@link Preview}.
 */
record ClusterStates(SortedMap<ClusterId, Rejection> degraded, List<Rejection> waiting,
    List<Rejection> rejected, SortedMap<ClusterId, Instant> notAfter) {
  static ClusterStates of(DesiredState desired, Observation observation) {
    SortedMap<ClusterId, CertificateBundle> certificates = observation.certificates();
    // in the order of the desired state's clusters, sorted by ID: the maps are made in one
    // pass, without a tree
    List<Map.Entry<ClusterId, Rejection>> degraded = new ArrayList<>();
    AscendingLookup<Map.Entry<ClusterId, Rejection>> problems =
        new AscendingLookup<>(observation.certificateProblems().entrySet(), Map.Entry::getKey);
    for (ClusterId id : desired.clusters()) {
      Map.Entry<ClusterId, Rejection> problem = problems.find(id);
      if (problem != null) {
        degraded.add(Map.entry(id, problem.getValue()));
      }
    }
    SortedMap<ClusterId, Instant> notAfter;
    if (desired.clusters().size() == certificates.size()) {
      // every certified cluster is planned (the planned ones are certified ones): the map is
      // copied in the certificates' order, without comparing IDs again
      notAfter = ImmutableSortedMap.copyOfSorted(
          Maps.transformValues(certificates, CertificateBundle::notAfter));
    } else {
      List<Map.Entry<ClusterId, Instant>> planned = new ArrayList<>(desired.clusters().size());
      AscendingLookup<Map.Entry<ClusterId, CertificateBundle>> bundles =
          new AscendingLookup<>(certificates.entrySet(), Map.Entry::getKey);
      for (ClusterId id : desired.clusters()) {
        planned.add(Map.entry(id, bundles.find(id).getValue().notAfter()));
      }
      notAfter = ImmutableSortedMap.copyOf(planned);
    }
    // a cluster left out only for want of a certificate waits; anything else is a rejection
    Set<Rejection> certificateProblems =
        new HashSet<>(observation.certificateProblems().values());
    Predicate<Rejection> waits = r -> certificateProblems.contains(r)
        || r.reason().equals(Observer.CERTIFICATE_MISSING);
    return new ClusterStates(ImmutableSortedMap.copyOf(degraded),
        desired.rejections().stream().filter(waits).toList(),
        desired.rejections().stream().filter(waits.negate()).toList(),
        notAfter);
  }
}
