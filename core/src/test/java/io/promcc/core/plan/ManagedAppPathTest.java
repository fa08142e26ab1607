package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.RelabelSimulator.Release;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The default profile's managed-app path annotation, relabelled as Prometheus would: the
 * original made {@code /api/v1/namespaces/<ns>/pods/<pod>:<port>/proxy/<path>} of it, so a path
 * with or without a leading slash names the same scrape path. An annotation is free text, a
 * line feed included, which {@code .} matches from Prometheus 3.0 on: the path is the same on
 * 2.53 and 3.x.
 */
class ManagedAppPathTest {
  private static final GuestCluster CLUSTER = GuestCluster.of("alpha", "aws",
      "https://master.alpha");
  private static final String PROXY = "/api/v1/namespaces/apps/pods/web-1:8080/proxy";

  @Test
  void aPathWithALeadingSlashIsScrapedThroughThePodProxy() {
    assertEquals(PROXY + "/custom/metrics", metricsPath("/custom/metrics"));
  }

  @Test
  void aPathWithoutALeadingSlashIsTheSamePathAsInTheOriginal() {
    assertEquals(PROXY + "/custom/metrics", metricsPath("custom/metrics"));
  }

  @Test
  void noPathIsMetrics() {
    assertEquals(PROXY + "/metrics", metricsPath(""));
  }

  @Test
  void aPathWithALineFeedIsTheSameScrapePathOnPrometheus2And3() {
    assertEquals(PROXY + "/metrics", metricsPath("/custom\nmetrics"));
    for (String annotation : List.of("/custom\nmetrics", "custom\nmetrics", "/custom\n",
        "\n", "\n/custom", "/custom\r\nmetrics", "custom\rmetrics")) {
      assertEquals(metricsPath(Release.V2_53, annotation), metricsPath(Release.V3, annotation),
          "scrape path of annotation \"" + annotation.replace("\n", "\\n") + "\"");
    }
  }

  private static String metricsPath(String annotation) {
    return metricsPath(Release.V2_53, annotation);
  }

  private static String metricsPath(Release release, String annotation) {
    Map<String, String> discovered = new TreeMap<>(Map.of(
        "__address__", "10.0.0.5:8080",
        "__meta_kubernetes_namespace", "apps",
        "__meta_kubernetes_pod_name", "web-1",
        "__meta_kubernetes_service_name", "web",
        "__meta_kubernetes_service_annotation_giantswarm_io_monitoring", "true"));
    if (!annotation.isEmpty()) {
      discovered.put("__meta_kubernetes_service_annotation_giantswarm_io_monitoring_path",
          annotation);
    }
    return RelabelSimulator.target(release, managedAppJob(), Map.of("scrape_interval", "1m",
        "scrape_timeout", "10s"), discovered).orElseThrow().get("__metrics_path__");
  }

  private static Map<String, Object> managedAppJob() {
    DesiredState state = new Planner(ScrapeProfile.defaultProfile(), BaseConfig.empty()).plan(
        List.of(CLUSTER), TestCertificates.forAll(List.of(CLUSTER)),
        ControllerSettings.DEFAULTS);
    return PlannedOutput.jobs(state).stream().map(PlannedOutput.Job::map)
        .filter(job -> String.valueOf(job.get("job_name")).endsWith("-managed-app"))
        .findFirst().orElseThrow();
  }
}
