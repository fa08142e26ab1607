package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reconciler kept running over the real file store and validation: a change to one cluster
 * among many writes only that cluster's files in per-cluster-files mode (the main config in
 * merged mode), and the folder always holds exactly what a fresh planner makes.
 */
class OneClusterChangeTest {
  private static final int CLUSTERS = 20;

  @TempDir Path root;
  private final FakeClusterSource clusters = new FakeClusterSource();
  private final FakeCertificateSource certificates =
      new FakeCertificateSource(id -> io.promcc.core.testing.TestCertificates.bundle());

  private Reconciler reconciler(OutputMode mode) {
    for (int i = 0; i < CLUSTERS; i++) {
      clusters.put(GuestCluster.of("c" + i, "aws", "https://c" + i + ".example:6443"));
    }
    Planner kept = new Planner(ScrapeProfile.defaultProfile(), BaseConfig.empty());
    return Reconciler.builder().clusterSource(clusters).certificateSource(certificates)
        .planner(kept).settings(settings(mode)).store(newStore(root))
        .validator(new LocalValidation(root, Optional.empty())).build();
  }

  /** The store under test; without a watch at this size. */
  AtomicFileStore newStore(Path root) {
    return new AtomicFileStore(root);
  }

  private static ControllerSettings settings(OutputMode mode) {
    return ControllerSettings.DEFAULTS.toBuilder().outputMode(mode).build();
  }

  /** The folder holds exactly what a new planner makes of the sources now. */
  private void assertFolderIsWhatAFreshPlanMakes(OutputMode mode) throws IOException {
    SortedMap<String, DesiredFile> expected = new Planner(ScrapeProfile.defaultProfile(),
        BaseConfig.empty()).plan(clusters.snapshot().clusters(),
            certificates.observe(clusters.snapshot().clusters()).bundles(), settings(mode))
        .files();
    List<String> onDisk = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
          .filter(p -> !p.startsWith(".promcc-")).sorted().forEach(onDisk::add);
    }
    assertEquals(List.copyOf(expected.keySet()), onDisk);
    for (Map.Entry<String, DesiredFile> e : expected.entrySet()) {
      assertEquals(e.getValue().text(), Files.readString(root.resolve(e.getKey()),
          StandardCharsets.UTF_8), e.getKey());
    }
  }

  @Test
  void aChangedClusterRewritesOnlyItsScrapeFileInPerClusterMode() throws IOException {
    Reconciler reconciler = reconciler(OutputMode.PER_CLUSTER_FILES);
    assertEquals(CLUSTERS * 4 + 1, reconciler.reconcile().written().size());

    clusters.put(GuestCluster.of("c7", "gcp", "https://c7.example:6443")
        .withLabels(Map.of("team", "blue")));
    ReconcileResult changed = reconciler.reconcile();

    assertEquals(Outcome.WRITTEN, changed.outcome(), changed.message());
    assertEquals(List.of("scrape_configs/c7.yml"), changed.written());
    assertEquals(List.of(), changed.deleted());
    assertFolderIsWhatAFreshPlanMakes(OutputMode.PER_CLUSTER_FILES);
    assertEquals(Outcome.UNCHANGED, reconciler.reconcile().outcome());
  }

  @Test
  void aRenewedCertificateRewritesOnlyThatClustersCertificateFiles() throws IOException {
    Reconciler reconciler = reconciler(OutputMode.PER_CLUSTER_FILES);
    reconciler.reconcile();

    certificates.put(ClusterId.of("c3"), io.promcc.core.testing.TestCertificates.other());
    ReconcileResult renewed = reconciler.reconcile();

    assertEquals(List.of("certs/c3-ca.pem", "certs/c3-crt.pem", "certs/c3-key.pem"),
        renewed.written());
    assertFolderIsWhatAFreshPlanMakes(OutputMode.PER_CLUSTER_FILES);
  }

  @Test
  void aRemovedClusterDeletesOnlyItsFilesInPerClusterMode() throws IOException {
    Reconciler reconciler = reconciler(OutputMode.PER_CLUSTER_FILES);
    reconciler.reconcile();

    clusters.remove(ClusterId.of("c11"));
    ReconcileResult removed = reconciler.reconcile();

    assertEquals(List.of(), removed.written());
    assertEquals(List.of("scrape_configs/c11.yml", "certs/c11-ca.pem", "certs/c11-crt.pem",
        "certs/c11-key.pem"), removed.deleted());
    assertFolderIsWhatAFreshPlanMakes(OutputMode.PER_CLUSTER_FILES);
  }

  @Test
  void aChangedClusterRewritesTheMainConfigInMergedMode() throws IOException {
    Reconciler reconciler = reconciler(OutputMode.MERGED);
    reconciler.reconcile();

    clusters.put(GuestCluster.of("c7", "gcp", "https://c7.example:6443"));
    ReconcileResult changed = reconciler.reconcile();

    assertEquals(List.of("prometheus.yml"), changed.written());
    assertFolderIsWhatAFreshPlanMakes(OutputMode.MERGED);
  }

  @Test
  void aScrapeFileEditedBehindTheControllersBackIsPutBack() throws IOException {
    Reconciler reconciler = reconciler(OutputMode.PER_CLUSTER_FILES);
    reconciler.reconcile();
    reconciler.reconcile();
    Path file = root.resolve("scrape_configs/c5.yml");
    String text = Files.readString(file);
    Files.writeString(file, text.substring(0, text.length() - 2) + "#\n"); // same size

    ReconcileResult repaired = reconciler.reconcile();

    assertEquals(List.of("scrape_configs/c5.yml"), repaired.written());
    assertFolderIsWhatAFreshPlanMakes(OutputMode.PER_CLUSTER_FILES);
  }
}
