package io.promcc.kube.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Answers of the fake that clients must survive, as the real API server gives them: objects
 * with fields newer than the client, no-op updates, DELETED events for objects leaving a
 * selection, watch ERROR events, 401, 403 and plain-text 429, a watch cache that is behind.
 */
class FakeKubeApiAnswersTest {
  private static FakeKubeApi fake;
  private static ApiClient client;
  private static OkHttpClient http;
  private static int counter;
  private String ns;

  @BeforeAll
  static void startFake() {
    fake = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.REQUIRE).start();
    client = fake.newClient();
    http = client.getHttpClient().newBuilder().readTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stopFake() {
    fake.close();
  }

  @BeforeEach
  void fresh() {
    fake.faults().clear();
    fake.serveUnknownFields(false);
    ns = "answers-" + (++counter);
  }

  private static V1Service service(String namespace, String name, Map<String, String> labels) {
    return new V1Service().metadata(new V1ObjectMeta().namespace(namespace).name(name)
        .labels(labels)).spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().port(443))));
  }

  private Response get(String pathAndQuery) throws IOException {
    return http.newCall(new Request.Builder().url(fake.url() + pathAndQuery).build()).execute();
  }

  private static JsonObject json(Response response) throws IOException {
    return JsonParser.parseString(response.body().string()).getAsJsonObject();
  }

  /** Reads watch lines until {@code count} arrived or the stream ended. */
  private List<JsonObject> watch(String pathAndQuery, int count) throws IOException {
    List<JsonObject> events = new ArrayList<>();
    try (Response response = get(pathAndQuery)) {
      assertEquals(200, response.code());
      BufferedReader reader = new BufferedReader(new InputStreamReader(
          response.body().byteStream(), StandardCharsets.UTF_8));
      String line;
      while (events.size() < count && (line = reader.readLine()) != null) {
        events.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    return events;
  }

  private String version(String name) {
    return fake.store().get(ApiResource.SERVICES, ns, name).getAsJsonObject("metadata")
        .get("resourceVersion").getAsString();
  }

  @Test
  void withTheSwitchOnObjectsCarryFieldsClientJavasModelsRefuse() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of("app", "master")));
    fake.serveUnknownFields(true);
    try (Response response = get("/api/v1/namespaces/" + ns + "/services/a")) {
      JsonObject object = json(response);
      String field = UnknownFields.FIELD;
      assertTrue(object.has(field));
      assertTrue(object.getAsJsonObject("metadata").has(field));
      assertTrue(object.getAsJsonObject("spec").has(field));
      assertTrue(object.getAsJsonObject("spec").getAsJsonArray("ports").get(0)
          .getAsJsonObject().has(field), "nested structures too");
      assertEquals(1, object.getAsJsonObject("metadata").getAsJsonObject("labels").size(),
          "maps of data keep their keys");
    }
    try (Response list = get("/api/v1/namespaces/" + ns + "/services")) {
      JsonObject object = json(list);
      assertTrue(object.has(UnknownFields.FIELD));
      assertTrue(object.getAsJsonObject("metadata").has(UnknownFields.FIELD));
    }
    // this is why the adapter reads tolerantly: client-java 25's own models throw
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> new CoreV1Api(client).readNamespacedService("a", ns).execute());
    assertTrue(refused.getMessage().contains("is not defined in the `V1Service` properties"),
        refused.getMessage());
    assertFalse(fake.store().get(ApiResource.SERVICES, ns, "a").has(UnknownFields.FIELD),
        "stored objects are unchanged");
  }

  @Test
  void anUpdateThatChangesNothingBumpsNothingAndSendsNoEvent() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of("app", "master")));
    String before = version("a");
    long global = fake.store().resourceVersion();
    JsonObject same = fake.store().update(ApiResource.SERVICES, ns,
        service(ns, "a", Map.of("app", "master")));
    assertEquals(before, same.getAsJsonObject("metadata").get("resourceVersion").getAsString());
    assertEquals(global, fake.store().resourceVersion());
    fake.store().update(ApiResource.SERVICES, ns, service(ns, "a", Map.of("app", "other")));
    List<JsonObject> events = watch("/api/v1/namespaces/" + ns + "/services?watch=true"
        + "&resourceVersion=" + global, 1);
    assertEquals("other", events.get(0).getAsJsonObject("object").getAsJsonObject("metadata")
        .getAsJsonObject("labels").get("app").getAsString(), "the no-op sent no event");
  }

  @Test
  void anObjectLeavingTheSelectionIsDeletedWithItsPreviousState() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of("app", "master")));
    long from = fake.store().resourceVersion();
    fake.store().update(ApiResource.SERVICES, ns, service(ns, "a", Map.of("app", "other")));
    String changed = version("a");
    List<JsonObject> events = watch("/api/v1/namespaces/" + ns + "/services?watch=true"
        + "&labelSelector=app%3Dmaster&resourceVersion=" + from, 1);
    assertEquals("DELETED", events.get(0).get("type").getAsString());
    JsonObject meta = events.get(0).getAsJsonObject("object").getAsJsonObject("metadata");
    assertEquals("master", meta.getAsJsonObject("labels").get("app").getAsString(),
        "the object as it was when it still matched");
    assertEquals(changed, meta.get("resourceVersion").getAsString(),
        "with the resourceVersion of the change");
  }

  @Test
  void aWatchCanFailWithAnErrorEventOtherThan410() throws Exception {
    fake.faults().failWatchesWithErrorEvent(1, 500, r -> r.isFor(ApiResource.SERVICES));
    List<JsonObject> events = watch("/api/v1/namespaces/" + ns + "/services?watch=true", 5);
    assertEquals(1, events.size(), "the stream ends after the error");
    assertEquals("ERROR", events.get(0).get("type").getAsString());
    JsonObject status = events.get(0).getAsJsonObject("object");
    assertEquals(500, status.get("code").getAsInt());
    assertEquals("InternalError", status.get("reason").getAsString());

    // watches of earlier tests may linger until the server next writes to them: count from here
    int open0 = fake.store().watchCount(ApiResource.SERVICES);
    Thread ender = new Thread(() -> {
      Poll.until(Duration.ofSeconds(10), "watch open",
          () -> fake.store().watchCount(ApiResource.SERVICES) > open0);
      fake.faults().errorWatches(504, "Too large resource version: 99, current: 7");
    });
    ender.start();
    List<JsonObject> open = watch("/api/v1/namespaces/" + ns + "/services?watch=true", 5);
    ender.join();
    assertEquals(1, open.size());
    JsonObject tooLarge = open.get(0).getAsJsonObject("object");
    assertEquals(504, tooLarge.get("code").getAsInt());
    assertEquals("Timeout", tooLarge.get("reason").getAsString());
  }

  @Test
  void aStaleCacheAnswersAListAtAnyVersionAsItWasAndAConsistentListAsItIs() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of("app", "master")));
    long behind = fake.store().resourceVersion();
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "b", Map.of("app", "master")));
    fake.faults().staleCache(behind);
    String path = "/api/v1/namespaces/" + ns + "/services";
    try (Response any = get(path + "?resourceVersion=0")) {
      JsonObject list = json(any);
      assertEquals(1, list.getAsJsonArray("items").size(), "only a, as it was");
      assertEquals(Long.toString(behind),
          list.getAsJsonObject("metadata").get("resourceVersion").getAsString());
    }
    try (Response consistent = get(path)) {
      assertEquals(2, json(consistent).getAsJsonArray("items").size());
    }
    try (Response notOlder = get(path + "?resourceVersion=" + behind)) {
      assertEquals(2, json(notOlder).getAsJsonArray("items").size());
    }
  }

  @Test
  void unauthorizedAndForbiddenAreWordedAsByTheApiServer() throws Exception {
    fake.faults().unauthorized(1, r -> r.isFor(ApiResource.SERVICES));
    try (Response response = get("/api/v1/namespaces/" + ns + "/services")) {
      assertEquals(401, response.code());
      JsonObject status = json(response);
      assertEquals("Unauthorized", status.get("reason").getAsString());
      assertEquals("Unauthorized", status.get("message").getAsString());
    }
    fake.faults().forbid(Faults.ALWAYS, r -> true);
    try (Response namespaced = get("/api/v1/namespaces/" + ns + "/services")) {
      assertEquals(403, namespaced.code());
      JsonObject status = json(namespaced);
      assertEquals("Forbidden", status.get("reason").getAsString());
      assertEquals("services is forbidden: User \"admin\" cannot list resource \"services\" in "
          + "API group \"\" in the namespace \"" + ns + "\"", status.get("message").getAsString());
      assertEquals("services", status.getAsJsonObject("details").get("kind").getAsString());
    }
    try (Response cluster = get("/api/v1/services?watch=true")) {
      assertEquals("services is forbidden: User \"admin\" cannot watch resource \"services\" in "
          + "API group \"\" at the cluster scope", json(cluster).get("message").getAsString());
    }
    try (Response lease = get("/apis/coordination.k8s.io/v1/namespaces/monitoring/leases/x")) {
      assertEquals("leases.coordination.k8s.io \"x\" is forbidden: User \"admin\" cannot get "
          + "resource \"leases\" in API group \"coordination.k8s.io\" in the namespace "
          + "\"monitoring\"", json(lease).get("message").getAsString());
    }
  }

  @Test
  void throttlingIsAPlainText429WithRetryAfter() throws Exception {
    fake.faults().throttle(1, 3, r -> r.isFor(ApiResource.SERVICES));
    try (Response response = get("/api/v1/namespaces/" + ns + "/services")) {
      assertEquals(429, response.code());
      assertEquals("3", response.header("Retry-After"));
      assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
      assertEquals("Too many requests, please try again later.\n", response.body().string());
    }
    try (Response next = get("/api/v1/namespaces/" + ns + "/services")) {
      assertEquals(200, next.code());
    }
  }
}
