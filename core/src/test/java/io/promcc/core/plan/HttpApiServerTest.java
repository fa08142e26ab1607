package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.testing.Profiles;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A target scraped through an API server reached over plain http (a kubectl proxy, say) is
 * scraped over http: with the template's scheme, https by default, Prometheus spoke TLS to it and
 * every such target of the cluster was down.
 */
class HttpApiServerTest {
  private static final Map<String, String> GLOBAL =
      Map.of("scrape_interval", "1m", "scrape_timeout", "10s");
  private static final Map<String, String> NODE = new TreeMap<>(Map.of(
      "__address__", "10.0.0.7:10250", "__meta_kubernetes_node_name", "worker-1",
      "__meta_kubernetes_node_address_InternalIP", "10.0.0.7"));

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void theKubeletThroughAnHttpApiServerIsScrapedOverHttp(boolean defaultProfile) {
    assertEquals("http://api.alpha.example:8080/api/v1/nodes/worker-1:10250/proxy/metrics",
        kubeletUrl("http://api.alpha.example:8080", defaultProfile));
    assertEquals("https://api.alpha.example:443/api/v1/nodes/worker-1:10250/proxy/metrics",
        kubeletUrl("https://api.alpha.example", defaultProfile));
  }

  private static String kubeletUrl(String apiServer, boolean defaultProfile) {
    GuestCluster cluster = GuestCluster.of("alpha", "aws", apiServer);
    ScrapeProfile profile = defaultProfile ? ScrapeProfile.defaultProfile() : Profiles.legacy();
    DesiredState state = new Planner(profile, BaseConfig.empty()).plan(List.of(cluster),
        TestCertificates.forAll(List.of(cluster)), ControllerSettings.DEFAULTS);
    List<Map<String, String>> targets = PlannedOutput.jobs(state).stream()
        .map(job -> RelabelSimulator.target(job.map(), GLOBAL, NODE))
        .flatMap(Optional::stream)
        .filter(target -> target.get("job").equals("guest-cluster-alpha-kubelet")).toList();
    assertEquals(1, targets.size(), targets.toString());
    Map<String, String> kubelet = targets.get(0);
    return kubelet.get("__scheme__") + "://" + kubelet.get("__address__")
        + kubelet.get("__metrics_path__");
  }
}
