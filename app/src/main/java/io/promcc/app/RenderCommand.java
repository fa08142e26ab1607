package io.promcc.app;

import io.promcc.app.local.CertificateDirectory;
import io.promcc.app.run.FolderInUseException;
import io.promcc.app.run.FolderLock;
import io.promcc.app.settings.FolderOverlaps;
import io.promcc.app.settings.OutputFolders;
import io.promcc.app.settings.Shard;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.reconcile.Preview;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.yaml.BaseConfig;
import io.promcc.core.yaml.ClusterList;
import io.promcc.prometheus.AtomicFileStore;
import io.promcc.prometheus.LocalValidation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code promcc render}: plans the Prometheus files for clusters listed in a file and writes them
 * to a folder, or prints every problem of invalid input and writes nothing (a write that fails
 * part way lists what it had already written). It is one reconcile of the controller
 * without a Prometheus to reload: the same observe step, partial-view rules and file store.
 */
@Command(name = "render", sortOptions = false, mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {"Write the Prometheus config and certificate files of a clusters file.",
        "On invalid input, print every problem and write nothing; a write that fails",
        "part way lists the files it had already replaced or deleted. Files of clusters",
        "gone since the last render are deleted; files it did not write are never",
        "replaced or deleted. Refused (exit 2) while a promcc run writes to --out."})
