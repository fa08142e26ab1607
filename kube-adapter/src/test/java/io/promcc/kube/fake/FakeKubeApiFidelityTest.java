package io.promcc.kube.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Places where the fake once answered differently from a real API server (checked against
 * k8s.io/apiserver and k8s.io/apimachinery): each test states what the real server does.
 */
class FakeKubeApiFidelityTest {
  private static FakeKubeApi fake;
  private static ApiClient client;
  private static CoreV1Api core;
  private static OkHttpClient http;
  private static int namespaceCounter;
  private String ns;

  @BeforeAll
  static void startFake() {
    fake = FakeKubeApi.start();
    client = fake.newClient();
    core = new CoreV1Api(client);
    http = client.getHttpClient().newBuilder().readTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stopFake() {
    fake.close();
  }

  @BeforeEach
  void freshNamespace() {
    fake.faults().clear();
    ns = "fidelity-" + (++namespaceCounter);
  }

  private static V1Service service(String namespace, String name, Map<String, String> labels) {
    return new V1Service().metadata(new V1ObjectMeta().namespace(namespace).name(name)
        .labels(labels));
  }

  /**
   * labels.Parse accepts any label key before "in", also one that contains "in" itself, such as
   * "app.kubernetes.io/instance" (the fake once found the operator inside the key and answered
   * 400).
   */
  @Test
  void aSetBasedSelectorOnAKeyContainingInSelects() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns,
        service(ns, "a", Map.of("app.kubernetes.io/instance", "blue")));
    fake.store().create(ApiResource.SERVICES, ns,
        service(ns, "b", Map.of("app.kubernetes.io/instance", "green")));
    V1ServiceList list = core.listNamespacedService(ns)
        .labelSelector("app.kubernetes.io/instance in (blue)").execute();
    assertEquals(List.of("a"), list.getItems().stream().map(s -> s.getMetadata().getName())
        .toList());
  }

  /** labels.Parse reads the values of "in" into a set: one named twice is accepted. */
  @Test
  void aSetBasedSelectorMayNameAValueTwice() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of("tier", "web")));
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "b", Map.of("tier", "db")));
    V1ServiceList list = core.listNamespacedService(ns)
        .labelSelector("tier in (web,web), tier notin (db, db)").execute();
    assertEquals(List.of("a"), list.getItems().stream().map(s -> s.getMetadata().getName())
        .toList());
  }

  /**
   * NewAlreadyExists words the message with the qualified resource, e.g.
   * {@code leases.coordination.k8s.io "lock" already exists}, as in the 404 and 409 Conflict
   * messages.
   */
  @Test
  void alreadyExistsNamesTheQualifiedResource() throws Exception {
    CoordinationV1Api coordination = new CoordinationV1Api(client);
    coordination.createNamespacedLease(ns, new V1Lease().metadata(new V1ObjectMeta()
        .name("lock"))).execute();
    ApiException exists = assertThrows(ApiException.class,
        () -> coordination.createNamespacedLease(ns, new V1Lease()
            .metadata(new V1ObjectMeta().name("lock"))).execute());
    assertEquals(409, exists.getCode());
    JsonObject status = JsonParser.parseString(exists.getResponseBody()).getAsJsonObject();
    assertEquals("leases.coordination.k8s.io \"lock\" already exists",
        status.get("message").getAsString());
  }
}
