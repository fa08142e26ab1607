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
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  /** The label a refusal of an etcd template's rules names. */
  private static final Pattern REMOVED_LABEL =
      Pattern.compile("(?:drops|keeps no|sets|removes) \"(__[a-z_]+__)\"");

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

  /**
   * Rules of an etcd template, some of which leave its static target without an address, a
   * scrape interval or a scrape timeout.
   */
  static Stream<String> etcdRules() {
    return Stream.of(
        "- {source_labels: [__meta_kubernetes_pod_ip], target_label: __address__}",
        "- {source_labels: [__address__], target_label: __tmp_a}\n"
            + "- {regex: \"__address__|job\", action: labeldrop}",
        "- {regex: \"job|instance\", action: labelkeep}",
        "- {source_labels: [__tmp_b], regex: \"(.*)\", target_label: \"${1}__address__\"}",
        "- {target_label: __address__, replacement: \"\"}",
        "- {source_labels: [__meta_x], target_label: __address__, action: lowercase}",
        "- {source_labels: [__meta_a, __meta_b], regex: \";\", target_label: __address__, "
            + "replacement: \"\"}",
        "- {source_labels: [__address__], regex: \"(.+):\\\\d+\", target_label: __address__, "
            + "replacement: \"$1:2381\"}",
        "- {source_labels: [__meta_x], target_label: __address__, "
            + "replacement: \"etcd.local:2379\"}",
        "- {source_labels: [__meta_x], regex: \"(.+)\", target_label: __address__}",
        "- {source_labels: [__address__], target_label: __tmp_a}\n"
            + "- {source_labels: [__tmp_a], target_label: __address__}",
        "- {source_labels: [__meta_a, __meta_b], regex: \"(?U)(.*)(.*)\", "
            + "target_label: __address__, replacement: \"$2\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \":\", regex: \"[[:alpha:]]\", "
            + "target_label: __address__, replacement: \"\"}",
        // regexes java.util.regex reads otherwise than RE2: [a&&[b]] (an intersection in Java),
        // \\s and \\v (vertical white space in Java), $ before a final line feed, \\b around a
        // non-ASCII letter, (?m)^ after a final line feed
        "- {source_labels: [__meta_a, __meta_b], regex: \"[;&&[;]]\", target_label: __address__,"
            + " replacement: \"\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"\\v\", regex: \"\\\\s\", "
            + "target_label: __address__, replacement: \"\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"\\n\", regex: \"\\\\v\", "
            + "target_label: __address__, replacement: \"\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"\\n\", regex: \"$\\\\n\", "
            + "target_label: __address__, replacement: \"\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"\u00e9\", regex: \"\\\\b\u00e9\", "
            + "target_label: __address__, replacement: \"\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"\\n\", regex: \"(?m)\\\\n^(.*)\", "
            + "target_label: __tmp, replacement: \"x\"}\n"
            + "- {source_labels: [__tmp], target_label: __address__}",
        // Prometheus searches with the anchored regex: one closing the anchoring group matches in
        // part (^(?:job)|(__)$ finds "__"; (;))|((;;) takes (;) first, so $1 is ";")
        "- {regex: \"job)|(__\", action: labelkeep}",
        "- {source_labels: [__meta_a, __meta_b, __meta_c], regex: \"(;))|((;;)\", "
            + "target_label: __address__, replacement: \"$1\"}",
        // a keep, drop or keepequal that certainly drops the target: no later rule runs
        "- {source_labels: [__meta_kubernetes_pod_label_app], regex: etcd, action: keep}\n"
            + "- {source_labels: [__meta_x], target_label: __address__}",
        "- {source_labels: [__meta_x], regex: \"\", action: drop}\n"
            + "- {source_labels: [__meta_x], target_label: __address__}",
        "- {source_labels: [__meta_x], target_label: job, action: keepequal}\n"
            + "- {source_labels: [__meta_x], target_label: __address__}",
        // a count with a leading zero is literal text in RE2, a count in Java; a group that can
        // match empty under * or + keeps its last non-empty iteration in RE2, not in Java
        "- {source_labels: [__meta_x], regex: \";{00}\", target_label: __address__, "
            + "replacement: \"\"}",
        "- {source_labels: [__meta_a, __meta_b], regex: \";{01}\", target_label: __address__, "
            + "replacement: \"\"}",
        "- {regex: \"__address_{02}\", action: labeldrop}",
        "- {source_labels: [__meta_a, __meta_b], regex: \"(;*)*\", target_label: __address__}",
        "- {source_labels: [__meta_a, __meta_b], regex: \"(.*)*\", target_label: __address__}",
        "- {source_labels: [__meta_a, __meta_b], regex: \"(;|)+\", target_label: __address__}",
        "- {regex: \"__meta_.*\", action: labeldrop}",
        "- {regex: \"__.*|job\", action: labelkeep}",
        // a removal followed by a rule that sets the address again, or that drops the target
        "- {regex: \"__address__\", action: labeldrop}\n"
            + "- {target_label: __address__, replacement: \"etcd.local:2379\"}",
        "- {source_labels: [__meta_x], target_label: __address__}\n"
            + "- {source_labels: [__meta_y], target_label: __address__, "
            + "replacement: \"etcd.local:2379\"}",
        "- {regex: \"job|instance\", action: labelkeep}\n"
            + "- {source_labels: [__address__], regex: \".+\", action: keep}",
        "- {regex: \"__address__\", action: labeldrop}\n"
            + "- {source_labels: [job], regex: \"x\", action: keep}",
        "- {regex: \"__address__\", action: labeldrop}\n"
            + "- {target_label: __address__, replacement: \"etcd.local:2379\"}\n"
            + "- {regex: \"job|instance\", action: labelkeep}",
        // the scrape interval and timeout, which Prometheus sets before the rules only
        "- {regex: \"__scrape_interval__\", action: labeldrop}",
        "- {source_labels: [__address__], target_label: __tmp_a}\n"
            + "- {regex: \"__scrape_.*\", action: labeldrop}",
        "- {regex: \"__address__|__scrape_interval__|job\", action: labelkeep}",
        "- {target_label: __scrape_timeout__, replacement: \"\"}",
        "- {regex: \"__scrape_timeout__\", action: labeldrop}\n"
            + "- {source_labels: [__tmp_b], regex: \".+\", target_label: __scrape_timeout__, "
            + "replacement: \"10s\"}",
        "- {regex: \"__scrape_interval__\", action: labeldrop}\n"
            + "- {target_label: __scrape_interval__, replacement: \"30s\"}",
        "- {regex: \"__scrape_timeout__\", action: labeldrop}\n"
            + "- {source_labels: [__address__], target_label: __scrape_timeout__, "
            + "replacement: \"5s\"}",
        "- {regex: \"__scrape_.*\", action: labeldrop}\n"
            + "- {source_labels: [job], regex: \"x\", action: keep}",
        "- {regex: \"__scrape_.*\", action: labeldrop}\n"
            + "- {source_labels: [__tmp_b], regex: \".+\", action: keep}",
        "- {regex: \"__scrape_timeout__\", action: labeldrop}\n"
            + "- {regex: \"(.*)\", target_label: \"${1}__scrape_timeout__\", "
            + "replacement: \"5s\"}",
        "- {regex: \"__.*|job\", action: labelkeep}\n"
            + "- {regex: \"__scrape_intervals?|__scrape_timeout\", action: labeldrop}",
        "- {regex: \"__scrape_interval_{02}\", action: labeldrop}");
  }

  /** What promtool says of a static target that lacks the label a refusal names. */
  private static String complaint(String refusal) {
    Matcher label = REMOVED_LABEL.matcher(refusal);
    assertTrue(label.find(), () -> "no removed label in " + refusal);
    return switch (label.group(1)) {
      case "__scrape_interval__" -> "error parsing scrape interval: empty duration string";
      case "__scrape_timeout__" -> "error parsing scrape timeout: empty duration string";
      default -> "no address";
    };
  }

  /**
   * What the profile refuses in an etcd template is what promtool refuses in a static job
   * ({@code no address}, or an empty scrape interval or timeout), and the planned config of what
   * it takes passes promtool.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("etcdRules")
  void theProfileRefusesTheEtcdRulesPromtoolRefuses(String rules) throws IOException {
    String indented = rules.indent(2);
    ScrapeProfile profile;
    try {
      profile = ScrapeProfile.parse("jobs:\n- name: etcd\n  target: etcd\n  relabel_configs:\n"
          + indented, "etcd.yml");
    } catch (ValidationException refused) {
      Path config = Files.writeString(temp.resolve("static.yml"), "scrape_configs:\n"
          + "- job_name: etcd\n  static_configs:\n  - targets: [\"etcd.alpha:2379\"]\n"
          + "  relabel_configs:\n" + indented);
      Promtool.Result result = promtool.checkConfig(config, workDir());
      assertTrue(result.exitCode() != 0
              && result.output().contains(complaint(refused.getMessage())),
          () -> "the profile refused rules promtool takes (" + refused.getMessage() + "):\n"
              + result.output());
      return;
    }
    List<GuestCluster> clusters = List.of(GuestCluster.of("alpha", "aws", "https://master.alpha")
        .withEtcd("etcd.alpha:2379"));
    assertAccepted(new Planner(profile, BaseConfig.empty()).plan(clusters,
        TestCertificates.forAll(clusters), ControllerSettings.DEFAULTS), "the etcd rules");
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
    Path root = Files.createDirectory(temp.resolve("out"));
    Path config = DesiredStateFiles.write(state, root);
    Promtool.Result result = promtool.checkConfig(config, workDir());
    assertEquals(0, result.exitCode(), () -> "promtool (" + promtool.version()
        + ") rejected the planned config of " + what + ":\n" + result.output());
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
    Path dir = temp.resolve("cwd");
    return Files.isDirectory(dir) ? dir : Files.createDirectory(dir);
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
