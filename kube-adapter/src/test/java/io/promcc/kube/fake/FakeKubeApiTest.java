package io.promcc.kube.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeKubeApiTest {
  private static FakeKubeApi fake;
  private static ApiClient client;
  private static CoreV1Api core;
  private static OkHttpClient http;
  private static int namespaceCounter;
  private String ns;

  @BeforeAll
  static void startFake() {
    fake = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.REQUIRE)
        .bookmarkInterval(Duration.ofMillis(200)).historyLimit(20).start();
    client = fake.newClient();
    core = new CoreV1Api(client);
    http = client.getHttpClient();
  }

  @AfterAll
  static void stopFake() {
    fake.close();
  }

  @BeforeEach
  void freshNamespace() {
    fake.faults().clear();
    ns = "test-" + (++namespaceCounter);
  }

  /** A Service {@code namespace/name} with {@code labels}, for the fake's tests. */
  static V1Service service(String namespace, String name, Map<String, String> labels) {
    return new V1Service().metadata(new V1ObjectMeta().namespace(namespace).name(name)
        .labels(labels));
  }

  private Response get(String pathAndQuery) throws IOException {
    return http.newCall(new Request.Builder().url(fake.url() + pathAndQuery).build()).execute();
  }

  private JsonObject getJson(String pathAndQuery) throws IOException {
    try (Response response = get(pathAndQuery)) {
      return JsonParser.parseString(response.body().string()).getAsJsonObject();
    }
  }

  @Test
  void listsCarryTheirKindAndTheGlobalResourceVersion() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of()));
    V1ServiceList list = core.listNamespacedService(ns).execute();
    assertEquals("ServiceList", list.getKind());
    assertEquals("v1", list.getApiVersion());
    assertEquals(String.valueOf(fake.store().resourceVersion()),
        list.getMetadata().getResourceVersion());
    assertEquals(List.of("a"), list.getItems().stream().map(s -> s.getMetadata().getName())
        .toList());
    JsonObject slices = getJson("/apis/discovery.k8s.io/v1/endpointslices");
    assertEquals("EndpointSliceList", slices.get("kind").getAsString());
    assertEquals("discovery.k8s.io/v1", slices.get("apiVersion").getAsString());
    for (String path : List.of("/api/v1/nodes", "/api/v1/pods", "/api/v1/endpoints",
        "/api/v1/events", "/api/v1/secrets")) {
      assertTrue(getJson(path).get("kind").getAsString().endsWith("List"), path);
    }
  }

  @Test
  void answersJsonWhenAskedForProtobufFirst() throws Exception {
    try (Response response = http.newCall(new Request.Builder()
        .url(fake.url() + "/api/v1/nodes")
        .header("Accept", "application/vnd.kubernetes.protobuf,application/json").build())
        .execute()) {
      assertEquals(200, response.code());
      assertEquals("application/json", response.header("Content-Type"));
    }
  }

  @Test
  void selectsByLabelsAndFields() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a",
        Map.of("app", "master", "giantswarm.io/cluster", "x")));
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "b", Map.of("app", "master")));
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "c", Map.of("app", "worker")));
    assertEquals(List.of("a"), names(core.listNamespacedService(ns)
        .labelSelector("app=master,giantswarm.io/cluster").execute()));
    assertEquals(List.of("a", "b"), names(core.listNamespacedService(ns)
        .labelSelector("app in (master, other)").execute()));
    assertEquals(List.of("b", "c"), names(core.listNamespacedService(ns)
        .labelSelector("!giantswarm.io/cluster").execute()));
    assertEquals(List.of("c"), names(core.listNamespacedService(ns)
        .labelSelector("app!=master").execute()));
    assertEquals(List.of("b"), names(core.listServiceForAllNamespaces()
        .fieldSelector("metadata.name=b,metadata.namespace=" + ns).execute()));
    assertEquals(List.of("a", "c"), names(core.listNamespacedService(ns)
        .fieldSelector("metadata.name!=b").execute()));
    ApiException bad = assertThrows(ApiException.class,
        () -> core.listNamespacedService(ns).labelSelector("app in master").execute());
    assertEquals(400, bad.getCode());
  }

  private static List<String> names(V1ServiceList list) {
    return list.getItems().stream().map(s -> s.getMetadata().getName()).toList();
  }

  @Test
  void leasesUseOptimisticConcurrency() throws Exception {
    CoordinationV1Api coordination = new CoordinationV1Api(client);
    V1Lease created = coordination.createNamespacedLease(ns, new V1Lease()
        .metadata(new V1ObjectMeta().name("lock")).spec(new V1LeaseSpec().holderIdentity("a")))
        .execute();
    V1Lease stale = coordination.readNamespacedLease("lock", ns).execute();
    created.getSpec().holderIdentity("b");
    V1Lease updated = coordination.replaceNamespacedLease("lock", ns, created).execute();
    assertEquals("b", updated.getSpec().getHolderIdentity());
    assertTrue(Long.parseLong(updated.getMetadata().getResourceVersion())
        > Long.parseLong(stale.getMetadata().getResourceVersion()));

    stale.getSpec().holderIdentity("c");
    ApiException conflict = assertThrows(ApiException.class,
        () -> coordination.replaceNamespacedLease("lock", ns, stale).execute());
    assertEquals(409, conflict.getCode());
    ApiException exists = assertThrows(ApiException.class,
        () -> coordination.createNamespacedLease(ns, new V1Lease()
            .metadata(new V1ObjectMeta().name("lock"))).execute());
    assertEquals(409, exists.getCode());

    coordination.deleteNamespacedLease("lock", ns).execute();
    ApiException gone = assertThrows(ApiException.class,
        () -> coordination.readNamespacedLease("lock", ns).execute());
    assertEquals(404, gone.getCode());
  }

  @Test
  void eventsCanBeCreatedAndPatched() throws Exception {
    CoreV1Event event = core.createNamespacedEvent(ns, new CoreV1Event()
        .metadata(new V1ObjectMeta().name("svc.1").namespace(ns))
        .involvedObject(new V1ObjectReference().kind("Service").namespace(ns).name("svc"))
        .reason("InvalidClusterId").message("cluster id must be a DNS-1123 label").count(1)
        .type("Warning")).execute();
    assertEquals("InvalidClusterId", event.getReason());
    fake.store().patch(ApiResource.EVENTS, ns, "svc.1",
        JsonParser.parseString("{\"count\":2}").getAsJsonObject());
    assertEquals(2, core.readNamespacedEvent("svc.1", ns).execute().getCount());
  }

  @Test
  void servesEveryListedResourceThroughTheOfficialClient() throws Exception {
    fake.store().create(ApiResource.NODES, null, new V1Node().metadata(new V1ObjectMeta()
        .name("node-" + ns)));
    fake.store().create(ApiResource.PODS, ns, new V1Pod().metadata(new V1ObjectMeta().name("p")));
    fake.store().create(ApiResource.SECRETS, ns, new V1Secret()
        .metadata(new V1ObjectMeta().name("s")).data(Map.of("k", new byte[] {1, 2})));
    fake.store().create(ApiResource.ENDPOINT_SLICES, ns, new V1EndpointSlice()
        .metadata(new V1ObjectMeta().name("e")).addressType("IPv4").endpoints(List.of()));
    assertTrue(core.listNode().execute().getItems().stream()
        .anyMatch(n -> n.getMetadata().getName().equals("node-" + ns)));
    assertEquals(1, core.listNamespacedPod(ns).execute().getItems().size());
    assertEquals(List.of((byte) 1, (byte) 2), toList(core.readNamespacedSecret("s", ns).execute()
        .getData().get("k")));
    assertEquals("IPv4", new DiscoveryV1Api(client).listNamespacedEndpointSlice(ns).execute()
        .getItems().get(0).getAddressType());
    assertEquals("v1.31.0", new VersionApi(client).getCode().execute().getGitVersion());
    assertEquals("APIVersions", getJson("/api").get("kind").getAsString());
    assertEquals("APIGroupList", getJson("/apis").get("kind").getAsString());
    assertEquals("APIResourceList", getJson("/apis/coordination.k8s.io/v1").get("kind")
        .getAsString());
  }

  private static List<Byte> toList(byte[] bytes) {
    List<Byte> out = new ArrayList<>();
    for (byte b : bytes) {
      out.add(b);
    }
    return out;
  }

  @Test
  void theProxyPathsServeMetricsForExistingNodesAndPods() throws Exception {
    fake.store().create(ApiResource.NODES, null, new V1Node().metadata(new V1ObjectMeta()
        .name("w-" + ns)));
    fake.store().create(ApiResource.PODS, ns, new V1Pod().metadata(new V1ObjectMeta().name("ksm")));
    try (Response node = get("/api/v1/nodes/w-" + ns + ":10250/proxy/metrics/cadvisor")) {
      assertEquals(200, node.code());
      assertTrue(node.header("Content-Type").startsWith("text/plain; version=0.0.4"));
      assertTrue(node.body().string().contains(
          "fake_proxy_target_info{kind=\"node\",name=\"w-" + ns
              + "\",port=\"10250\",path=\"/metrics/cadvisor\"} 1"));
    }
    try (Response pod = get("/api/v1/namespaces/" + ns + "/pods/ksm:8080/proxy/metrics")) {
      assertEquals(200, pod.code());
    }
    try (Response missing = get("/api/v1/nodes/nope:10250/proxy/metrics")) {
      assertEquals(404, missing.code());
    }
  }

  @Test
  void injectedFaultsAnswerWithTheirStatusAndThenStop() throws Exception {
    fake.faults().fail(1, 429, r -> r.path().equals("/api/v1/namespaces/" + ns + "/services"));
    try (Response throttled = get("/api/v1/namespaces/" + ns + "/services")) {
      assertEquals(429, throttled.code());
      assertEquals("1", throttled.header("Retry-After"));
      JsonObject status = JsonParser.parseString(throttled.body().string()).getAsJsonObject();
      assertEquals("TooManyRequests", status.get("reason").getAsString());
    }
    try (Response fine = get("/api/v1/namespaces/" + ns + "/services")) {
      assertEquals(200, fine.code());
    }
    fake.faults().fail(Faults.ALWAYS, 500, FakeRequest::isWatch);
    try (Response failing = get("/api/v1/services?watch=true")) {
      assertEquals(500, failing.code());
    }
  }

  @Test
  void aDelayedRequestArrivesLate() throws Exception {
    fake.faults().delay(Duration.ofMillis(700), r -> r.path().equals("/version"));
    OkHttpClient impatient = http.newBuilder().readTimeout(Duration.ofMillis(200)).build();
    assertThrows(IOException.class,
        () -> impatient.newCall(new Request.Builder().url(fake.url() + "/version").build())
            .execute().close());
  }

  @Test
  void aClientWithoutTheRightCertificateIsRefused() {
    CoreV1Api anonymous = new CoreV1Api(fake.newClient(Optional.empty()));
    assertThrows(ApiException.class, () -> anonymous.listNamespacedService(ns).execute());
    TestCa stranger = TestCa.create("someone-else");
    CoreV1Api foreign = new CoreV1Api(fake.newClient(Optional.of(stranger.issueClient("admin"))));
    assertThrows(ApiException.class, () -> foreign.listNamespacedService(ns).execute());
    long before = fake.requestCount(r -> true);
    CoreV1Api trusted = new CoreV1Api(fake.newClient(Optional.of(fake.ca().issueClient("ok"))));
    assertThrows(ApiException.class, () -> trusted.readNamespacedService("none", ns).execute());
    assertEquals(Optional.of("ok"), fake.requests().get(fake.requests().size() - 1)
        .clientCommonName());
    assertEquals(before + 1, fake.requestCount(r -> true), "refused clients never got through");
  }
}
