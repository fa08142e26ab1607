package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
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
 * The oracle for the rules of a pod-proxy template, whose targets promtool does not discover: a
 * static job stands for them, one target with the pod labels the discovery sets and one without
 * (an endpoint without a pod), relabelled by the template's rules, then by the rules the renderer
 * writes after them (a keep of targets with a pod name, the path, the API server as the address
 * and the cluster labels), taken from the planned job of a template with the same settings and
 * no rules of its own, so that a change to the renderer is judged too. What the profile refuses
 * for the scrape settings of the targets the rewrite keeps, promtool refuses in that job, and
 * what the profile takes, promtool takes there and in the planned config. Without promtool this
 * fails when {@code CI=true} and is skipped otherwise.
 */
class PodProxyRulesOracleIT {
  private static final List<GuestCluster> CLUSTERS =
      List.of(GuestCluster.of("alpha", "aws", "https://master.alpha"));
  private static Promtool promtool;

  @TempDir
  Path temp;

  /** Per test, not per class, so that without promtool every test is reported as skipped. */
  @BeforeEach
  void findPromtool() {
    promtool = Promtool.require();
  }

  /**
   * The template's own settings (its port, its durations) and its rules, which read no label
   * the discovery sets other than the namespace and pod name (the static job has no other).
   */
  static Stream<Arguments> podProxyRules() {
    return Stream.of(
        Arguments.of("", "- {regex: \"__scrape_interval__\", action: labeldrop}"),
        Arguments.of("port: 9100\n", "- {target_label: __scrape_timeout__, replacement: \"abc\"}"),
        Arguments.of("scrape_interval: 10s\n",
            "- {target_label: __scrape_timeout__, replacement: \"20s\"}"),
        // taken: the rewrite keeps no target, a later rule sets it again, or all is well
        Arguments.of("port: 9100\n",
            "- {target_label: __meta_kubernetes_pod_name, replacement: \"\"}\n"
                + "- {regex: \"__scrape_interval__\", action: labeldrop}"),
        Arguments.of("", "- {regex: \"__scrape_interval__\", action: labeldrop}\n"
            + "- {target_label: __scrape_interval__, replacement: \"30s\"}"),
        Arguments.of("scrape_interval: 10s\n",
            "- {target_label: __scrape_timeout__, replacement: \"5s\"}"),
        // the address the rules take away, the renderer sets again: the API server's
        Arguments.of("port: 9100\n", "- {regex: \"__address__\", action: labeldrop}"),
        // a labelmap copies the value a rule certainly set, where no pod label can match it
        Arguments.of("", "- {target_label: __tmp_scrape_interval__, replacement: \"abc\"}\n"
            + "- {action: labelmap, regex: \"__tmp_(.+)\", replacement: \"__$1\"}"),
        // a hashmod of known values sets a known number: 2 for "" modulo 4
        Arguments.of("", "- {source_labels: [__tmp_unset], target_label: __tmp_shard, "
            + "modulus: 4, action: hashmod}\n"
            + "- {source_labels: [__tmp_shard], regex: \"2\", action: keep}\n"
            + "- {regex: \"__scrape_interval__\", action: labeldrop}"),
        Arguments.of("port: 9100\n", "- {source_labels: [__tmp_unset], target_label: __tmp_shard, "
            + "modulus: 4, action: hashmod}\n"
            + "- {source_labels: [__tmp_shard], regex: \"3\", action: keep}\n"
            + "- {regex: \"__scrape_interval__\", action: labeldrop}"));
  }

  /**
   * The rules the renderer writes after the own rules of a pod-proxy template with the settings
   * {@code head}: the relabel_configs of the planned job of such a template without rules.
   */
  private static String renderedRules(String head) {
    ScrapeProfile plain = ScrapeProfile.parse("jobs:\n- name: pod\n  role: endpoints\n"
        + "  target: pod-proxy\n" + head.indent(2), "plain.yml");
    return relabelConfigs(plan(plain).config().text());
  }

  /** The items of the first relabel_configs of a rendered config, at column 0. */
  private static String relabelConfigs(String config) {
    String key = "\n  relabel_configs:\n";
    int start = config.indexOf(key);
    assertTrue(start >= 0, () -> "no relabel_configs in the planned config:\n" + config);
    StringBuilder rules = new StringBuilder();
    for (String line : config.substring(start + key.length()).split("\n", -1)) {
      if (!line.startsWith("  - ") && !line.startsWith("    ")) {
        break;
      }
      rules.append(line, 2, line.length()).append('\n');
    }
    return rules.toString();
  }

  private static DesiredState plan(ScrapeProfile profile) {
    return new Planner(profile, BaseConfig.empty()).plan(CLUSTERS,
        TestCertificates.forAll(CLUSTERS), ControllerSettings.DEFAULTS);
  }

  /**
   * What the profile refuses in a pod-proxy template, promtool refuses in the static job that
   * stands for its targets ({@code error parsing scrape interval}, ...); what it takes, promtool
   * takes there, and the planned config passes promtool.
   */
  @ParameterizedTest(name = "{0}|{1}")
  @MethodSource("podProxyRules")
  void theProfileRefusesThePodProxyRulesPromtoolRefusesForThePodsTheRewriteKeeps(String head,
      String rules) throws IOException {
    String indented = rules.indent(2);
    String jobHead = head.replace("port: 9100\n", "");
    String rendered = renderedRules(head);
    Path config = Files.writeString(temp.resolve("static.yml"), "scrape_configs:\n"
        + "- job_name: pod\n" + jobHead.indent(2) + "  static_configs:\n"
        + "  - targets: [\"10.0.0.1:9100\"]\n"
        + "    labels: {__meta_kubernetes_namespace: ns, __meta_kubernetes_pod_name: p}\n"
        + "  - targets: [\"10.0.0.2:9100\"]\n  relabel_configs:\n" + indented
        + rendered.indent(2));
    Promtool.Result result = promtool.checkConfig(config, Promtool.workDir(temp));
    ScrapeProfile profile;
    try {
      profile = ScrapeProfile.parse("jobs:\n- name: pod\n  role: endpoints\n"
          + "  target: pod-proxy\n" + head.indent(2) + "  relabel_configs:\n" + indented,
          "pod.yml");
    } catch (ValidationException refused) {
      assertTrue(result.exitCode() != 0
              && RefusalComplaints.complaint(refused.getMessage()).matcher(result.output())
                  .find(),
          () -> "the profile refused rules promtool takes (" + refused.getMessage() + "):\n"
              + result.output());
      return;
    }
    assertTrue(result.exitCode() == 0,
        () -> "the profile took rules promtool refuses:\n" + result.output());
    DesiredState planned = plan(profile);
    String plannedRules = relabelConfigs(planned.config().text());
    assertTrue(plannedRules.endsWith(rendered),
        () -> "the planned job's rules do not end with those the static job has after the "
            + "template's own:\n" + plannedRules + "\nnot ending with:\n" + rendered);
    promtool.assertAccepts(planned, "the pod-proxy rules", temp);
  }
}
