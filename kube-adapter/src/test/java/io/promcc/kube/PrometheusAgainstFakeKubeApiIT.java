package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.models.CoreV1EndpointPort;
import io.kubernetes.client.openapi.models.V1EndpointAddress;
import io.kubernetes.client.openapi.models.V1EndpointSubset;
import io.kubernetes.client.openapi.models.V1Endpoints;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.promcc.core.testing.FreePorts;
import io.promcc.core.testing.PrometheusTools;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.TestCa;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus 2.53.3 uses the fake as a guest API server: it discovers nodes and endpoints
 * with {@code kubernetes_sd_configs} over HTTPS with a client certificate, then scrapes them
 * through the fake's node and pod proxy paths.
 */
class PrometheusAgainstFakeKubeApiIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  private FakeKubeApi fake;
  private Process prometheus;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void tearDown() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(15, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  void prometheusDiscoversAndScrapesThroughTheFakeWithAClientCertificate() throws Exception {
    Path binary = PrometheusTools.prometheus();
    fake = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.REQUIRE).start();
    seed();
    TestCa.Issued cert = fake.ca().issueClient("prometheus");
    Path ca = write("ca.pem", fake.ca().certificatePem());
    Path crt = write("crt.pem", cert.certificatePem());
    Path key = write("key.pem", cert.privateKeyPem());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

    String api = fake.url().toString();
    String apiAddress = fake.url().getAuthority();
    String tls = "    tls_config: {ca_file: " + ca + ", cert_file: " + crt + ", key_file: " + key
        + "}\n";
    String sdTls = "        tls_config: {ca_file: " + ca + ", cert_file: " + crt + ", key_file: "
        + key + "}\n";
    String config = "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
        + "scrape_configs:\n"
        + "  - job_name: guest-nodes\n    scheme: https\n" + tls
        + "    kubernetes_sd_configs:\n      - role: node\n        api_server: " + api + "\n"
        + sdTls
        + "    relabel_configs:\n"
        + "      - {target_label: __address__, replacement: '" + apiAddress + "'}\n"
        + "      - source_labels: [__meta_kubernetes_node_name]\n        regex: (.+)\n"
        + "        target_label: __metrics_path__\n"
        + "        replacement: /api/v1/nodes/${1}:10250/proxy/metrics/cadvisor\n"
        + "  - job_name: guest-workload\n    scheme: https\n" + tls
        + "    kubernetes_sd_configs:\n      - role: endpoints\n        api_server: " + api + "\n"
        + sdTls
        + "    relabel_configs:\n"
        + "      - source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_service_name]\n"
        + "        regex: kube-system;kube-state-metrics\n        action: keep\n"
        + "      - source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_pod_name,"
        + " __address__]\n"
        + "        regex: (.+);(.+);.+:(\\d+)\n        target_label: __metrics_path__\n"
        + "        replacement: /api/v1/namespaces/${1}/pods/${2}:${3}/proxy/metrics\n"
        + "      - {target_label: __address__, replacement: '" + apiAddress + "'}\n";
    Path configFile = write("prometheus.yml", config);

    int port = freePort();
    Path log = dir.resolve("prometheus.log");
    prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + configFile,
        "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + dir.resolve("data"),
        "--log.level=debug")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    URI web = URI.create("http://127.0.0.1:" + port);
    Poll.until(WAIT, "prometheus ready (log: " + log + ")",
        () -> get(web.resolve("/-/ready")).statusCode() == 200);

    try {
      Poll.until(WAIT, "both jobs have a healthy target", () -> {
        Map<String, String> health = targetHealth(web);
        return "up".equals(health.get("guest-nodes"))
            && "up".equals(health.get("guest-workload"));
      });
    } catch (AssertionError e) {
      List<String> lines = Files.readAllLines(log);
      throw new AssertionError(e.getMessage() + "; targets " + get(web.resolve("/api/v1/targets"))
          .body() + "; prometheus log:\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())), e);
    }
    JsonArray up = json(get(web.resolve("/api/v1/query?query=up"))).getAsJsonObject("data")
        .getAsJsonArray("result");
    assertEquals(2, up.size(), up.toString());
    for (JsonElement sample : up) {
      assertEquals("1", sample.getAsJsonObject().getAsJsonArray("value").get(1).getAsString());
    }
    JsonArray scraped = json(get(web.resolve("/api/v1/query?query=fake_proxy_target_info")))
        .getAsJsonObject("data").getAsJsonArray("result");
    List<String> paths = new ArrayList<>();
    scraped.forEach(s -> paths.add(s.getAsJsonObject().getAsJsonObject("metric").get("path")
        .getAsString()));
    assertEquals(List.of("/metrics", "/metrics/cadvisor"), paths.stream().sorted().toList());

    List<FakeRequest> lists = fake.requests().stream()
        .filter(r -> r.isFor(ApiResource.NODES) && !r.isWatch()).toList();
    assertFalse(lists.isEmpty(), "prometheus listed nodes");
    assertTrue(lists.get(0).header("accept").orElse("").contains("protobuf"),
        "client-go asks for protobuf first: " + lists.get(0).headers());
    assertTrue(fake.requests().stream().filter(r -> r.isFor(ApiResource.NODES))
        .anyMatch(FakeRequest::isWatch), "and then watches, having accepted json");
    assertTrue(fake.requests().stream().allMatch(
        r -> r.clientCommonName().orElse("").equals("prometheus")), "every request had the cert");
  }

  private void seed() {
    fake.store().create(ApiResource.NODES, null, new V1Node()
        .metadata(new V1ObjectMeta().name("worker-1").labels(Map.of("role", "worker")))
        .status(new V1NodeStatus().addresses(List.of(
            new V1NodeAddress().type("InternalIP").address("127.0.0.1"),
            new V1NodeAddress().type("Hostname").address("worker-1")))));
    fake.store().create(ApiResource.PODS, "kube-system", new V1Pod()
        .metadata(new V1ObjectMeta().name("kube-state-metrics-0"))
        .spec(new V1PodSpec().nodeName("worker-1").containers(List.of(
            new io.kubernetes.client.openapi.models.V1Container().name("ksm").image("ksm")))));
    fake.store().create(ApiResource.SERVICES, "kube-system", new V1Service()
        .metadata(new V1ObjectMeta().name("kube-state-metrics"))
        .spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().name("http").port(8080)))));
    fake.store().create(ApiResource.ENDPOINTS, "kube-system", new V1Endpoints()
        .metadata(new V1ObjectMeta().name("kube-state-metrics"))
        .subsets(List.of(new V1EndpointSubset()
            .addresses(List.of(new V1EndpointAddress().ip("127.0.0.1").nodeName("worker-1")
                .targetRef(new V1ObjectReference().kind("Pod").namespace("kube-system")
                    .name("kube-state-metrics-0"))))
            .ports(List.of(new CoreV1EndpointPort().name("http").port(8080).protocol("TCP"))))));
  }

  private Map<String, String> targetHealth(URI web) throws IOException, InterruptedException {
    Map<String, String> health = new TreeMap<>();
    JsonArray active = json(get(web.resolve("/api/v1/targets"))).getAsJsonObject("data")
        .getAsJsonArray("activeTargets");
    for (JsonElement target : active) {
      JsonObject t = target.getAsJsonObject();
      health.put(t.getAsJsonObject("labels").get("job").getAsString(),
          t.get("health").getAsString());
    }
    return health;
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> response) {
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static int freePort() {
    return FreePorts.next();
  }
}
