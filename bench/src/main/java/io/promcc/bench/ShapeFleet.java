package io.promcc.bench;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.testing.DesiredStateFiles;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import io.promcc.kube.GuestClusterFixture;
import io.promcc.kube.fake.FakeKubeApi;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The guest clusters of a {@link ShapeCost} run and the files each config shape makes of them.
 * Unreachable clusters are {@link Fleet}'s (API servers under {@code example.com}, which do not
 * resolve), with or without an etcd endpoint; reachable ones all point at one Kubernetes API
 * fake seeded with {@link GuestClusterFixture}, each with its own certificate files, so every
 * cluster still has its own discovery blocks. Immutable.
 */
final class ShapeFleet {
  /** The base config every shape is merged into: global settings only. */
  static final String BASE_CONFIG = "global:\n  scrape_interval: 60s\n  scrape_timeout: 30s\n"
      + "  evaluation_interval: 60s\n";

  private final List<GuestCluster> clusters;
  private final Map<ClusterId, CertificateBundle> certificates;

  private ShapeFleet(List<GuestCluster> clusters, Map<ClusterId, CertificateBundle> certificates) {
    this.clusters = List.copyOf(clusters);
    this.certificates = certificates;
  }

  /** {@code size} clusters whose API servers cannot be reached. */
  static ShapeFleet unreachable(int size, boolean etcd) {
    List<GuestCluster> clusters = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      GuestCluster cluster = Fleet.cluster(i);
      clusters.add(etcd ? cluster : GuestCluster.of(cluster.id().value(), cluster.provider(),
          cluster.apiServer().toString()).withLabels(cluster.labels()));
    }
    return new ShapeFleet(clusters, TestCertificates.forAll(clusters));
  }

  /** {@code size} clusters served by {@code fake} (seeded by the caller), etcd on the fake too. */
  static ShapeFleet reachable(int size, boolean etcd, FakeKubeApi fake) {
    List<GuestCluster> clusters = new ArrayList<>(size);
    Map<ClusterId, CertificateBundle> certificates = new LinkedHashMap<>();
    CertificateBundle certificate = GuestClusterFixture.certificate(fake, "bench");
    for (int i = 0; i < size; i++) {
      GuestCluster cluster = Fleet.cluster(i);
      GuestCluster served = GuestClusterFixture.cluster(fake, cluster.id().value(),
          cluster.provider(), cluster.labels(), etcd);
      clusters.add(served);
      certificates.put(served.id(), certificate);
    }
    return new ShapeFleet(clusters, certificates);
  }

  int size() {
    return clusters.size();
  }

  /**
   * Plans the clusters with {@code profile} (none if {@code profile} is null: the base config
   * alone) in {@code mode} and writes the files under {@code dir}.
   *
   * @return the main config file and the number of jobs in all written config files
   */
  Written write(ScrapeProfile profile, OutputMode mode, Path dir) throws IOException {
    List<GuestCluster> planned = profile == null ? List.of() : clusters;
    DesiredState state = new Planner(profile == null ? ScrapeProfile.defaultProfile() : profile,
        BaseConfig.parse(BASE_CONFIG, "base.yml")).plan(planned, certificates,
        ControllerSettings.builder().outputMode(mode).build());
    Path config = DesiredStateFiles.write(state, dir);
    long jobs = state.files().values().stream()
        .filter(file -> file.kind() == FileKind.SCRAPE_CONFIG
            || file.kind() == FileKind.MAIN_CONFIG)
        .mapToLong(file -> file.text().lines().filter(line -> line.startsWith("- job_name: "))
            .count())
        .sum();
    return new Written(config, jobs);
  }

  /** {@link #write(ScrapeProfile, OutputMode, Path)} in merged mode. */
  Written write(ScrapeProfile profile, Path dir) throws IOException {
    return write(profile, OutputMode.MERGED, dir);
  }

  /** A written config: its main file and how many scrape jobs it has. */
  record Written(Path config, long jobs) {}
}