final class RenderCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  /** How many paths a failure lists at most. */
  private static final int LISTED = 20;

  private final Function<Path, ConfigStore> stores;

  RenderCommand() {
    this(AtomicFileStore::new);
  }

  /** A render writing through the store {@code stores} makes for --out (a seam for tests). */
  RenderCommand(Function<Path, ConfigStore> stores) {
    this.stores = stores;
  }

  @Option(names = "--clusters", required = true, paramLabel = "FILE",
      description = "YAML list of clusters (id, provider, apiServer, optional labels and etcd).")
  Path clustersFile;

  @Option(names = "--base-config", paramLabel = "FILE",
      description = "Prometheus config to merge the generated jobs into (default: none).")
  Path baseConfigFile;

  @Option(names = "--profile", paramLabel = "FILE",
      description = "Scrape profile (default: the built-in one; see 'promcc profile').")
  Path profileFile;

  @Option(names = "--cert-dir", paramLabel = "DIR",
      description = "Folder with <cluster>-ca.pem, -crt.pem and -key.pem per cluster. A cluster "
          + "without all three gets no jobs, unless it has certificate files in --out already.")
  Path certificateDirectory;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Folder to write prometheus.yml and the certificate files to.")
  Path outputDirectory;

  @Option(names = "--output-mode", paramLabel = "MODE", defaultValue = "merged",
      converter = OutputModes.class,
      description = "merged (one prometheus.yml) or per-cluster-files (Prometheus >= 2.43; "
          + "default: ${DEFAULT-VALUE}).")
  OutputMode outputMode;

  @Option(names = "--job-prefix", paramLabel = "PREFIX", defaultValue = "guest-cluster",
      converter = JobPrefixes.class,
      description = "Prefix of owned job names (default: ${DEFAULT-VALUE}).")
  String jobPrefix;

  @Option(names = "--shard", paramLabel = "K/N", converter = Shard.Converter.class,
      description = "Render only the clusters of shard K of N (0 <= K < N, e.g. the Pod ordinal "
          + "of a StatefulSet of N Prometheus servers); default: all clusters.")
  Shard shard;

  @Option(names = "--strict",
      description = "Treat a cluster left out (e.g. one without certificate) as an error.")
  boolean strict;

  @Override
  public Integer call() {
    // its few log lines (a lock file that cannot be made) as run's and check's, not the JDK's
    Logging.configure("info");
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    List<String> problems = new ArrayList<>();
    List<GuestCluster> listed = read(problems, () -> ClusterList.parse(
        InputFiles.text(clustersFile, "clusters file"), clustersFile.toString()));
    ScrapeProfile profile = profileFile == null ? ScrapeProfile.defaultProfile()
        : read(problems, () -> ScrapeProfile.parse(InputFiles.text(profileFile, "profile"),
            profileFile.toString()));
    BaseConfig parsed = baseConfigFile == null ? BaseConfig.empty()
        : read(problems, () -> BaseConfig.parse(InputFiles.text(baseConfigFile, "base config"),
            baseConfigFile.toString()));
    if (parsed != null) {
      parsed.warnings().forEach(warning -> err.println("warning: " + warning));
    }
    // a wrong file (a profile, a manifest): nothing of it is planned, let alone written
    BaseConfig base = parsed == null ? null : read(problems, () -> {
      parsed.checkHasPrometheusField();
      return parsed;
    });
    ControllerSettings settings = read(problems, () -> ControllerSettings.builder()
        .jobPrefix(jobPrefix).outputMode(outputMode).build());
    Planner planner = profile == null || base == null ? null : new Planner(profile, base);
    if (planner != null && settings != null) {
      // a base config that parses but Prometheus would refuse, listed with the rest
      read(problems, () -> {
        planner.checkInputs(settings);
        return null;
      });
    }
    if (certificateDirectory != null && !Files.isDirectory(certificateDirectory)) {
      // every cluster would look certificate-less: an error, not an empty config
      problems.add("--cert-dir must be a readable folder, found "
          + Quoting.quote(certificateDirectory.toString()));
    } else if (certificateDirectory != null
        && FolderOverlaps.below(certificateDirectory, outputDirectory)) {
      // the certificates an earlier render wrote there would be read back as the user's
      problems.add("--cert-dir must be a folder outside --out "
          + Quoting.quote(outputDirectory.toString()) + ": promcc would read the certificate "
          + "files it writes there as its input, found "
          + Quoting.quote(certificateDirectory.toString()));
    }
    try {
      OutputFolders.folderOrNone(outputDirectory);
    } catch (IllegalArgumentException e) {
      // no folder can be made there: as promcc run says it, not as the manifest's read fails
      problems.add("--out " + e.getMessage() + ", found "
          + Quoting.quote(outputDirectory.toString()));
    }
    if (!problems.isEmpty()) {
      return fail(err, problems);
    }
    Reconciler.Builder builder = Reconciler.builder()
        .clusterSource(GuestClusterSource.fixed(listed))
        .certificateSource(certificateDirectory == null ? new NoCertificates()
            : new CertificateDirectory(certificateDirectory))
        .planner(planner).settings(settings)
        .store(stores.apply(outputDirectory))
        .validator(new LocalValidation(outputDirectory, Optional.empty()));
    if (shard != null) {
      builder.shard(shard.index(), shard.count());
    }
    Reconciler reconciler = builder.build();
    Preview preview;
    try {
      preview = reconciler.preview();
    } catch (ValidationException e) {
      return fail(err, List.of(e.getMessage()));
    }
    List<String> leftOut = new ArrayList<>();
    preview.waiting().forEach(r -> leftOut.add(r.toString()));
    preview.rejected().forEach(r -> leftOut.add(r.toString()));
    if (strict && !leftOut.isEmpty()) {
      return fail(err, leftOut);
    }
    Path outFolder = outputDirectory.toAbsolutePath().normalize();
    try {
      FolderLock.makeOutput(outFolder);
    } catch (IOException e) { // a folder where none can be made (/proc), a read-only volume
      return fail(err, List.of("--out cannot be made: " + FolderFailures.describe(e)
          + ", found " + Quoting.quote(outputDirectory.toString())));
    }
    try {
      // a folder that takes no file (/proc, a read-only volume): said before anything is written
      FolderLock.makeOutputLockFile(outFolder);
    } catch (IOException e) {
      return fail(err, List.of("--out cannot be written: " + FolderFailures.describeFile(e)
          + ", found " + Quoting.quote(outputDirectory.toString())));
    }
    ReconcileResult result;
    FileIdentities before;
    // the files of a promcc run on this folder: one writer at a time, as two runs are
    try (FolderLock lock = FolderLock.output(outFolder)) {
      List<String> touched = new ArrayList<>(preview.desired().files().keySet());
      touched.addAll(preview.diff().deletes());
      before = FileIdentities.of(outputDirectory, touched);
      result = reconciler.reconcile();
    } catch (FolderInUseException e) {
      return fail(err, List.of(e.getMessage()), RunCommand.EXIT_USAGE);
    }
    if (!result.success()) {
      // a write that failed part way leaves the files it renamed into place (each one whole)
      err.println("error: " + result.message());
      List<String> written = before.written();
      Collection<String> deleted = before.deleted();
      if (written.isEmpty() && deleted.isEmpty()) {
        err.println("nothing was written");
      }
      list(err, "written before the failure (each file whole; the next render writes the rest):",
          written);
      list(err, "deleted before the failure:", deleted);
      err.flush();
      return Main.EXIT_INVALID;
    }
    leftOut.forEach(line -> err.println("warning: cluster left out: " + line));
    for (Rejection kept : result.degraded().values()) {
      err.println("warning: cluster kept on its certificate files in " + outputDirectory + ": "
          + kept);
    }
    int considered = shard == null ? listed.size() : shard.keep(listed).size();
    int files = preview.desired().files().size();
    out.printf("wrote %d file%s for %d of %d cluster%s%s to %s (%d changed, %d deleted)%n",
        files, files == 1 ? "" : "s", result.active().size(), considered,
        considered == 1 ? "" : "s",
        shard == null ? "" : " (shard " + shard + " of " + listed.size() + " listed)",
        outputDirectory, result.written().size(), result.deleted().size());
    out.flush();
    err.flush();
    return 0;
  }

  /** Without --cert-dir no cluster has a certificate of its own. */
  private static final class NoCertificates implements CertificateSource {
    @Override
    public CertificateObservation observe(Collection<GuestCluster> clusters) {
      return CertificateObservation.ofEach(clusters, cluster -> {
        throw new CertificateUnavailableException(cluster.id(), "certificate-missing",
            "no --cert-dir given, so no certificate for cluster "
                + Quoting.quote(cluster.id().value()));
      }, Optional.empty());
    }
  }

  private static <T> T read(List<String> problems, java.util.function.Supplier<T> reader) {
    try {
      return reader.get();
    } catch (ValidationException e) {
      problems.add(e.getMessage());
    } catch (io.promcc.core.model.InvalidValueException e) {
      problems.add(e.getMessage());
    }
    return null;
  }

  /** {@code heading} and the first {@link #LISTED} {@code paths}, if there are any. */
  private static void list(PrintWriter err, String heading, Collection<String> paths) {
    if (paths.isEmpty()) {
      return;
    }
    err.println(heading);
    paths.stream().limit(LISTED).forEach(path -> err.println("  - " + path));
    if (paths.size() > LISTED) {
      err.println("  - and " + (paths.size() - LISTED) + " more");
    }
  }

  private static int fail(PrintWriter err, List<String> problems) {
    return fail(err, problems, Main.EXIT_INVALID);
  }

  private static int fail(PrintWriter err, List<String> problems, int code) {
    problems.forEach(problem -> err.println("error: " + problem));
    err.println("nothing was written");
    err.flush();
    return code;
  }
}
