package io.promcc.core.plan;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What one plan rendered per cluster, for the next plan of the same planner to reuse: at 10,000
 * clusters a reconcile with one cluster changed renders one cluster, not 10,000. An entry is reused
 * only while its input is equal: the jobs while the cluster is equal, the certificate files while
 * the bundle is equal, the paths while the cluster ID is equal, and nothing once the settings
 * differ. The profile and base config are the planner's own and never change; a new planner
 * starts with an empty memo.
 *
 * <p>Entries are kept in cluster ID order, the order a plan visits its clusters in, so a plan
 * finds each cluster's entry by walking the memo alongside its clusters: no hashing, no lookups.
 *
 * <p>Immutable: a plan reads one memo and publishes a new one holding exactly the clusters it
 * planned, so the memo never outgrows the fleet.
 */
final class RenderMemo {
  static final RenderMemo EMPTY = new RenderMemo(null, null, List.of(), null, KeptJobs.Kept.NONE);

  /**
   * One cluster's rendered output.
   *
   * @param cluster the input of {@code jobs} and {@code scrapeFile}
   * @param jobs merged mode: the cluster's jobs as block-sequence items (the config is joined
   *     from them, sharing their bytes); else null
   * @param scrapeFile per-cluster-files mode: the cluster's scrape config file; else null
   * @param bundle the input of the certificate files
   * @param certificates the CA, certificate and key files, in that order
   * @param paths where the certificate files go (they depend on the cluster ID and settings)
   * @param scrapePath per-cluster-files mode: where the scrape config file goes; else null
   */
  record Rendered(GuestCluster cluster, DesiredFile jobs, DesiredFile scrapeFile,
      CertificateBundle bundle, DesiredFile[] certificates, CertificatePaths paths,
      String scrapePath) {}

  private final ControllerSettings settings;
  /** The renderer of the profile with {@code settings}; null for the empty memo. */
  private final JobRenderer renderer;
  /** Sorted by cluster ID. */
  private final List<Rendered> entries;
  /** The plan itself; null for the empty memo. */
  private final DesiredState state;
  /**
   * The plan's jobs that are no entry's: those of clusters kept as they are on disk
   * ({@link Observation#keptJobs()}), which its merged config holds too, with their certificates.
   */
  private final KeptJobs.Kept kept;

  private RenderMemo(ControllerSettings settings, JobRenderer renderer, List<Rendered> entries,
      DesiredState state, KeptJobs.Kept kept) {
    this.settings = settings;
    this.renderer = renderer;
    this.entries = entries;
    this.state = state;
    this.kept = kept;
  }

  /**
   * The renderer of {@code profile} with {@code current} settings: this memo's while the settings
   * are equal (making one renders the profile's job heads and rules again), else a new one.
   */
  JobRenderer renderer(ScrapeProfile profile, ControllerSettings current) {
    return current.equals(settings) ? renderer : new JobRenderer(profile, current);
  }

  /** The plan this memo was made of, for the next to build on; null for the empty memo. */
  DesiredState state() {
    return state;
  }

  /**
   * The plan's main config file, if it was rendered with {@code current} settings of the
   * clusters' output {@code clusterOutput}, the very outputs of this memo's entries, in order
   * (compared by reference), and of {@code keptJobs}, equal to this memo's kept jobs (compared
   * by content: the observer reads them from disk again each time, and they are few). Null
   * otherwise. With the planner's fixed base config and profile, that config is the one a new
   * render would make. In per-cluster-files mode the config names the scrape files' folder, not
   * the clusters, so the settings alone decide.
   */
  DesiredFile configFor(ControllerSettings current, List<Rendered> clusterOutput,
      KeptJobs.Kept keptJobs) {
    if (state == null || !current.equals(settings)) {
      return null;
    }
    if (current.outputMode() == OutputMode.PER_CLUSTER_FILES) {
      return state.config();
    }
    if (!kept.sameJobs(keptJobs) || clusterOutput.size() != entries.size()) {
      return null;
    }
    for (int i = 0; i < entries.size(); i++) {
      Rendered was = entries.get(i);
      Rendered now = clusterOutput.get(i);
      if (now.jobs() != was.jobs() || now.scrapeFile() != was.scrapeFile()) {
        return null;
      }
    }
    return state.config();
  }

  /**
   * Whether {@code now} is this memo's kept clusters with equal jobs and certificates: the
   * files a plan makes of them are then byte for byte this plan's.
   */
  boolean sameKept(KeptJobs.Kept now) {
    return kept.sameJobs(now) && kept.bundles().equals(now.bundles());
  }

  /** The paths of the plan's files, sorted. */
  Collection<String> paths() {
    return state == null ? List.of() : state.files().keySet();
  }

  /**
   * The entries rendered with {@code current} settings (none if the settings differ), for
   * cluster IDs asked in ascending order.
   */
  AscendingLookup<Rendered> reader(ControllerSettings current) {
    return new AscendingLookup<>(current.equals(settings) ? entries : List.of(),
        entry -> entry.cluster().id());
  }

  /** Collects the entries of one plan, added in ascending cluster ID order. */
  static final class Next {
    private final ControllerSettings settings;
    private final JobRenderer renderer;
    private final List<Rendered> entries;
    private final KeptJobs.Kept kept;

    /** @param kept the clusters the plan also holds as they are on disk */
    Next(ControllerSettings settings, JobRenderer renderer, int expected, KeptJobs.Kept kept) {
      this.settings = settings;
      this.renderer = renderer;
      this.entries = new ArrayList<>(expected);
      this.kept = kept;
    }

    void add(Rendered rendered) {
      entries.add(rendered);
    }

    /** The entries added so far, in order. */
    List<Rendered> entries() {
      return entries;
    }

    /** The memo of {@code plan}. */
    RenderMemo build(DesiredState plan) {
      return new RenderMemo(settings, renderer, entries, plan, kept);
    }
  }
}
