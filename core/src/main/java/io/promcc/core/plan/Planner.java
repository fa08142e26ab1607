package io.promcc.core.plan;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plans the files Prometheus needs for a set of guest clusters: a pure function from clusters,
 * certificates and settings to a {@link DesiredState}.
 *
 * <p>Same input, in any order, gives byte-identical output. A cluster that cannot be planned (no
 * certificate, a duplicated ID, a label that collides with the controller's labels or with the
 * {@code le} or {@code quantile} of scraped histograms and summaries) is left out with a
 * {@link Rejection}; the others are planned as usual. Problems with the profile or base
 * config as a whole are thrown. Thread-safe. Its only state is a memo of the last plan
 * ({@link RenderMemo}): its per-cluster output, reused where a cluster's inputs are equal, and
 * the plan itself, whose hash records the next one copies for the files it reuses
 * ({@link DesiredState#after}), so a planner kept from one reconcile to the next renders and
 * hashes only the clusters that changed; the output is byte for byte what a fresh planner
 * makes.
 */
public final class Planner {
  private final ScrapeProfile profile;
  private final BaseConfig baseConfig;
  /** The last plan's per-cluster output; see {@link RenderMemo}. */
  private final AtomicReference<RenderMemo> memo = new AtomicReference<>(RenderMemo.EMPTY);

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
   * @throws ValidationException if the base config would make an invalid Prometheus config (two
   *     jobs of one name, a bad duration); every problem is listed, naming the base config
   */
  public DesiredState plan(Collection<GuestCluster> clusters,
      Map<ClusterId, CertificateBundle> certificates, ControllerSettings settings) {
    requireNonNull(clusters, "clusters == null");
    requireNonNull(certificates, "certificates == null");
    requireNonNull(settings, "settings == null");
    return plan(new Observation(List.copyOf(clusters), new TreeMap<>(certificates),
        new TreeMap<>(), List.of()), settings);
  }

  /**
   * Checks the inputs as {@link #plan(Observation, ControllerSettings)} does first, without any
   * cluster: {@link #checkBaseConfig} and {@link #checkTemplateTimeouts}. For a caller that wants
   * bad inputs refused when they are read (at start, or when a file changes), not at every plan.
   *
   * @throws ValidationException naming every problem of the first input that has one
   */
  public void checkInputs(ControllerSettings settings) {
    checkBaseConfig(settings);
    checkTemplateTimeouts();
  }

  /**
   * Checks the base config on its own: its global durations and the jobs the user wrote.
   *
   * @throws ValidationException naming every problem, about {@code base config "<source>"}
   */
  public void checkBaseConfig(ControllerSettings settings) {
    requireNonNull(settings, "settings == null");
    ConfigValidator baseValidator = new ConfigValidator();
    baseValidator.checkGlobal(baseConfig.values());
    baseConfig.unownedJobs(settings.jobPrefix()).forEach(baseValidator::checkUnownedJob);
    if (!baseValidator.problems().isEmpty()) {
      throw new ValidationException("base config " + Quoting.quote(baseConfig.source()),
          baseValidator.problems());
    }
  }

  /**
   * Checks the profile's job templates against the base config's global scrape interval and
   * timeout (or Prometheus' defaults 1m and 10s): a template without an interval of its own must
   * not time out later, and an interval or timeout its rules certainly set must not make the
   * timeout of its targets greater than their interval, where the other is the job's from the
   * global config (Prometheus would drop every target of the job).
   *
   * @throws ValidationException naming every problem, about the {@code scrape profile}
   */
  public void checkTemplateTimeouts() {
    ConfigValidator validator = new ConfigValidator();
    validator.checkTemplateTimeouts(baseConfig.values(), profile.jobs());
    if (!validator.problems().isEmpty()) {
      throw new ValidationException("scrape profile", validator.problems());
    }
  }


  /**
   * Plans the desired files for what the sources said. A cluster without a certificate is left
   * out with its certificate problem as the reason ({@code certificate-missing} if the source
   * gave none); the cluster source's rejections are carried into
   * {@link DesiredState#rejections()} as they are. A cluster with kept jobs
   * ({@link Observation#keptJobs()}) is planned on them and its certificate, unchanged, its jobs
   * under the names they were written with; a listed cluster that would make a job of the same
   * name is rejected ({@code job-name-collision}), and so is a kept cluster with a job named like
   * one of the base config or of another kept cluster (possible after a change of the job prefix
   * or the profile): the config never holds two jobs of one name. A cluster left out for a name
   * it shares with one that certainly stays (the base config's, a kept cluster's) no longer
   * claims its other names, so a cluster that shared one only with it keeps its jobs. In a
   * merged config, which holds the base config's jobs too, a job found for a kept cluster under
   * a base config job's name is the base config's, and left out of the kept cluster's.
   *
   * @throws ValidationException as {@link #plan(Collection, Map, ControllerSettings)}
   */
  public DesiredState plan(Observation observation, ControllerSettings settings) {
    requireNonNull(observation, "observation == null");
    requireNonNull(settings, "settings == null");
    List<GuestCluster> clusters = observation.clusters();
    SortedMap<ClusterId, CertificateBundle> certificates = observation.certificates();
    checkInputs(settings);
    RenderMemo lastPlan = memo.get();
    JobRenderer renderer = lastPlan.renderer(profile, settings);
    List<Rejection> rejections = new ArrayList<>(observation.rejections());
    ClusterAcceptance.Accepted accepted = ClusterAcceptance.accept(clusters, certificates,
        observation.certificateProblems(), lastPlan.reader(settings), settings, rejections);
    // names are settled from what certainly stays to what may give way: the base config's jobs,
    // then the kept clusters' (one named like a base config job goes first, and leaves the
    // others its names), then the listed clusters' (one that makes a kept name goes before the
    // listed ones are compared, and leaves them the names it shared with them); each step
    // rejects both sides of a tie, so no order of the input chooses between them
    KeptJobs.Kept kept = KeptJobs.Kept.of(observation, rejections);
    if (!kept.isEmpty()) {
      Set<String> baseJobs = baseJobNames(settings);
      if (settings.outputMode() == OutputMode.MERGED) {
        // the merged config on disk holds the base config's jobs too, written before the
        // clusters' under any name: one named like a job of the base config is the base
        // config's, which the planned config holds as it is
        kept = kept.withoutItemsNamed(baseJobs);
      }
      // kept jobs keep the names they were written with, whatever the profile and prefix now
      KeptJobs.Collisions collisions = KeptJobs.collisions(accepted.clusters(), kept, renderer,
          settings.jobPrefix(), baseJobs, baseConfig.source());
      kept = kept.without(collisions.kept(), rejections);
      accepted = ClusterAcceptance.rejectColliding(accepted, collisions.listed(), rejections);
    }
    accepted = ClusterAcceptance.rejectJobNameCollisions(accepted, renderer, rejections);

    // in runs already in path order (certificates, the config, scrape files, each in cluster
    // order), so sorting 40,000 paths at 10,000 clusters is one pass that finds a few runs, and
    // none at all if they are the last plan's paths (see PathOrder)
    ConfigValidator validator = new ConfigValidator();

    String configDir = RelativePaths.parent(settings.configFileName());
    boolean perCluster = settings.outputMode() == OutputMode.PER_CLUSTER_FILES;
    // Prometheus resolves files against the folder of the file that names them
    String jobDir = perCluster ? settings.scrapeConfigDirectory() : configDir;
    int count = accepted.clusters().size();
    RenderMemo.Next next = new RenderMemo.Next(settings, renderer, count, kept);
    List<ClusterId> planned = new ArrayList<>(count);
    List<Map.Entry<String, DesiredFile>> files = new ArrayList<>(count * 4 + 1);
    List<Map.Entry<String, DesiredFile>> scrapeFiles = new ArrayList<>(count);
    // merged mode: each planned cluster's jobs, in ID order, the kept ones' among them
    List<DesiredFile> jobs = new ArrayList<>(count);
    boolean allReused = true;
    int k = 0;
    for (int i = 0; i <= count; i++) {
      ClusterId following = i < count ? accepted.clusters().get(i).id() : null;
      for (; k < kept.ids().size()
          && (following == null || kept.ids().get(k).compareTo(following) < 0); k++) {
        ClusterId id = kept.ids().get(k);
        planned.add(id);
        CertificatePaths paths = CertificatePaths.of(id, settings);
        DesiredFile[] certificateFiles = certificateFiles(kept.bundles().get(k), settings);
        files.add(Map.entry(paths.ca(), certificateFiles[0]));
        files.add(Map.entry(paths.certificate(), certificateFiles[1]));
        files.add(Map.entry(paths.key(), certificateFiles[2]));
        if (perCluster) {
          scrapeFiles.add(Map.entry(scrapePath(id, jobDir), kept.jobs().get(k)));
        } else {
          jobs.add(kept.jobs().get(k));
        }
      }
      if (i == count) {
        break;
      }
      GuestCluster cluster = accepted.clusters().get(i);
      RenderMemo.Rendered was = accepted.last().get(i);
      RenderMemo.Rendered rendered = render(cluster, accepted.bundles().get(i), was, renderer,
          settings, jobDir, validator);
      allReused &= rendered == was;
      next.add(rendered);
      planned.add(cluster.id());
      // taken while the entry is at hand: a second walk over 10,000 entries costs milliseconds
      DesiredFile[] certificateFiles = rendered.certificates();
      CertificatePaths paths = rendered.paths();
      files.add(Map.entry(paths.ca(), certificateFiles[0]));
      files.add(Map.entry(paths.certificate(), certificateFiles[1]));
      files.add(Map.entry(paths.key(), certificateFiles[2]));
      if (perCluster) {
        scrapeFiles.add(Map.entry(rendered.scrapePath(), rendered.scrapeFile()));
      } else {
        jobs.add(rendered.jobs());
      }
    }
    if (!validator.problems().isEmpty()) {
      throw new ValidationException("planned config", validator.problems());
    }
    // the last plan's config if every cluster's output is the last plan's and the kept jobs are
    // equal to its kept jobs (in merged mode at 10,000 clusters, rendering and hashing the 87 MB
    // config again is most of a plan, and a cluster kept as it is on disk may stay so for days),
    // or in per-cluster-files mode if the settings are
    DesiredFile config = lastPlan.configFor(settings, next.entries(), kept);
    DesiredState previous = lastPlan.state();
    // with the config reused, the settings and the number of entries are the last plan's;
    // clusters are planned in ID order, the order a state keeps them in; rejections are sorted
    if (config != null && allReused && lastPlan.sameKept(kept)
        && previous.clusters().equals(planned)
        && previous.rejections().equals(ImmutableList.sortedCopyOf(rejections))) {
      // every entry is the memo's own and every kept cluster's jobs and certificate are equal to
      // the last plan's, so every file is byte for byte the last plan's, and so are the clusters
      // and rejections: the last plan is this plan (and its memo this plan's memo)
      return previous;
    }
    if (config == null) {
      config = renderConfig(jobs, settings, perCluster, configDir);
    }
    files.add(Map.entry(DesiredState.sharedPath(settings.configFileName()), config));
    files.addAll(scrapeFiles);
    ImmutableSortedMap<String, DesiredFile> sorted = PathOrder.sorted(files, lastPlan.paths());
    DesiredState state = previous == null
        ? new DesiredState(sorted, settings.configFileName(), planned, rejections)
        : DesiredState.after(previous, sorted, settings.configFileName(), planned, rejections);
    memo.set(next.build(state));
    return state;
  }

  /** The names of the base config's own jobs, which the planned config holds as they are. */
  private Set<String> baseJobNames(ControllerSettings settings) {
    Set<String> names = new HashSet<>();
    for (Map<?, ?> job : baseConfig.unownedJobs(settings.jobPrefix())) {
      names.add(BaseConfig.jobName(job));
    }
    return names;
  }

  /** The main config: the base config with the clusters' jobs, or the scrape files' glob. */
  private DesiredFile renderConfig(List<DesiredFile> jobs, ControllerSettings settings,
      boolean perCluster, String configDir) {
    if (perCluster) {
      return DesiredFile.of(FileKind.MAIN_CONFIG, baseConfig.render(settings.jobPrefix(), "",
          RelativePaths.relativize(configDir, settings.scrapeConfigDirectory() + "/*.yml")));
    }
    // joined from the clusters' jobs as the memo keeps them, not copied: at 10,000 clusters they
    // are 87 MB, which a copy would hold twice (three times while a change is planned)
    boolean anyJobs = false;
    for (DesiredFile cluster : jobs) {
      anyJobs |= cluster.size() > 0;
    }
    BaseConfig.Frame frame = baseConfig.frame(settings.jobPrefix(), anyJobs, null);
    List<DesiredFile> parts = new ArrayList<>(jobs.size() + 2);
    parts.add(DesiredFile.of(FileKind.MAIN_CONFIG, frame.head()));
    parts.addAll(jobs);
    parts.add(DesiredFile.of(FileKind.MAIN_CONFIG, frame.tail()));
    return DesiredFile.joined(FileKind.MAIN_CONFIG, parts);
  }

  /**
   * The jobs each of {@code clusters} has in {@code onDisk} (the files the store holds), as the
   * controller wrote them with these settings, for the clusters that are present but unreadable
   * ({@link Observation#keptJobs()}): with per-cluster files its scrape config file, in a merged
   * config the jobs written for it there. A cluster with none found there (none made for it,
   * or its jobs written in the other output mode or with other certificate paths) has no job:
   * an empty scrape config file, or no item; it is kept on its certificate files, which a base
   * config job may use whatever its name. {@link KeptJobsFinder} gives the same answer, and
   * remembers the last one.
   */
  static SortedMap<ClusterId, DesiredFile> keptJobs(Collection<ClusterId> clusters,
      SortedMap<String, DesiredFile> onDisk, ControllerSettings settings) {
    requireNonNull(clusters, "clusters == null");
    requireNonNull(onDisk, "onDisk == null");
    requireNonNull(settings, "settings == null");
    return KeptJobs.find(clusters, onDisk, settings);
  }

  /**
   * One cluster's jobs, certificate files and their paths, reused from the last plan where the
   * cluster (for the jobs) or the bundle (for the certificate files) is unchanged (the last
   * plan's very entry if both are); the paths
   * depend only on the cluster ID and the settings, which are equal for any entry of the memo.
   * The certificate paths a reused entry names were checked when it was rendered.
   */
  private static RenderMemo.Rendered render(GuestCluster cluster, CertificateBundle bundle,
      RenderMemo.Rendered last, JobRenderer renderer, ControllerSettings settings, String jobDir,
      ConfigValidator validator) {
    boolean perCluster = settings.outputMode() == OutputMode.PER_CLUSTER_FILES;
    CertificatePaths paths = last != null ? last.paths()
        : CertificatePaths.of(cluster.id(), settings);
    String scrapePath = last != null ? last.scrapePath()
        : perCluster ? scrapePath(cluster.id(), jobDir) : null;
    boolean sameCluster = last != null && last.cluster().equals(cluster);
    boolean sameBundle = last != null && last.bundle().equals(bundle);
    if (sameCluster && sameBundle) {
      return last;
    }
    DesiredFile jobs;
    DesiredFile scrapeFile;
    if (sameCluster) {
      jobs = last.jobs();
      scrapeFile = last.scrapeFile();
    } else {
      CertificatePaths asNamed = paths.relativeTo(jobDir);
      validator.checkCertificateFiles(cluster.id().value(), asNamed, jobDir,
          Set.of(paths.ca(), paths.certificate(), paths.key()));
      // one copy kept per cluster: the file in per-cluster mode, the text in merged mode
      StringBuilder out = new StringBuilder(perCluster ? "scrape_configs:\n" : "");
      renderer.render(cluster, asNamed, out);
      scrapeFile = perCluster ? DesiredFile.of(FileKind.SCRAPE_CONFIG, out.toString()) : null;
      jobs = perCluster ? null : DesiredFile.of(FileKind.MAIN_CONFIG, out.toString());
    }
    DesiredFile[] certificateFiles = sameBundle ? last.certificates()
        : certificateFiles(bundle, settings);
    return new RenderMemo.Rendered(cluster, jobs, scrapeFile, bundle, certificateFiles, paths,
        scrapePath);
  }

  /** The CA, certificate and key files of {@code bundle}, in that order. */
  private static DesiredFile[] certificateFiles(CertificateBundle bundle,
      ControllerSettings settings) {
    return new DesiredFile[] {
        DesiredFile.of(FileKind.CERTIFICATE, bundle.caPem()),
        DesiredFile.of(FileKind.CERTIFICATE, bundle.certificatePem()),
        DesiredFile.of(FileKind.PRIVATE_KEY, bundle.privateKeyPem().revealBytes())
            .withMode(settings.privateKeyMode())};
  }

  /** Per-cluster-files mode: where the scrape config file of cluster {@code id} goes. */
  private static String scrapePath(ClusterId id, String jobDir) {
    return DesiredState.sharedPath(jobDir + "/" + id.value() + ".yml");
  }
}
