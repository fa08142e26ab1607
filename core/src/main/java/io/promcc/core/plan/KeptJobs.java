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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The jobs a cluster has on disk, as the controller wrote them, for a cluster that is present but
 * whose definition cannot be read now (see {@link Observation#keptJobs()}), and what planning on
 * them takes: planned on these, it keeps what Prometheus runs for it, byte for byte.
 *
 * <p>With per-cluster files they are the cluster's scrape config file. In a merged config they
 * are the {@code scrape_configs} items the controller wrote for the cluster: block-sequence items
 * at column 0 (every continuation line indented), whose job name holds the cluster's ID between
 * two dashes ({@code <prefix>-<id>-<job>}, under the prefix they were written with, which may
 * have changed since: with per-cluster files the file keeps them too) and whose
 * {@code tls_config} names the cluster's certificate file (the job name alone is ambiguous:
 * {@code <prefix>-a-node-exporter} may be cluster {@code a}'s {@code node-exporter} or cluster
 * {@code a-node}'s {@code exporter}). Jobs written in the other output mode, or with other
 * certificate paths, are not found. Kept jobs keep their names, so they are checked against
 * every other name of a plan ({@link #collisions}). Stateless.
 *
 * <p>A job of the base config is told from the cluster's by its name only: one the base config
 * has now is the base config's ({@link Kept#withoutItemsNamed}), but one the user has since
 * removed from it, named with the cluster's ID between dashes and using its certificate file,
 * is taken for one of the cluster's and kept with them until the cluster is read again or
 * removed. Nothing in the config on disk tells such a job from one the controller wrote under
 * another prefix or profile (both are ordinary items, with any keys), so it is not guessed at.
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

    /** These without {@code rejected}'s clusters, which are added to {@code rejections}. */
    Kept without(Map<ClusterId, String> rejected, List<Rejection> rejections) {
      if (rejected.isEmpty()) {
        return this;
      }
      rejected.forEach((id, message) ->
          rejections.add(new Rejection(id.value(), "job-name-collision", message)));
      Kept out = new Kept(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (int k = 0; k < ids.size(); k++) {
        if (!rejected.containsKey(ids.get(k))) {
          out.ids().add(ids.get(k));
          out.jobs().add(jobs.get(k));
          out.bundles().add(bundles.get(k));
        }
      }
      return out;
    }

    /**
     * These without the items of a merged config named like one of {@code baseJobs}: the
     * config on disk holds the base config's jobs too, and one of them that names a kept
     * cluster's certificate file and its ID between dashes is found with the cluster's. A
     * cluster left without an item stays planned on its certificate files and no job: that base
     * config job scrapes with them, and the config would not load without them.
     */
    Kept withoutItemsNamed(Set<String> baseJobs) {
      if (baseJobs.isEmpty()) {
        return this;
      }
      List<DesiredFile> own = new ArrayList<>(jobs.size());
      boolean changed = false;
      for (DesiredFile file : jobs) {
        String text = file.text();
        StringBuilder kept = new StringBuilder(text.length());
        for (String item : items(text)) {
          List<String> names = names(DesiredFile.of(FileKind.MAIN_CONFIG, item));
          if (names.isEmpty() || !baseJobs.containsAll(names)) {
            kept.append(item);
          }
        }
        changed |= kept.length() != text.length();
        own.add(kept.length() == text.length() ? file
            : DesiredFile.of(FileKind.MAIN_CONFIG, kept.toString()));
      }
      return changed ? new Kept(ids, own, bundles) : this;
    }

    /** Whether {@code other} keeps the same clusters with jobs of equal bytes. */
    boolean sameJobs(Kept other) {
      return ids.equals(other.ids) && jobs.equals(other.jobs);
    }
  }

  /**
   * What gives way to the kept clusters' jobs, or among them, each with a message naming both
   * sides: listed clusters that would make a job name a kept cluster has (the kept one is what
   * Prometheus runs), and kept clusters with a job name the base config or another kept cluster
   * has.
   */
  record Collisions(Map<ClusterId, String> listed, Map<ClusterId, String> kept) {}

  /**
   * The collisions of {@code kept} with {@code clusters}, with the base config's own jobs
   * ({@code baseJobs}: names) and among themselves. A kept job keeps the name it was written
   * with, which after a change of the profile or of the job prefix may be any name: a listed
   * cluster makes {@code <prefix>-<id>-<job>}, so only the clusters whose ID is a kept name's
   * part after the prefix up to a {@code -} are compared, found by ID.
   */
  static Collisions collisions(List<GuestCluster> clusters, Kept kept, JobRenderer renderer,
      String prefix, Set<String> baseJobs, String baseSource) {
    Map<ClusterId, String> listed = new TreeMap<>();
    Map<ClusterId, String> rejectedKept = new TreeMap<>();
    if (kept.isEmpty()) {
      return new Collisions(listed, rejectedKept);
    }
    List<List<String>> names = new ArrayList<>(kept.ids().size());
    for (int k = 0; k < kept.ids().size(); k++) {
      ClusterId id = kept.ids().get(k);
      names.add(names(kept.jobs().get(k)));
      for (String name : names.get(k)) {
        if (baseJobs.contains(name)) {
          rejectedKept.putIfAbsent(id, keptMessage(name, id) + " of base config "
              + Quoting.quote(baseSource));
        }
      }
    }
    // a kept cluster the base config's jobs leave out shares no name with another kept one
    Map<String, ClusterId> keptNames = new HashMap<>();
    for (int k = 0; k < kept.ids().size(); k++) {
      ClusterId id = kept.ids().get(k);
      if (rejectedKept.containsKey(id)) {
        continue;
      }
      for (String name : names.get(k)) {
        ClusterId other = keptNames.putIfAbsent(name, id);
        if (other != null && !other.equals(id)) {
          rejectedKept.putIfAbsent(other, keptMessage(name, other) + " of cluster "
              + Quoting.quote(id.value()) + ", which keeps the jobs it has");
          rejectedKept.putIfAbsent(id, keptMessage(name, id) + " of cluster "
              + Quoting.quote(other.value()) + ", which keeps the jobs it has");
        }
      }
    }
    keptNames.values().removeIf(rejectedKept::containsKey);
    Map<String, GuestCluster> byId = new HashMap<>();
    for (GuestCluster cluster : clusters) {
      byId.put(cluster.id().value(), cluster);
    }
    Set<GuestCluster> candidates = new TreeSet<>(Comparator.comparing(GuestCluster::id));
    String owned = prefix + "-";
    for (String name : keptNames.keySet()) {
      if (!name.startsWith(owned)) {
        continue; // no listed cluster makes it
      }
      for (int dash = name.indexOf('-', owned.length() + 1); dash > 0;
          dash = name.indexOf('-', dash + 1)) {
        GuestCluster cluster = byId.get(name.substring(owned.length(), dash));
        if (cluster != null) {
          candidates.add(cluster);
        }
      }
    }
    for (GuestCluster cluster : candidates) {
      String id = cluster.id().value();
      for (String name : renderer.jobNames(cluster)) {
        ClusterId other = keptNames.get(name);
        if (other != null) {
          listed.put(cluster.id(), "job name " + Quoting.quote(name) + " of cluster "
              + Quoting.quote(id) + " is also a job of cluster " + Quoting.quote(other.value())
              + ", which keeps the jobs it has");
          break;
        }
      }
    }
    return new Collisions(listed, rejectedKept);
  }

  private static String keptMessage(String name, ClusterId id) {
    return "job name " + Quoting.quote(name) + " of cluster " + Quoting.quote(id.value())
        + ", which keeps the jobs it has, is also a job";
  }

  /**
   * The jobs on disk of each of {@code ids}, in ID order: a cluster with none found there has
   * {@link #none} (nothing on disk is read as "no job", never as "gone": whether the cluster is
   * kept is its certificate files' to say, which a base config job may use whatever its name).
   */
  static SortedMap<ClusterId, DesiredFile> find(Collection<ClusterId> ids,
      SortedMap<String, DesiredFile> onDisk, ControllerSettings settings) {
    return find(ids, onDisk, settings, KeptJobs::walk);
  }

  /** How the items of a merged config are found: {@link #walk}, or a memo of it. */
  interface Walk {
    /** The items of the merged config {@code main} of each of {@code ids} that has any. */
    SortedMap<ClusterId, DesiredFile> items(Collection<ClusterId> ids, DesiredFile main,
        ControllerSettings settings);
  }

  /** As {@link #find(Collection, SortedMap, ControllerSettings)}, walking by {@code walk}. */
  static SortedMap<ClusterId, DesiredFile> find(Collection<ClusterId> ids,
      SortedMap<String, DesiredFile> onDisk, ControllerSettings settings, Walk walk) {
    SortedMap<ClusterId, DesiredFile> kept = new TreeMap<>();
    if (ids.isEmpty()) {
      return kept;
    }
    if (settings.outputMode() == OutputMode.PER_CLUSTER_FILES) {
      for (ClusterId id : ids) {
        DesiredFile file = onDisk.get(DesiredState.sharedPath(
            settings.scrapeConfigDirectory() + "/" + id.value() + ".yml"));
        kept.put(id, file != null ? file : none(settings));
      }
      return kept;
    }
    DesiredFile main = onDisk.get(DesiredState.sharedPath(settings.configFileName()));
    if (main != null) {
      kept.putAll(walk.items(ids, main, settings));
    }
    for (ClusterId id : ids) {
      kept.putIfAbsent(id, none(settings));
    }
    return kept;
  }

  /**
   * No job: with per-cluster files the file the planner writes for a cluster the profile makes
   * no job for, in a merged config no item.
   */
  static DesiredFile none(ControllerSettings settings) {
    return settings.outputMode() == OutputMode.PER_CLUSTER_FILES
        ? DesiredFile.of(FileKind.SCRAPE_CONFIG, "scrape_configs:\n")
        : DesiredFile.of(FileKind.MAIN_CONFIG, "");
  }

  /** The items of the merged config {@code main} of each of {@code ids} that has any. */
  static SortedMap<ClusterId, DesiredFile> walk(Collection<ClusterId> ids,
      DesiredFile main, ControllerSettings settings) {
    SortedMap<ClusterId, DesiredFile> kept = new TreeMap<>();
    String configDir = RelativePaths.parent(settings.configFileName());
    Map<String, ClusterId> byCertificate = new HashMap<>();
    Set<String> asked = new HashSet<>();
    for (ClusterId id : ids) {
      byCertificate.put(CertificatePaths.of(id, settings).relativeTo(configDir).certificate(), id);
      asked.add(id.value());
    }
    Map<ClusterId, StringBuilder> jobs = new TreeMap<>();
    // the config holds every cluster's jobs (87 MB at 10,000 clusters), and this runs at every
    // reconcile while a cluster is unreadable: its lines are walked in place, and only an item
    // whose job name names an asked cluster is decoded and parsed
    JobItemScanner scanner = new JobItemScanner(ITEM, asked, item -> {
      ClusterId id = ownerOf(item, byCertificate);
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

  /** The block-sequence items of {@code text}: each from a line that starts with {@code -}. */
  private static List<String> items(String text) {
    List<String> items = new ArrayList<>();
    int from = 0;
    for (int at = text.indexOf("\n-"); at >= 0; at = text.indexOf("\n-", at + 1)) {
      items.add(text.substring(from, at + 1));
      from = at + 1;
    }
    if (from < text.length()) {
      items.add(text.substring(from));
    }
    return items;
  }

  /** The cluster whose job {@code item} is, or null. */
  private static ClusterId ownerOf(String item, Map<String, ClusterId> byCertificate) {
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
    return id != null && String.valueOf(job.get("job_name")).contains("-" + id.value() + "-")
        ? id : null;
  }

}
