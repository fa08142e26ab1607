package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.plan.Planner;
import io.promcc.core.testing.DesiredStateFiles;
import io.promcc.core.testing.Profiles;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The oracle: Prometheus' own {@code promtool check config} (2.53.3 from the tool cache) must
 * accept what the planner writes, for the golden cases and for 200 generated cluster sets. Every
 * desired file, certificates and keys included, is written to a temporary folder first, because
 * promtool checks that the TLS files a config names exist. promtool runs from another folder, so
 * relative paths must resolve against the config file that names them.
 *
 * <p>Without promtool this fails when {@code CI=true} and is skipped otherwise; run
 * {@code scripts/prometheus-tools.sh} to fill the tool cache. Reproduce one generated set with
 * {@code -Dpromcc.oracle.seed=<seed>} (a failure lists the seeds of the rejected sets).
 */
class PromtoolOracleIT {
  private static final int GENERATED_SETS = 200;
  private static final long FIRST_SEED = 0x5EED_2026L;

  private static Promtool promtool;

  @TempDir
  Path temp;

  /** Per test, not per class, so that without promtool every test is reported as skipped. */
  @BeforeEach
  void findPromtool() {
    promtool = Promtool.require();
  }

  static Stream<GoldenCases.Case> goldenCases() {
    return GoldenCases.all().stream();
  }

