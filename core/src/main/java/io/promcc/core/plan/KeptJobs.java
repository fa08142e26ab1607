package io.promcc.core.plan;

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
import io.promcc.core.yaml.YamlReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The jobs a cluster has on disk, as the controller wrote them, for a cluster that is present but
 * whose definition cannot be read now (see {@link Observation#keptJobs()}), and what planning on
 * them takes: planned on these, it keeps what Prometheus runs for it, byte for byte.
 *
 * <p>With per-cluster files they are the cluster's scrape config file. In a merged config they
 * are the {@code scrape_configs} items the controller wrote for the cluster: block-sequence items
 * at column 0 (every continuation line indented), whose job name carries the owned prefix and
 * the cluster's ID and whose {@code tls_config} names the cluster's certificate file (the job
 * name alone is ambiguous: {@code <prefix>-a-node-exporter} may be cluster {@code a}'s
 * {@code node-exporter} or cluster {@code a-node}'s {@code exporter}). Jobs written in the other
 * output mode, or with other certificate paths, are not found. Stateless.
 */
final class KeptJobs {
  static final String ITEM = "- job_name: ";

  private KeptJobs() {}

  /**
   * The clusters planned on their jobs on disk, in ID order: parallel lists of the ID, its kept
   * jobs and its certificate.
   */
  record Kept(List<ClusterId> ids, List<DesiredFile> jobs, List<CertificateBundle> bundles) {
    /** No cluster kept. */
    static final Kept NONE = new Kept(List.of(), List.of(), List.of());

    /**
     * Those of {@code observation} with a certificate; the others (none, as the reconciler
     * observes) are added to {@code rejections} with their certificate problem.
     */
    static Kept of(Observation observation, List<Rejection> rejections) {
      Kept kept = new Kept(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      observation.keptJobs().forEach((id, jobs) -> {
        CertificateBundle bundle = observation.certificates().get(id);
        if (bundle == null) {
          Rejection problem = observation.certificateProblems().get(id);
          rejections.add(problem != null ? problem : new Rejection(id.value(),
              "certificate-missing", "no client certificate for cluster "
                  + Quoting.quote(id.value())));
          return;
        }
        kept.ids().add(id);
        kept.jobs().add(jobs);
        kept.bundles().add(bundle);
      });
      return kept;
    }

    boolean isEmpty() {
      return ids.isEmpty();
    }

    /** Whether {@code other} keeps the same clusters with jobs of equal bytes. */
    boolean sameJobs(Kept other) {
      return ids.equals(other.ids) && jobs.equals(other.jobs);
    }
  }

  /**
   * Of {@code clusters}, those that would make a job whose name a kept cluster's job has, each
   * with a message naming both: the kept one is what Prometheus runs. Only a cluster whose ID
   * extends the other's with {@code -} (or the other way round) can make such a name.
   */
  static Map<ClusterId, String> collisions(List<GuestCluster> clusters, Kept kept,
      JobRenderer renderer) {
    Map<ClusterId, String> collisions = new TreeMap<>();
    if (kept.isEmpty()) {
      return collisions;
    }
    Map<String, ClusterId> keptNames = new HashMap<>();
    for (int k = 0; k < kept.ids().size(); k++) {
      for (String name : names(kept.jobs().get(k))) {
        keptNames.putIfAbsent(name, kept.ids().get(k));
      }
    }
    for (GuestCluster cluster : clusters) {
      String id = cluster.id().value();
      if (kept.ids().stream().noneMatch(other ->
          ClusterAcceptance.extendsWithDash(other.value(), id)
              || ClusterAcceptance.extendsWithDash(id, other.value()))) {
        continue;
      }
      for (String name : renderer.jobNames(cluster)) {
        ClusterId other = keptNames.get(name);
        if (other != null) {
          collisions.put(cluster.id(), "job name " + Quoting.quote(name) + " of cluster "
              + Quoting.quote(id) + " is also a job of cluster " + Quoting.quote(other.value())
              + ", which keeps the jobs it has");
          break;
        }
      }
    }
    return collisions;
  }

  /** The jobs on disk of each of {@code ids} that has any. */
  static SortedMap<ClusterId, DesiredFile> find(Collection<ClusterId> ids,
      SortedMap<String, DesiredFile> onDisk, ControllerSettings settings) {
    SortedMap<ClusterId, DesiredFile> kept = new TreeMap<>();
    if (ids.isEmpty()) {
      return kept;
    }
    if (settings.outputMode() == OutputMode.PER_CLUSTER_FILES) {
      for (ClusterId id : ids) {
        DesiredFile file = onDisk.get(DesiredState.sharedPath(
            settings.scrapeConfigDirectory() + "/" + id.value() + ".yml"));
        if (file != null) {
          kept.put(id, file);
        }
      }
      return kept;
    }
    DesiredFile main = onDisk.get(DesiredState.sharedPath(settings.configFileName()));
    if (main == null) {
      return kept;
    }
    String configDir = RelativePaths.parent(settings.configFileName());
    Map<String, ClusterId> byCertificate = new HashMap<>();
    Set<String> asked = new HashSet<>();
    for (ClusterId id : ids) {
      byCertificate.put(CertificatePaths.of(id, settings).relativeTo(configDir).certificate(), id);
      asked.add(id.value());
    }
    Map<ClusterId, StringBuilder> jobs = new TreeMap<>();
    String owned = settings.jobPrefix() + "-";
    // the config holds every cluster's jobs (87 MB at 10,000 clusters), and this runs at every
    // reconcile while a cluster is unreadable: its lines are walked in place, and only an item
    // whose job name names an asked cluster is decoded and parsed
    JobItemScanner scanner = new JobItemScanner(ITEM + owned, asked, item -> {
      ClusterId id = ownerOf(item, byCertificate, owned);
      if (id != null) {
        jobs.computeIfAbsent(id, k -> new StringBuilder()).append(item);
      }
    });
    main.asReadOnlyBuffers().forEach(scanner::scan);
    scanner.end();
    jobs.forEach((id, items) -> kept.put(id, DesiredFile.of(FileKind.MAIN_CONFIG,
        items.toString())));
    return kept;
  }

  /** The names of the jobs in {@code kept} (either form); none if it does not parse. */
  static List<String> names(DesiredFile kept) {
    Object root;
    try {
      root = YamlReader.read(kept.text(), "kept jobs");
    } catch (RuntimeException unreadable) {
      return List.of();
    }
    if (root instanceof Map<?, ?> file) {
      root = file.get("scrape_configs");
    }
    List<String> names = new ArrayList<>();
    if (root instanceof List<?> items) {
      for (Object item : items) {
        if (item instanceof Map<?, ?> job && job.get("job_name") != null) {
          names.add(String.valueOf(job.get("job_name")));
        }
      }
    }
    return names;
  }

  /** The cluster whose job {@code item} is, or null. */
  private static ClusterId ownerOf(String item, Map<String, ClusterId> byCertificate,
      String owned) {
    Object root;
    try {
      root = YamlReader.read(item, "kept jobs");
    } catch (RuntimeException notOurs) {
      return null;
    }
    if (!(root instanceof List<?> list) || list.size() != 1
        || !(list.get(0) instanceof Map<?, ?> job)
        || !(job.get("tls_config") instanceof Map<?, ?> tls)) {
      return null;
    }
    ClusterId id = byCertificate.get(String.valueOf(tls.get("cert_file")));
    return id != null && String.valueOf(job.get("job_name")).startsWith(owned + id.value() + "-")
        ? id : null;
  }

}
