package io.promcc.core.golden;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The golden cases: fixed planner inputs (default profile, 0, 1 and 3 clusters, three output
 * set-ups) whose outputs are pinned byte for byte in {@code *.good.yml} files and checked by the
 * real promtool. Shared by {@link GoldenFilesTest} and {@link PromtoolOracleIT}.
 */
final class GoldenCases {
  /** Resource folder of the golden files, relative to the test resources root. */
  static final String RESOURCE_DIR = "io/promcc/core/golden";

  /** The realistic base config (global, rule_files, alerting, remote_write, unowned jobs). */
  static final String BASE_CONFIG = "input/base-config.yml";

  private static final List<GuestCluster> THREE = List.of(
      GuestCluster.of("alpha", "aws", "https://master.alpha"),
      GuestCluster.of("bravo", "azure", "https://master.bravo:8443")
          .withLabels(Map.of("customer", "acme", "region", "westeurope"))
          .withEtcd("etcd.bravo.example.com:2379"),
      // hostile but valid: quotes, '$' (a capture reference to Prometheus), unicode, ': '
      GuestCluster.of("charlie-7", "kvm", "https://master.charlie-7.svc:443")
          .withLabels(Map.of("owner", "Zoë \"ops\" $1 ${team}: on-call")));

  private static final ControllerSettings NESTED = ControllerSettings.builder()
      .outputMode(OutputMode.PER_CLUSTER_FILES)
      .configFileName("prometheus/prometheus.yml")
      .scrapeConfigDirectory("prometheus/scrape_configs")
      .certificateDirectory("secrets/certs")
      .build();

  private GoldenCases() {}

  /**
   * One golden case.
   *
   * @param name folder of its golden files
   * @param clusters the guest clusters, each given the test certificate
   * @param baseConfig resource name of the base config under {@link #RESOURCE_DIR}, or
   *     {@code null} for an empty one
   * @param settings controller settings
   */
  record Case(String name, List<GuestCluster> clusters, String baseConfig,
      ControllerSettings settings) {

    /** Plans this case with the default profile. */
    DesiredState plan() {
      BaseConfig base = baseConfig == null ? BaseConfig.empty()
          : BaseConfig.parse(read(baseConfig), baseConfig);
      return new Planner(ScrapeProfile.defaultProfile(), base)
          .plan(clusters, TestCertificates.forAll(clusters), settings);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Every golden case. */
  static List<Case> all() {
    ControllerSettings merged = ControllerSettings.DEFAULTS;
    ControllerSettings perCluster = ControllerSettings.builder()
        .outputMode(OutputMode.PER_CLUSTER_FILES).build();
    return List.of(
        new Case("merged-0-clusters", List.of(), null, merged),
        new Case("merged-1-cluster", THREE.subList(0, 1), null, merged),
        new Case("merged-3-clusters", THREE, null, merged),
        new Case("merged-base-config-0-clusters", List.of(), BASE_CONFIG, merged),
        new Case("merged-base-config-1-cluster", THREE.subList(0, 1), BASE_CONFIG, merged),
        new Case("merged-base-config-3-clusters", THREE, BASE_CONFIG, merged),
        new Case("per-cluster-files-0-clusters", List.of(), BASE_CONFIG, perCluster),
        new Case("per-cluster-files-1-cluster", THREE.subList(0, 1), BASE_CONFIG, perCluster),
        new Case("per-cluster-files-3-clusters", THREE, BASE_CONFIG, perCluster),
        new Case("per-cluster-files-nested-3-clusters", THREE, BASE_CONFIG, NESTED));
  }

  /**
   * The golden files of a planned state: every config file ({@code x.yml} becomes
   * {@code x.good.yml}) and {@code manifest.good.txt}, which pins every file's path, kind and
   * mode (certificate bytes are the fixed test set and not worth pinning) and the covered and
   * rejected clusters.
   */
  static Map<String, byte[]> goldenFiles(DesiredState state) {
    Map<String, byte[]> golden = new TreeMap<>();
    StringBuilder manifest = new StringBuilder("# mode kind path\n");
    state.files().forEach((path, file) -> {
      manifest.append(String.format("%04o %s %s%n", file.mode(), file.kind(), path));
      if (file.kind().isConfig()) {
        golden.put(goldenName(path), file.content());
      }
    });
    manifest.append("# config\n").append(state.configPath()).append('\n');
    manifest.append("# clusters\n");
    state.clusters().forEach(id -> manifest.append(id).append('\n'));
    manifest.append("# rejections\n");
    state.rejections().forEach(rejection -> manifest.append(rejection).append('\n'));
    golden.put("manifest.good.txt", manifest.toString().getBytes(StandardCharsets.UTF_8));
    return golden;
  }

  /** {@code dir/name.yml} becomes {@code dir/name.good.yml}. */
  static String goldenName(String path) {
    if (!path.endsWith(".yml")) {
      throw new IllegalArgumentException("config file without .yml: " + path);
    }
    return path.substring(0, path.length() - ".yml".length()) + ".good.yml";
  }

  /** Reads a resource under {@link #RESOURCE_DIR} as UTF-8. */
  static String read(String name) {
    String resource = "/" + RESOURCE_DIR + "/" + name;
    try (InputStream in = GoldenCases.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