  /** The generated sets, or only the one of {@code -Dpromcc.oracle.seed}. */
  static List<GeneratedCase> generatedCases() {
    String seed = System.getProperty("promcc.oracle.seed");
    if (seed != null && !seed.isBlank()) {
      return List.of(GeneratedCase.generate(Long.decode(seed.strip())));
    }
    return LongStream.range(FIRST_SEED, FIRST_SEED + GENERATED_SETS)
        .mapToObj(GeneratedCase::generate).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenCases")
  void promtoolAcceptsTheGoldenOutput(GoldenCases.Case goldenCase) throws IOException {
    assertAccepted(goldenCase.plan(), goldenCase.name());
  }

  @Test
  void promtoolAcceptsTheOutputForGeneratedClusterSets() throws IOException {
    List<GeneratedCase> cases = generatedCases();
    Map<Path, GeneratedCase> roots = new LinkedHashMap<>();
    List<Path> configs = new ArrayList<>();
    Statistics statistics = new Statistics();
    for (GeneratedCase generated : cases) {
      DesiredState state = generated.plan();
      statistics.add(generated, state);
      Path root = Files.createDirectory(temp.resolve("set-" + generated.seed()));
      roots.put(root, generated);
      configs.add(DesiredStateFiles.write(state, root));
    }
    long started = System.nanoTime();
    Promtool.Result result = promtool.checkConfigs(configs, workDir());
    System.out.printf("promtool oracle: %s; promtool took %d ms%n", statistics,
        (System.nanoTime() - started) / 1_000_000);
    if (result.exitCode() != 0) {
      // promtool prints FAILED lines on stderr, apart from their "Checking" line; the paths in
      // them name the set
      String failed = roots.entrySet().stream()
          .filter(entry -> result.output().lines().anyMatch(line -> line.contains("FAILED")
              && line.contains(entry.getKey() + "/")))
          .map(entry -> "  " + entry.getValue()).collect(Collectors.joining("\n"));
      String complaints = result.output().lines().filter(line -> line.contains("FAILED"))
          .collect(Collectors.joining("\n"));
      fail("promtool (" + promtool.version() + ") rejected generated sets (reproduce one with "
          + "-Dpromcc.oracle.seed=<seed>):\n" + failed + "\n"
          + (complaints.isEmpty() ? result.output() : complaints));
    }
    assertEquals(cases.size(), result.output().lines().filter(line -> line.contains("SUCCESS:"))
        .count(), () -> "promtool did not report every config as valid:\n" + result.output());
    if (cases.size() == GENERATED_SETS) {
      statistics.assertCoversTheSpace();
    }
  }

  /** examples/profile-original-2021.yml, for a cluster with etcd and labels and one without. */
  @Test
  void promtoolAcceptsTheOutputOfTheExampleProfile() throws IOException {
    List<GuestCluster> clusters = List.of(
        GuestCluster.of("alpha", "aws", "https://master.alpha")
            .withLabels(Map.of("customer", "acme")).withEtcd("etcd.alpha:2379"),
        GuestCluster.of("bravo", "kvm", "https://master.bravo:8443"));
    DesiredState state = new Planner(Profiles.example("profile-original-2021.yml"),
        BaseConfig.empty()).plan(clusters, TestCertificates.forAll(clusters),
        ControllerSettings.DEFAULTS);
    assertAccepted(state, "examples/profile-original-2021.yml");
  }

  @Test
  void promtoolRejectsAMergedConfigWhoseKeyFileIsMissing() throws IOException {
    GoldenCases.Case goldenCase = golden("merged-base-config-3-clusters");
    assertRejectedWithoutKeyFile(goldenCase.plan(), "certs/bravo-key.pem");
  }

  @Test
  void promtoolRejectsAPerClusterFileWhoseKeyFileIsMissing() throws IOException {
    GoldenCases.Case goldenCase = golden("per-cluster-files-nested-3-clusters");
    assertRejectedWithoutKeyFile(goldenCase.plan(), "secrets/certs/charlie-7-key.pem");
  }

  /**
   * Pins a gap in promtool 2.53.3 that the core has to cover itself: it checks that client
   * certificate and key files exist, but not the CA file (nor any file's content).
   */
  @Test
  void promtoolDoesNotNoticeAMissingCaFile() throws IOException {
    DesiredState state = golden("merged-1-cluster").plan();
    Path root = Files.createDirectory(temp.resolve("out"));
    Path config = DesiredStateFiles.write(state, root);
    Files.delete(root.resolve("certs/alpha-ca.pem"));
    Files.writeString(root.resolve("certs/alpha-crt.pem"), "not a certificate");

    Promtool.Result result = promtool.checkConfig(config, workDir());

    assertEquals(0, result.exitCode(), () -> "promtool now checks CA files and certificate "
        + "content; the oracle can rely on it:\n" + result.output());
  }

  private void assertAccepted(DesiredState state, String what) throws IOException {
    promtool.assertAccepts(state, what, temp);
  }

  private void assertRejectedWithoutKeyFile(DesiredState state, String keyFile)
      throws IOException {
    assertEquals(FileKind.PRIVATE_KEY, state.files().get(keyFile).kind(), keyFile);
    Path root = Files.createDirectory(temp.resolve("out"));
    Path config = DesiredStateFiles.write(state, root);
    Promtool.Result complete = promtool.checkConfig(config, workDir());
    assertEquals(0, complete.exitCode(), complete::output);

    Files.delete(root.resolve(keyFile));
    Promtool.Result result = promtool.checkConfig(config, workDir());
    assertNotEquals(0, result.exitCode(),
        "promtool accepted a config whose key file is missing:\n" + result.output());
    String keyName = Path.of(keyFile).getFileName().toString();
    assertTrue(result.output().contains(keyName),
        "promtool's complaint does not name " + keyName + ":\n" + result.output());
  }

  /** An empty folder to run promtool from, away from the files it checks. */
  private Path workDir() throws IOException {
    return Promtool.workDir(temp);
  }

  private static GoldenCases.Case golden(String name) {
    return GoldenCases.all().stream().filter(c -> c.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no golden case " + name));
  }

  /** What the generated sets covered, so a generator change cannot quietly narrow the oracle. */
  private static final class Statistics {
    private int sets;
    private int emptySets;
    private int largeSets;
    private int perClusterSets;
    private int nestedConfigSets;
    private int withBaseConfig;
    private int withCustomProfile;
    private int plannedClusters;
    private int rejectedClusters;
    private int etcdClusters;
    private int labelledClusters;

    void add(GeneratedCase generated, DesiredState state) {
      sets++;
      emptySets += generated.clusters().isEmpty() ? 1 : 0;
      largeSets += generated.clusters().size() >= 15 ? 1 : 0;
      perClusterSets += generated.settings().outputMode() == OutputMode.PER_CLUSTER_FILES ? 1 : 0;
      nestedConfigSets += generated.settings().configFileName().contains("/") ? 1 : 0;
      withBaseConfig += generated.baseConfig() != null ? 1 : 0;
      withCustomProfile += generated.profile() != null ? 1 : 0;
      plannedClusters += state.clusters().size();
      rejectedClusters += state.rejections().size();
      for (GuestCluster cluster : generated.clusters()) {
        etcdClusters += cluster.etcd().isPresent() ? 1 : 0;
        labelledClusters += cluster.labels().isEmpty() ? 0 : 1;
      }
    }

    void assertCoversTheSpace() {
      assertTrue(emptySets > 0 && largeSets > 0, this::toString);
      assertTrue(perClusterSets > sets / 4 && perClusterSets < sets * 3 / 4, this::toString);
      assertTrue(nestedConfigSets > 0 && withBaseConfig > 0 && withCustomProfile > 0,
          this::toString);
      assertTrue(plannedClusters > 1000 && rejectedClusters > 0, this::toString);
      assertTrue(etcdClusters > 0 && labelledClusters > 0, this::toString);
    }

    @Override
    public String toString() {
      return sets + " sets (" + emptySets + " empty, " + largeSets + " with 15+ clusters, "
          + perClusterSets + " per-cluster files, " + nestedConfigSets + " nested config, "
          + withBaseConfig + " with a base config, " + withCustomProfile
          + " with a custom profile), " + plannedClusters + " clusters planned, "
          + rejectedClusters + " rejected, " + etcdClusters + " with etcd, " + labelledClusters
          + " with extra labels";
    }
  }
}
