package io.promcc.core.reconcile;

import com.google.common.collect.ImmutableSortedMap;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.Secret;
import io.promcc.core.plan.AscendingLookup;
import io.promcc.core.plan.CertificatePaths;
import io.promcc.core.plan.KeptJobsFinder;
import io.promcc.core.plan.Observation;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.ClusterSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns a cluster snapshot and the certificate source's answer into the planner's
 * {@link Observation}, applying the partial-view rule: a cluster whose certificate source failed
 * keeps the certificate files it has on disk (even past their end, so its scrapes fail visibly as
 * {@code up == 0} instead of its targets vanishing); only a cluster without any certificate waits.
 * A cluster the cluster source knows to be present but cannot read keeps, the same way, its
 * certificate files and the jobs it has as they are on disk (none if none is found there), if
 * it has its certificate files.
 */
final class Observer {
  static final String EXPIRED = "expired";
  static final String CERTIFICATE_MISSING = "certificate-missing";
  static final String CERTIFICATE_INVALID = "certificate-invalid";
  static final String CLUSTER_UNREADABLE = "cluster-unreadable";

  private final CertificateSource certificates;
  private final ControllerSettings settings;
  /** Walks a merged config for the unreadable clusters' jobs only when it or they changed. */
  private final KeptJobsFinder keptJobs = new KeptJobsFinder();

  Observer(CertificateSource certificates, ControllerSettings settings) {
    this.certificates = certificates;
    this.settings = settings;
  }

  /** The observation and when the certificate source next wants attention. */
  record Observed(Observation observation, Optional<Instant> nextAttention) {}

  Observed observe(ClusterSnapshot snapshot, SortedMap<String, DesiredFile> onDisk,
      Instant now) {
    List<GuestCluster> clusters = snapshot.clusters();
    CertificateObservation answer = certificates.observe(clusters);
    // the snapshot's clusters are sorted by ID: entries collected in that order make the sorted
    // maps in one pass, without a tree
    List<Map.Entry<ClusterId, CertificateBundle>> usable = new ArrayList<>(clusters.size());
    List<Map.Entry<ClusterId, Rejection>> problems = new ArrayList<>();
    AscendingLookup<Map.Entry<ClusterId, CertificateBundle>> bundles =
        new AscendingLookup<>(answer.bundles().entrySet(), Map.Entry::getKey);
    ClusterId previous = null;
    for (GuestCluster cluster : clusters) {
      ClusterId id = cluster.id();
      if (id.equals(previous)) {
        continue; // a duplicated ID: the planner rejects it, and its answer is the same
      }
      previous = id;
      Map.Entry<ClusterId, CertificateBundle> fresh = bundles.find(id);
      if (fresh != null) {
        usable.add(Map.entry(id, fresh.getValue()));
        Rejection notRenewed = answer.problems().get(id); // its last one, served: degraded
        if (notRenewed != null) {
          problems.add(Map.entry(id, notRenewed));
        }
        continue;
      }
      Rejection problem = answer.problems().getOrDefault(id, new Rejection(id.value(),
          CERTIFICATE_MISSING, "the certificate source has no certificate for cluster "
              + Quoting.quote(id.value())));
      Optional<CertificateBundle> kept = keptOnDisk(id, onDisk);
      if (kept.isPresent()) {
        usable.add(Map.entry(id, kept.get()));
        problem = expiredIfEnded(id, kept.get(), problem, now, "the certificate source failed");
      }
      problems.add(Map.entry(id, problem));
    }
    SortedMap<ClusterId, DesiredFile> keptJobs = new TreeMap<>();
    if (!snapshot.unreadable().isEmpty()) {
      SortedMap<ClusterId, DesiredFile> jobs =
          this.keptJobs.find(snapshot.unreadable().keySet(), onDisk, settings);
      snapshot.unreadable().forEach((id, unreadable) -> {
        Optional<CertificateBundle> kept = keptOnDisk(id, onDisk);
        if (kept.isEmpty()) {
          return; // no certificate files of it on disk: left out, as its rejection says
        }
        // with the jobs found, or none: a base config job may use its certificate files
        keptJobs.put(id, jobs.get(id));
        usable.add(Map.entry(id, kept.get()));
        problems.add(Map.entry(id, expiredIfEnded(id, kept.get(), new Rejection(id.value(),
            CLUSTER_UNREADABLE, "cluster " + Quoting.quote(id.value())
                + " keeps the certificate files and any jobs it has on disk:"
                + " the cluster source cannot read it ("
                + unreadable.subject() + ": " + unreadable.reason() + ")"), now,
            "the cluster source cannot read it")));
      });
    }
    return new Observed(new Observation(clusters, ImmutableSortedMap.copyOf(usable),
        ImmutableSortedMap.copyOf(problems), snapshot.rejections(), keptJobs),
        answer.nextAttention());
  }

  /**
   * {@code observation} after the validator found the new certificate files of each of
   * {@code invalid}'s clusters invalid: as when its certificate source fails, such a cluster
   * keeps the certificate files it has on disk (and its jobs), or waits if it has none.
   */
  Observation withInvalidCertificates(Observation observation,
      Map<ClusterId, Rejection> invalid, SortedMap<String, DesiredFile> onDisk, Instant now) {
    SortedMap<ClusterId, CertificateBundle> usable = new TreeMap<>(observation.certificates());
    SortedMap<ClusterId, Rejection> problems = new TreeMap<>(observation.certificateProblems());
    invalid.forEach((id, problem) -> {
      Optional<CertificateBundle> kept = keptOnDisk(id, onDisk);
      if (kept.isPresent()) {
        usable.put(id, kept.get());
        problems.put(id, expiredIfEnded(id, kept.get(), problem, now,
            "its new certificate files are invalid"));
      } else {
        usable.remove(id);
        problems.put(id, problem);
      }
    });
    return new Observation(observation.clusters(), usable, problems, observation.rejections(),
        observation.keptJobs());
  }

  /** {@code problem}, or {@code expired} saying so if the kept certificate has ended. */
  private static Rejection expiredIfEnded(ClusterId id, CertificateBundle kept,
      Rejection problem, Instant now, String why) {
    if (now.isBefore(kept.notAfter()) || problem.reason().equals(EXPIRED)) {
      return problem;
    }
    return new Rejection(id.value(), EXPIRED, "the kept certificate of cluster "
        + Quoting.quote(id.value()) + " expired at " + kept.notAfter() + ", and " + why + ": "
        + problem.message() + " (" + problem.reason() + ")");
  }

  /** The cluster's certificate files as the store holds them now, if all three parse. */
  private Optional<CertificateBundle> keptOnDisk(ClusterId id,
      SortedMap<String, DesiredFile> onDisk) {
    CertificatePaths paths = CertificatePaths.of(id, settings);
    DesiredFile ca = onDisk.get(paths.ca());
    DesiredFile certificate = onDisk.get(paths.certificate());
    DesiredFile key = onDisk.get(paths.key());
    if (ca == null || certificate == null || key == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(CertificateBundle.fromPem(ca.text(), certificate.text(),
          Secret.of(key.text())));
    } catch (InvalidValueException unusable) {
      return Optional.empty();
    }
  }
}
