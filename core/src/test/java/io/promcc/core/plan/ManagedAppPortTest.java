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
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The default profile's managed-app port annotation, relabelled as Prometheus would: the port it
 * names is the pod port scraped through the proxy, and an annotation holding a line feed, which
 * {@code .} matches from Prometheus 3.0 on, gives the same target on 2.53 and 3.x.
 */
class ManagedAppPortTest {
  private static final GuestCluster CLUSTER = GuestCluster.of("alpha", "aws",
      "https://master.alpha");
  private static final String PROXY = "/api/v1/namespaces/apps/pods/web-1:";

  @Test
  void thePortAnnotatedIsThePodPortScraped() {
    assertEquals(PROXY + "9090/proxy/metrics", target(Release.V2_53, "9090").orElseThrow()
        .get("__metrics_path__"));
    assertEquals(PROXY + "8080/proxy/metrics", target(Release.V2_53, "http").orElseThrow()
        .get("__metrics_path__"));
  }

  @Test
  void aPortWithALineFeedIsTheSameTargetOnPrometheus2And3() {
    assertEquals(PROXY + "8080/proxy/metrics", target(Release.V2_53, "x\n:5;9").orElseThrow()
        .get("__metrics_path__"));
    for (String annotation : List.of("x\n:5;9", "\n:9;9", "9090\n", "\n9090", "1\n2:3;4")) {
      assertEquals(target(Release.V2_53, annotation), target(Release.V3, annotation),
          "target of port annotation \"" + annotation.replace("\n", "\\n") + "\"");
    }
  }

  private static Optional<Map<String, String>> target(Release release, String annotation) {
    Map<String, String> discovered = new TreeMap<>(Map.of(
        "__address__", "10.0.0.5:8080",
        "__meta_kubernetes_namespace", "apps",
        "__meta_kubernetes_pod_name", "web-1",
        "__meta_kubernetes_service_name", "web",
        "__meta_kubernetes_service_annotation_giantswarm_io_monitoring", "true",
        "__meta_kubernetes_service_annotation_giantswarm_io_monitoring_port", annotation));
    return RelabelSimulator.target(release, managedAppJob(), Map.of("scrape_interval", "1m",
        "scrape_timeout", "10s"), discovered);
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
