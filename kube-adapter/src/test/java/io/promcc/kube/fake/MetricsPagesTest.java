package io.promcc.kube.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsPagesTest {
  private final List<FakeRequest> seen = Collections.synchronizedList(new ArrayList<>());
  private final FakeKubeApi fake = FakeKubeApi.builder()
      .clientAuth(FakeKubeApi.ClientAuth.REQUIRE).onRequest(seen::add).start();
  private final OkHttpClient http = fake.newClient().getHttpClient();

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void servesItsOwnMetricsPageWithTheLinesATestAdds() throws IOException {
    assertEquals("# HELP fake_apiserver_info The fake API server's own metrics page.\n"
        + "# TYPE fake_apiserver_info gauge\nfake_apiserver_info 1\n", body("/metrics"));
    fake.metricsPages().put("/metrics", "apiserver_request_total 3\n");
    assertTrue(body("/metrics").endsWith("fake_apiserver_info 1\napiserver_request_total 3\n"));
  }

  @Test
  void addsTheLinesOfAProxyPathAfterItsTargetInfo() throws IOException {
    fake.store().create(ApiResource.NODES, null, new V1Node().metadata(new V1ObjectMeta()
        .name("w1")));
    String cadvisor = "/api/v1/nodes/w1:10250/proxy/metrics/cadvisor";
    fake.metricsPages().put(cadvisor, "container_x{namespace=\"a\"} 1\n");
    assertEquals("# HELP fake_proxy_target_info A target reached through the fake API proxy.\n"
        + "# TYPE fake_proxy_target_info gauge\n"
        + "fake_proxy_target_info{kind=\"node\",name=\"w1\",port=\"10250\","
        + "path=\"/metrics/cadvisor\"} 1\ncontainer_x{namespace=\"a\"} 1\n", body(cadvisor));
    assertTrue(body("/api/v1/nodes/w1:10250/proxy/metrics").endsWith("path=\"/metrics\"} 1\n"),
        "another path of the node has only its target info");
  }

  @Test
  void servesTheServiceProxyWithOrWithoutAScheme() throws IOException {
    fake.store().create(ApiResource.SERVICES, "kube-system", new V1Service()
        .metadata(new V1ObjectMeta().name("coredns")));
    assertTrue(body("/api/v1/namespaces/kube-system/services/coredns:9153/proxy/metrics")
        .contains("kind=\"service\",name=\"coredns\",port=\"9153\""));
    assertTrue(body("/api/v1/namespaces/kube-system/services/https:coredns:9153/proxy/metrics")
        .contains("kind=\"service\",name=\"coredns\",port=\"9153\""));
  }

  @Test
  void handsEveryRequestToTheListener() throws IOException {
    body("/metrics");
    body("/version");
    assertEquals(List.of("/metrics", "/version"), seen.stream().map(FakeRequest::path).toList());
  }

  @Test
  void refusesLinesWithoutTheFinalLineFeed() {
    assertThrows(IllegalArgumentException.class, () -> fake.metricsPages().put("/metrics", "x 1"));
  }

  private String body(String path) throws IOException {
    try (Response response = http.newCall(new Request.Builder().url(fake.url() + path).build())
        .execute()) {
      assertEquals(200, response.code(), path);
      return response.body().string();
    }
  }
}
