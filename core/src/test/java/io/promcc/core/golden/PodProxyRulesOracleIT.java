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
 * The oracle for the rules of a pod-proxy template, whose targets promtool does not discover: a
 * static job stands for them, one target with the pod labels the discovery sets and one without
 * (an endpoint without a pod), relabelled by the template's rules, the rewrite the renderer adds
 * (a keep of targets with a pod name, then the path; copied from {@code JobRenderer}) and the API
 * server as the address. What the profile refuses for the scrape settings of the targets the
 * rewrite keeps, promtool refuses in that job, and what the profile takes, promtool takes there
 * and in the planned config. Without promtool this fails when {@code CI=true} and is skipped
 * otherwise.
 */
class PodProxyRulesOracleIT {
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
            "- {target_label: __scrape_timeout__, replacement: \"5s\"}"));
  }

  /** The rewrite of a pod-proxy template, as {@code JobRenderer.pathRewrite} writes it. */
  private static String rewrite(String head) {
    String keep = "- {source_labels: [__meta_kubernetes_pod_name], regex: \".+\", "
        + "action: keep}\n";
    String path = head.contains("port: 9100")
        ? "- {source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_pod_name, "
            + "__metrics_path__], regex: \"(.+);(.+);(.*)\", target_label: __metrics_path__, "
            + "replacement: \"/api/v1/namespaces/${1}/pods/${2}:9100/proxy${3}\"}\n"
        : "- {source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_pod_name, "
            + "__address__, __metrics_path__], regex: \"(.+);(.+);.*:(\\\\d+);(.*)\", "
            + "target_label: __metrics_path__, "
            + "replacement: \"/api/v1/namespaces/${1}/pods/${2}:${3}/proxy${4}\"}\n";
    return keep + path + "- {target_label: __address__, replacement: \"master.alpha:443\"}\n";
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
    Path config = Files.writeString(temp.resolve("static.yml"), "scrape_configs:\n"
        + "- job_name: pod\n" + jobHead.indent(2) + "  static_configs:\n"
        + "  - targets: [\"10.0.0.1:9100\"]\n"
        + "    labels: {__meta_kubernetes_namespace: ns, __meta_kubernetes_pod_name: p}\n"
        + "  - targets: [\"10.0.0.2:9100\"]\n  relabel_configs:\n" + indented
        + rewrite(head).indent(2));
    Promtool.Result result = promtool.checkConfig(config, Promtool.workDir(temp));
    ScrapeProfile profile;
    try {
      profile = ScrapeProfile.parse("jobs:\n- name: pod\n  role: endpoints\n"
          + "  target: pod-proxy\n" + head.indent(2) + "  relabel_configs:\n" + indented,
          "pod.yml");
    } catch (ValidationException refused) {
      assertTrue(result.exitCode() != 0
              && EtcdRulesOracleIT.complaint(refused.getMessage()).matcher(result.output())
                  .find(),
          () -> "the profile refused rules promtool takes (" + refused.getMessage() + "):\n"
              + result.output());
      return;
    }
    assertTrue(result.exitCode() == 0,
        () -> "the profile took rules promtool refuses:\n" + result.output());
    List<GuestCluster> clusters =
        List.of(GuestCluster.of("alpha", "aws", "https://master.alpha"));
    promtool.assertAccepts(new Planner(profile, BaseConfig.empty()).plan(clusters,
        TestCertificates.forAll(clusters), ControllerSettings.DEFAULTS), "the pod-proxy rules",
        temp);
  }
}
