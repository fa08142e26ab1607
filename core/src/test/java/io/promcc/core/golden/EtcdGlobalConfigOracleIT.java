package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The oracle for an etcd template's rules that certainly set its scrape interval or timeout,
 * where the other is the job's from the base config's global block: what the planner refuses,
 * promtool refuses in a static job with that block, and what it takes, promtool takes. Without
 * promtool this fails when {@code CI=true} and is skipped otherwise.
 */
class EtcdGlobalConfigOracleIT {
  private static Promtool promtool;

  @TempDir
  Path temp;

  /** Per test, not per class, so that without promtool every test is reported as skipped. */
  @BeforeEach
  void findPromtool() {
    promtool = Promtool.require();
  }

  /**
   * A base config's {@code global} block, the etcd template's own durations and its rules, which
   * certainly set its scrape interval or timeout: the other one is the job's from the global
   * config (Prometheus' defaults 1m and 10s without one), which the profile does not know.
   */
  static Stream<Arguments> rulesAgainstTheGlobalConfig() {
    String global2m1m = "global:\n  scrape_interval: 2m\n  scrape_timeout: 1m\n";
    return Stream.of(
        Arguments.of("", "", "- {target_label: __scrape_timeout__, replacement: \"2m\"}"),
        Arguments.of("", "", "- {target_label: __scrape_timeout__, replacement: \"1m\"}"),
        Arguments.of("", "", "- {target_label: __scrape_interval__, replacement: \"5s\"}"),
        Arguments.of("", "", "- {target_label: __scrape_interval__, replacement: \"10s\"}"),
        Arguments.of(global2m1m, "", "- {target_label: __scrape_timeout__, replacement: \"150s\"}"),
        Arguments.of(global2m1m, "", "- {target_label: __scrape_timeout__, replacement: \"90s\"}"),
        Arguments.of("global: {scrape_timeout: 30s}\n", "",
            "- {target_label: __scrape_interval__, replacement: \"20s\"}"),
        // without a timeout of its own, the job's is the global one lowered to its interval
        Arguments.of(global2m1m, "scrape_interval: 30s\n",
            "- {target_label: __scrape_interval__, replacement: \"20s\"}"),
        Arguments.of(global2m1m, "scrape_interval: 30s\n",
            "- {target_label: __scrape_interval__, replacement: \"45s\"}"),
        Arguments.of("global:\n  external_labels: {a: b}\n", "scrape_interval: 8s\n",
            "- {target_label: __scrape_interval__, replacement: \"7s\"}"),
        Arguments.of("", "scrape_interval: 8s\nscrape_timeout: 0s\n",
            "- {target_label: __scrape_interval__, replacement: \"8s\"}"),
        // a global interval without a timeout: the global timeout is 10s, or that interval
        Arguments.of("global: {scrape_interval: 5s}\n", "",
            "- {target_label: __scrape_interval__, replacement: \"6s\"}"),
        Arguments.of("global: {scrape_interval: 5s}\n", "",
            "- {target_label: __scrape_interval__, replacement: \"4s\"}"),
        Arguments.of("global:\n  scrape_interval: 0s\n  scrape_timeout: 0s\n", "",
            "- {target_label: __scrape_interval__, replacement: \"9s\"}"),
        // a timeout copied from a label a rule set to a known value
        Arguments.of("", "", "- {target_label: __tmp_a, replacement: \"5m\"}\n"
            + "- {source_labels: [__tmp_a], target_label: __scrape_timeout__}"),
        Arguments.of("", "", "- {target_label: __tmp_a, replacement: \"50s\"}\n"
            + "- {source_labels: [__tmp_a], target_label: __scrape_timeout__}"),
        // a rule that may set the interval again; one that reads a label a static target lacks
        Arguments.of("", "", "- {target_label: __scrape_interval__, replacement: \"5s\"}\n"
            + "- {source_labels: [__address__], regex: \"(.+):2379\", "
            + "target_label: __scrape_interval__, replacement: \"1m\"}"),
        Arguments.of("", "", "- {target_label: __scrape_interval__, replacement: \"5s\"}\n"
            + "- {source_labels: [__meta_x], regex: \"(.+)\", "
            + "target_label: __scrape_interval__, replacement: \"1m\"}"));
  }

  /**
   * What the planner refuses in an etcd template, fine on its own, for the base config's global
   * scrape interval or timeout, promtool refuses in a static job with that global block
   * ({@code scrape timeout cannot be greater than scrape interval}), and the planned config of
   * what it takes passes promtool.
   */
  @ParameterizedTest(name = "{0}|{1}|{2}")
  @MethodSource("rulesAgainstTheGlobalConfig")
  void thePlannerRefusesWithTheGlobalConfigWhatPromtoolRefuses(String global, String head,
      String rules) throws IOException {
    String indented = rules.indent(2);
    ScrapeProfile profile = ScrapeProfile.parse("jobs:\n- name: etcd\n  target: etcd\n"
        + head.indent(2) + "  relabel_configs:\n" + indented, "etcd.yml");
    Planner planner = new Planner(profile, global.isEmpty() ? BaseConfig.empty()
        : BaseConfig.parse(global, "base.yml"));
    try {
      planner.checkTemplateTimeouts();
    } catch (ValidationException refused) {
      Path config = Files.writeString(temp.resolve("static.yml"), global + "scrape_configs:\n"
          + "- job_name: etcd\n" + head.indent(2) + "  static_configs:\n"
          + "  - targets: [\"etcd.alpha:2379\"]\n  relabel_configs:\n" + indented);
      Promtool.Result result = promtool.checkConfig(config, Promtool.workDir(temp));
      assertTrue(result.exitCode() != 0 && result.output()
              .contains("scrape timeout cannot be greater than scrape interval"),
          () -> "the planner refused rules promtool takes (" + refused.getMessage() + "):\n"
              + result.output());
      return;
    }
    List<GuestCluster> clusters = List.of(GuestCluster.of("alpha", "aws", "https://master.alpha")
        .withEtcd("etcd.alpha:2379"));
    promtool.assertAccepts(planner.plan(clusters, TestCertificates.forAll(clusters),
        ControllerSettings.DEFAULTS), "the etcd rules", temp);
  }
}
