package io.promcc.kube.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.util.PatchUtils;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PATCH as the API server does it: four patch types, 415 for any other content type. */
class FakeKubeApiPatchTest {
  private static FakeKubeApi fake;
  private static ApiClient client;
  private static CoreV1Api core;
  private static OkHttpClient http;
  private static int counter;
  private String ns;

  @BeforeAll
  static void startFake() {
    fake = FakeKubeApi.start();
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
    ns = "patch-" + (++counter);
    fake.store().create(ApiResource.SERVICES, ns, new V1Service()
        .metadata(new V1ObjectMeta().name("api").labels(Map.of("app", "master", "tier", "a"))
            .finalizers(List.of("example.com/keep")))
        .spec(new V1ServiceSpec().ports(List.of(
            new V1ServicePort().name("https").port(443).targetPort(new IntOrString(6443)),
            new V1ServicePort().name("metrics").port(9100)))));
  }

  private V1Service patch(String format, String body) throws ApiException {
    return PatchUtils.patch(V1Service.class,
        () -> core.patchNamespacedService("api", ns, new V1Patch(body)).buildCall(null), format,
        client);
  }

  private Response rawPatch(String name, String contentType, String body) throws IOException {
    return http.newCall(new Request.Builder()
        .url(fake.url() + "/api/v1/namespaces/" + ns + "/services/" + name)
        .patch(RequestBody.create(body, MediaType.parse(contentType))).build()).execute();
  }

  private static JsonObject json(Response response) throws IOException {
    return JsonParser.parseString(response.body().string()).getAsJsonObject();
  }

  private static List<String> ports(V1Service service) {
    return service.getSpec().getPorts().stream().map(p -> p.getName() + ":" + p.getPort())
        .toList();
  }

  @Test
  void aJsonPatchAppliesItsOperationsInOrder() throws Exception {
    V1Service patched = patch(V1Patch.PATCH_FORMAT_JSON_PATCH, "["
        + "{\"op\":\"test\",\"path\":\"/spec/ports/0/port\",\"value\":443},"
        + "{\"op\":\"add\",\"path\":\"/metadata/labels/team\",\"value\":\"blue\"},"
        + "{\"op\":\"replace\",\"path\":\"/spec/ports/1/port\",\"value\":9200},"
        + "{\"op\":\"remove\",\"path\":\"/metadata/labels/tier\"},"
        + "{\"op\":\"add\",\"path\":\"/spec/ports/-\",\"value\":{\"name\":\"x\",\"port\":1}},"
        + "{\"op\":\"copy\",\"from\":\"/metadata/labels/team\",\"path\":\"/metadata/labels/t2\"},"
        + "{\"op\":\"move\",\"from\":\"/metadata/labels/t2\",\"path\":\"/metadata/labels/t3\"}]");
    assertEquals(Map.of("app", "master", "team", "blue", "t3", "blue"),
        patched.getMetadata().getLabels());
    assertEquals(List.of("https:443", "metrics:9200", "x:1"), ports(patched));
  }

  @Test
  void aJsonPatchThatDoesNotApplyIs422AndChangesNothing() throws Exception {
    long before = fake.store().resourceVersion();
    ApiException failedTest = assertThrows(ApiException.class, () -> patch(
        V1Patch.PATCH_FORMAT_JSON_PATCH,
        "[{\"op\":\"test\",\"path\":\"/spec/ports/0/port\",\"value\":80}]"));
    assertEquals(422, failedTest.getCode());
    ApiException missing = assertThrows(ApiException.class, () -> patch(
        V1Patch.PATCH_FORMAT_JSON_PATCH, "[{\"op\":\"remove\",\"path\":\"/spec/nothing\"}]"));
    assertEquals(422, missing.getCode());
    ApiException malformed = assertThrows(ApiException.class,
        () -> patch(V1Patch.PATCH_FORMAT_JSON_PATCH, "{\"op\":\"add\"}"));
    assertEquals(400, malformed.getCode());
    assertEquals(before, fake.store().resourceVersion());
  }

  @Test
  void aMergePatchMergesObjectsDeletesNullsAndReplacesLists() throws Exception {
    V1Service patched = patch(V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
        "{\"metadata\":{\"labels\":{\"tier\":null,\"team\":\"blue\"}},"
            + "\"spec\":{\"ports\":[{\"name\":\"only\",\"port\":8443}]}}");
    assertEquals(Map.of("app", "master", "team", "blue"), patched.getMetadata().getLabels());
    assertEquals(List.of("only:8443"), ports(patched), "lists are replaced whole");
  }

