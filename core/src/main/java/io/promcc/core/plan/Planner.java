package io.promcc.core.plan;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.ValidationException;
import io.promcc.core.yaml.BaseConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Plans the files Prometheus needs for a set of guest clusters: a pure function from clusters,
 * certificates and settings to a {@link DesiredState}.
 *
 * <p>Same input, in any order, gives byte-identical output. A cluster that cannot be planned (no
 * certificate, a duplicated ID, a label that collides with the controller's labels, a job name
 * another cluster already has) is left out with a {@link Rejection}; the others are planned as
 * usual. Problems with the profile or base config as a whole are thrown. Immutable and
 * thread-safe.
 */
public final class Planner {
  private final ScrapeProfile profile;
  private final BaseConfig baseConfig;

  /**
   * @param profile the jobs to make per cluster
   * @param baseConfig the user's config to merge into
   */
  public Planner(ScrapeProfile profile, BaseConfig baseConfig) {
    this.profile = requireNonNull(profile, "profile == null");
    this.baseConfig = requireNonNull(baseConfig, "baseConfig == null");
  }

  /** The default profile and an empty base config. */
  public static Planner withDefaults() {
    return new Planner(ScrapeProfile.defaultProfile(), BaseConfig.empty());
  }

  /**
   * Plans the desired files.
   *
   * @param clusters the guest clusters; order does not matter
   * @param certificates each cluster's certificate; a cluster without one is rejected
   * @param settings job prefix, labels, paths and output mode
   * @throws ValidationException if the result would not be a valid Prometheus config (e.g. the
   *     base config has two jobs of one name or a bad duration); every problem is listed
   */
  public DesiredState plan(Collection<GuestCluster> clusters,
      Map<ClusterId, CertificateBundle> certificates, ControllerSettings settings) {
    requireNonNull(clusters, "clusters == null");
    requireNonNull(certificates, "certificates == null");
    requireNonNull(settings, "settings == null");
    List<Rejection> rejections = new ArrayList<>();
    Map<ClusterId, GuestCluster> accepted = accept(clusters, certificates, settings, rejections);

    Map<String, DesiredFile> files = new HashMap<>();
    JobRenderer renderer = new JobRenderer(profile, settings);
    rejectJobNameCollisions(accepted, renderer, rejections);
    ConfigValidator validator = new ConfigValidator();
    validator.checkGlobal(baseConfig.values());
    baseConfig.unownedJobs(settings.jobPrefix()).forEach(validator::checkUnownedJob);

    String configDir = RelativePaths.parent(settings.configFileName());
    boolean perCluster = settings.outputMode() == OutputMode.PER_CLUSTER_FILES;
    StringBuilder mergedJobs = new StringBuilder(accepted.size() * 8192);
    Map<GuestCluster, CertificatePaths> named = new java.util.LinkedHashMap<>();
    Map<GuestCluster, String> jobDirs = new java.util.LinkedHashMap<>();
    for (GuestCluster cluster : accepted.values()) {
      CertificatePaths paths = CertificatePaths.of(cluster.id(), settings);
      addCertificates(files, paths, certificates.get(cluster.id()), settings);
      String jobFile = settings.scrapeConfigDirectory() + "/" + cluster.id().value() + ".yml";
      String jobDir = perCluster ? RelativePaths.parent(jobFile) : configDir;
      CertificatePaths asNamed = paths.relativeTo(jobDir);
      named.put(cluster, asNamed);
      jobDirs.put(cluster, jobDir);
      StringBuilder jobs = perCluster ? new StringBuilder("scrape_configs:\n") : mergedJobs;
      renderer.render(cluster, asNamed, jobs).forEach(validator::checkOwnedJob);
      if (perCluster) {
        files.put(jobFile, DesiredFile.of(FileKind.SCRAPE_CONFIG, jobs.toString()));
      }
    }
    named.forEach((cluster, asNamed) -> validator.checkCertificateFiles(cluster.id().value(),
        asNamed, jobDirs.get(cluster), files.keySet()));
    if (!validator.problems().isEmpty()) {
      throw new ValidationException("planned config", validator.problems());
    }
    String glob = perCluster
        ? RelativePaths.relativize(configDir, settings.scrapeConfigDirectory() + "/*.yml") : null;
    String config = baseConfig.render(settings.jobPrefix(), mergedJobs, glob);
    files.put(settings.configFileName(), DesiredFile.of(FileKind.MAIN_CONFIG, config));
    return new DesiredState(files, settings.configFileName(), accepted.keySet(), rejections);
  }

