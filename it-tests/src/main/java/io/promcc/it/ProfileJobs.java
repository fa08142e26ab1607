package io.promcc.it;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.JobTemplate;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.plan.TargetKind;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the default scrape profile makes for a guest cluster, read from the profile itself (not
 * from what the controller wrote): the {@code job} labels of its targets and the Prometheus jobs
 * (scrape pools; templates with a {@code shared_job} share one). Thread-safe.
 */
public final class ProfileJobs {
  /** The default job name prefix of {@code promcc run}. */
  public static final String PREFIX = "guest-cluster";

  private ProfileJobs() {}

  /**
   * The {@code job} label values of {@code cluster}'s targets, e.g.
   * {@code guest-cluster-a-kubelet}.
   */
  public static SortedSet<String> jobLabels(GuestCluster cluster) {
    SortedSet<String> jobs = new TreeSet<>();
    for (JobTemplate template : templates(cluster)) {
      jobs.add(PREFIX + "-" + cluster.id().value() + "-" + template.name());
    }
    return Collections.unmodifiableSortedSet(jobs);
  }

  /** The Prometheus job names ({@code job_name}, the targets' scrape pools) of {@code cluster}. */
  public static SortedSet<String> scrapePools(GuestCluster cluster) {
    SortedSet<String> pools = new TreeSet<>();
    for (JobTemplate template : templates(cluster)) {
      pools.add(PREFIX + "-" + cluster.id().value() + "-"
          + (template.sharedJob() != null ? template.sharedJob() : template.name()));
    }
    return Collections.unmodifiableSortedSet(pools);
  }

  /** The prefix of every job name of the cluster {@code id}. */
  public static String prefixOf(String id) {
    return PREFIX + "-" + id + "-";
  }

  private static Iterable<JobTemplate> templates(GuestCluster cluster) {
    // an etcd template applies only to a cluster that names its etcd
    return ScrapeProfile.defaultProfile().jobs().stream()
        .filter(t -> t.target() != TargetKind.ETCD || cluster.etcd().isPresent())
        .toList();
  }
}