  @Test
  void aStrategicMergePatchMergesAServicesPortsByPort() throws Exception {
    V1Service patched = patch(V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        "{\"metadata\":{\"finalizers\":[\"example.com/other\"]},"
            + "\"spec\":{\"ports\":[{\"port\":443,\"name\":\"api\"},"
            + "{\"port\":8080,\"name\":\"new\"}]}}");
    assertEquals(List.of("api:443", "metrics:9100", "new:8080"), ports(patched));
    assertEquals(new IntOrString(6443), patched.getSpec().getPorts().get(0).getTargetPort(),
        "fields the patch does not name are kept in a merged element");
    assertEquals(List.of("example.com/keep", "example.com/other"),
        patched.getMetadata().getFinalizers(), "finalizers merge as a set");

    V1Service deleted = patch(V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        "{\"spec\":{\"ports\":[{\"port\":9100,\"$patch\":\"delete\"}]},"
            + "\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"example.com/keep\"]}}");
    assertEquals(List.of("api:443", "new:8080"), ports(deleted));
    assertEquals(List.of("example.com/other"), deleted.getMetadata().getFinalizers());

    V1Service replaced = patch(V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        "{\"spec\":{\"ports\":[{\"port\":1,\"name\":\"one\"}],\"$patch\":\"replace\"}}");
    assertEquals(List.of("one:1"), ports(replaced));
  }

  @Test
  void serverSideApplyCreatesWhatIsMissingThenMergesIntoIt() throws Exception {
    String applied = "apiVersion: v1\nkind: Service\nmetadata:\n  name: applied\n"
        + "  labels:\n    app: master\nspec:\n  ports:\n  - name: https\n    port: 443\n";
    try (Response created = rawPatch("applied?fieldManager=promcc",
        PatchType.APPLY.contentType(), applied)) {
      assertEquals(201, created.code());
      JsonObject object = json(created);
      assertEquals(ns, object.getAsJsonObject("metadata").get("namespace").getAsString());
      assertTrue(object.getAsJsonObject("metadata").has("uid"));
    }
    V1Service service = PatchUtils.patch(V1Service.class,
        () -> core.patchNamespacedService("applied", ns, new V1Patch(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: applied\n"
                + "spec:\n  ports:\n  - name: metrics\n    port: 9100\n"))
            .fieldManager("promcc").force(true).buildCall(null),
        V1Patch.PATCH_FORMAT_APPLY_YAML, client);
    assertEquals(List.of("https:443", "metrics:9100"), ports(service));
    assertEquals(Map.of("app", "master"), service.getMetadata().getLabels());
  }

  @Test
  void serverSideApplyNeedsAFieldManagerAndAMatchingObject() throws Exception {
    String applied = "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n";
    try (Response noManager = rawPatch("api", PatchType.APPLY.contentType(), applied)) {
      assertEquals(422, noManager.code());
      assertEquals("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is "
          + "required for apply patch", json(noManager).get("message").getAsString());
    }
    try (Response wrongKind = rawPatch("api?fieldManager=m", PatchType.APPLY.contentType(),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\n")) {
      assertEquals(400, wrongKind.code());
    }
    try (Response wrongName = rawPatch("api?fieldManager=m", PatchType.APPLY.contentType(),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: other\n")) {
      assertEquals(400, wrongName.code());
    }
  }

  @Test
  void anyOtherContentTypeIs415() throws Exception {
    for (String contentType : List.of("application/json", "application/yaml",
        "text/plain", "application/apply-patch+cbor")) {
      try (Response response = rawPatch("api", contentType, "{}")) {
        assertEquals(415, response.code(), contentType);
        JsonObject status = json(response);
        assertEquals("UnsupportedMediaType", status.get("reason").getAsString());
        assertEquals("the body of the request was in an unknown format - accepted media types "
            + "include: application/json-patch+json, application/merge-patch+json, "
            + "application/strategic-merge-patch+json, application/apply-patch+yaml",
            status.get("message").getAsString());
      }
    }
    try (Response charset = rawPatch("api", "application/merge-patch+json; charset=utf-8",
        "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}")) {
      assertEquals(200, charset.code(), "parameters of the content type are ignored");
    }
  }

  @Test
  void patchingAMissingObjectIs404ExceptForApply() throws Exception {
    for (PatchType type : List.of(PatchType.JSON, PatchType.MERGE, PatchType.STRATEGIC)) {
      try (Response response = rawPatch("missing", type.contentType(),
          type == PatchType.JSON ? "[]" : "{}")) {
        assertEquals(404, response.code(), type.toString());
      }
    }
  }

  @Test
  void aPatchNamingAStaleResourceVersionConflicts() throws Exception {
    try (Response stale = rawPatch("api", PatchType.MERGE.contentType(),
        "{\"metadata\":{\"resourceVersion\":\"1\",\"labels\":{\"x\":\"y\"}}}")) {
      assertEquals(409, stale.code());
    }
    String current = fake.store().get(ApiResource.SERVICES, ns, "api")
        .getAsJsonObject("metadata").get("resourceVersion").getAsString();
    try (Response fresh = rawPatch("api", PatchType.MERGE.contentType(),
        "{\"metadata\":{\"resourceVersion\":\"" + current + "\",\"labels\":{\"x\":\"y\"}}}")) {
      assertEquals(200, fresh.code());
    }
  }

  @Test
  void aPatchThatChangesNothingWritesNothing() throws Exception {
    long before = fake.store().resourceVersion();
    V1Service same = patch(V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        "{\"metadata\":{\"labels\":{\"app\":\"master\"}}}");
    assertEquals(before, fake.store().resourceVersion());
    assertEquals(String.valueOf(before), same.getMetadata().getResourceVersion());
    assertFalse(ports(same).isEmpty());
  }
}