  private static Map<ClusterId, GuestCluster> accept(Collection<GuestCluster> clusters,
      Map<ClusterId, CertificateBundle> certificates, ControllerSettings settings,
      List<Rejection> rejections) {
    Map<ClusterId, Integer> counts = new HashMap<>();
    clusters.forEach(cluster -> counts.merge(requireNonNull(cluster, "cluster == null").id(), 1,
        Integer::sum));
    Set<String> reserved = Set.of(settings.clusterIdLabel(), settings.clusterTypeLabel(),
        settings.providerLabel());
    Map<ClusterId, GuestCluster> accepted = new TreeMap<>();
    Set<ClusterId> reportedDuplicates = new HashSet<>();
    for (GuestCluster cluster : clusters) {
      ClusterId id = cluster.id();
      String subject = id.value();
      if (counts.get(id) > 1) {
        if (reportedDuplicates.add(id)) {
          rejections.add(new Rejection(subject, "duplicate-id", "cluster id "
              + Quoting.quote(subject) + " is claimed " + counts.get(id) + " times"));
        }
        continue;
      }
      List<String> collisions = cluster.labels().keySet().stream()
          .filter(reserved::contains).sorted().toList();
      if (!collisions.isEmpty()) {
        rejections.add(new Rejection(subject, "label-collision", "label "
            + Quoting.quote(collisions.get(0)) + " of cluster " + Quoting.quote(subject)
            + " collides with a label the controller sets"));
        continue;
      }
      if (!certificates.containsKey(id)) {
        rejections.add(new Rejection(subject, "certificate-missing",
            "no client certificate for cluster " + Quoting.quote(subject)));
        continue;
      }
      accepted.put(id, cluster);
    }
    return accepted;
  }

  /**
   * Rejects a cluster whose job name another cluster already has: with templates {@code exporter}
   * and {@code node-exporter}, clusters {@code x-node} and {@code x} both make
   * {@code <prefix>-x-node-exporter}. Clusters are taken in ID order, so the result does not
   * depend on input order, and one cluster's ID never invalidates the whole config.
   */
  private void rejectJobNameCollisions(Map<ClusterId, GuestCluster> accepted,
      JobRenderer renderer, List<Rejection> rejections) {
    Map<String, ClusterId> owners = new HashMap<>();
    var iterator = accepted.values().iterator();
    while (iterator.hasNext()) {
      GuestCluster cluster = iterator.next();
      List<String> names = new ArrayList<>();
      for (JobTemplate template : profile.jobs()) {
        if (template.target() != TargetKind.ETCD || cluster.etcd().isPresent()) {
          names.add(renderer.jobName(cluster, template));
        }
      }
      String taken = names.stream().filter(owners::containsKey).findFirst().orElse(null);
      if (taken != null) {
        rejections.add(new Rejection(cluster.id().value(), "job-name-collision", "job "
            + Quoting.quote(taken) + " of cluster " + Quoting.quote(cluster.id().value())
            + " collides with a job of cluster " + Quoting.quote(owners.get(taken).value())));
        iterator.remove();
      } else {
        names.forEach(name -> owners.put(name, cluster.id()));
      }
    }
  }

  private static void addCertificates(Map<String, DesiredFile> files, CertificatePaths paths,
      CertificateBundle bundle, ControllerSettings settings) {
    files.put(paths.ca(), DesiredFile.of(FileKind.CERTIFICATE, bundle.caPem()));
    files.put(paths.certificate(), DesiredFile.of(FileKind.CERTIFICATE, bundle.certificatePem()));
    files.put(paths.key(), DesiredFile.of(FileKind.PRIVATE_KEY, bundle.privateKeyPem().revealBytes())
        .withMode(settings.privateKeyMode()));
  }
}
