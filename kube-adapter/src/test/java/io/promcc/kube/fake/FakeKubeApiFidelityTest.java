package io.promcc.kube.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
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


  /**
   * labels.Parse accepts any label key before "in", also one that contains "in" itself, such as
   * "app.kubernetes.io/instance" (the fake once found the operator inside the key and answered
   * 400).
   */
  @Test
  void aSetBasedSelectorOnAKeyContainingInSelects() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns,
        FakeKubeApiTest.service(ns, "a", Map.of("app.kubernetes.io/instance", "blue")));
    fake.store().create(ApiResource.SERVICES, ns,
        FakeKubeApiTest.service(ns, "b", Map.of("app.kubernetes.io/instance", "green")));
    V1ServiceList list = core.listNamespacedService(ns)
        .labelSelector("app.kubernetes.io/instance in (blue)").execute();
    assertEquals(List.of("a"), list.getItems().stream().map(s -> s.getMetadata().getName())
        .toList());
  }

  /** labels.Parse reads the values of "in" into a set: one named twice is accepted. */
  @Test
  void aSetBasedSelectorMayNameAValueTwice() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns,
        FakeKubeApiTest.service(ns, "a", Map.of("tier", "web")));
    fake.store().create(ApiResource.SERVICES, ns,
        FakeKubeApiTest.service(ns, "b", Map.of("tier", "db")));
    V1ServiceList list = core.listNamespacedService(ns)
        .labelSelector("tier in (web,web), tier notin (db, db)").execute();
    assertEquals(List.of("a"), list.getItems().stream().map(s -> s.getMetadata().getName())
        .toList());
  }

  /**
   * The API server pages a list that asks for a limit: {@code limit} items and a
   * {@code metadata.continue} token for the rest (k8s.io/apiserver storage, "continue").
   */
  @Test
  void aListWithALimitIsPagedWithAContinueToken() throws Exception {
    createServices("a", "b", "c");
    V1ServiceList first = core.listNamespacedService(ns).limit(1).execute();
    assertEquals(1, first.getItems().size(), "items of a list with limit=1");
    assertNotNull(first.getMetadata().getContinue(), "continue token of a partial list");
  }

  /**
   * A continued list reads at the first page's resourceVersion (etcd3 GetList with the token's
   * revision): later writes do not show, and every page carries that version. Without
   * selectors, a partial page counts the items left (remainingItemCount).
   */
  @Test
  void aContinuedListShowsTheStateOfItsFirstPage() throws Exception {
    createServices("a", "b", "c");
    V1ServiceList first = core.listNamespacedService(ns).limit(2).execute();
    assertEquals(List.of("a", "b"), names(first));
    assertEquals(1L, first.getMetadata().getRemainingItemCount());
    fake.store().create(ApiResource.SERVICES, ns, FakeKubeApiTest.service(ns, "b2", Map.of()));
    fake.store().update(ApiResource.SERVICES, ns,
        FakeKubeApiTest.service(ns, "c", Map.of("changed", "yes")));
    V1ServiceList rest = core.listNamespacedService(ns).limit(2)
        ._continue(first.getMetadata().getContinue()).execute();
    assertEquals(List.of("c"), names(rest));
    Map<String, String> labelsOfC = rest.getItems().get(0).getMetadata().getLabels();
    assertTrue(labelsOfC == null || !labelsOfC.containsKey("changed"),
        "c as it was at the first page");
    assertEquals(first.getMetadata().getResourceVersion(),
        rest.getMetadata().getResourceVersion());
    assertNull(rest.getMetadata().getContinue(), "continue token of the last page");
  }

  /**
   * A continue token whose resourceVersion was compacted away is answered 410 Expired, with a
   * token that continues at the current state (etcd3 handleCompactedErrorForPaging).
   */
  @Test
  void aContinueTokenOlderThanTheHistoryIsExpired() throws Exception {
    createServices("a", "b", "c");
    V1ServiceList first = core.listNamespacedService(ns).limit(1).execute();
    fake.store().create(ApiResource.SERVICES, ns, FakeKubeApiTest.service(ns, "d", Map.of()));
    fake.store().compact();
    ApiException expired = assertThrows(ApiException.class, () -> core
        .listNamespacedService(ns).limit(1)._continue(first.getMetadata().getContinue())
        .execute());
    assertEquals(410, expired.getCode());
    JsonObject status = JsonParser.parseString(expired.getResponseBody()).getAsJsonObject();
    assertEquals("Expired", status.get("reason").getAsString());
    String inconsistent = status.getAsJsonObject("metadata").get("continue").getAsString();
    V1ServiceList rest = core.listNamespacedService(ns)._continue(inconsistent).execute();
    assertEquals(List.of("b", "c", "d"), names(rest));
    assertEquals(Long.toString(fake.store().resourceVersion()),
        rest.getMetadata().getResourceVersion());
  }

  private static List<String> names(V1ServiceList list) {
    return list.getItems().stream().map(s -> s.getMetadata().getName()).toList();
  }

  /**
   * timeoutSeconds=0 means "no timeout asked": the API server then picks its own (between
   * --min-request-timeout and twice that; k8s.io/apiserver endpoints/handlers/get.go); the watch
   * does not end at once.
   */
  @Test
  void aWatchWithTimeoutSecondsZeroStaysOpen() throws Exception {
    Request request = new Request.Builder().url(fake.url() + "/api/v1/namespaces/" + ns
        + "/services?watch=true&timeoutSeconds=0").build();
    try (Response response = http.newCall(request).execute()) {
      assertEquals(200, response.code());
      Poll.until(Duration.ofSeconds(10), "watch registered or ended",
          () -> fake.store().watchCount(ApiResource.SERVICES) > 0
              || fake.requestCount(r -> r.isWatch() && r.path().contains(ns)) > 0);
      fake.store().create(ApiResource.SERVICES, ns, FakeKubeApiTest.service(ns, "late", Map.of()));
      BufferedReader reader = new BufferedReader(new InputStreamReader(
          response.body().byteStream(), StandardCharsets.UTF_8));
      String line = reader.readLine();
      assertNotNull(line, "the watch ended before the service created after it was opened");
      JsonObject event = JsonParser.parseString(line).getAsJsonObject();
      assertEquals("ADDED", event.get("type").getAsString());
    }
  }

  /**
   * DELETE of an object that has finalizers only marks it (metadata.deletionTimestamp, a
   * MODIFIED event); it is removed once its finalizers are gone (k8s.io/apiserver
   * registry/generic/registry/store.go, updateForGracefulDeletionAndFinalizers).
   */
  @Test
  void deletingAnObjectWithFinalizersOnlyMarksIt() throws Exception {
    V1Service guarded = FakeKubeApiTest.service(ns, "master", Map.of());
    guarded.getMetadata().finalizers(List.of("service.kubernetes.io/load-balancer-cleanup"));
    fake.store().create(ApiResource.SERVICES, ns, guarded);
    core.deleteNamespacedService("master", ns).execute();
    List<JsonObject> left = fake.store().list(ApiResource.SERVICES, ns, Selector.everything(),
        Selector.everything());
    assertEquals(1, left.size(), "a service with a finalizer is kept until it is removed");
    assertNotNull(left.get(0).getAsJsonObject("metadata").get("deletionTimestamp"),
        "deletionTimestamp of the service being deleted");
  }

  /**
   * An update keeps the deletionTimestamp of an object being deleted (rest.BeforeUpdate), and
   * the update that takes its last finalizer removes it instead (ShouldDeleteDuringUpdate):
   * watchers see MODIFIED for the mark and DELETED at the end.
   */
  @Test
  void removingTheLastFinalizerOfAnObjectBeingDeletedRemovesIt() throws Exception {
    V1Service guarded = FakeKubeApiTest.service(ns, "master", Map.of());
    guarded.getMetadata().finalizers(List.of("example.com/a", "example.com/b"));
    String created = StoreJson.metadata(fake.store().create(ApiResource.SERVICES, ns, guarded))
        .get("resourceVersion").getAsString();
    StoreWatches.Subscription watch = fake.store().subscribe(ApiResource.SERVICES, ns,
        Selector.everything(), Selector.everything(), created);
    try {
      core.deleteNamespacedService("master", ns).execute();
      V1Service marked = core.readNamespacedService("master", ns).execute();
      OffsetDateTime deletion = marked.getMetadata().getDeletionTimestamp();
      assertEquals(0L, marked.getMetadata().getDeletionGracePeriodSeconds());
      marked.getMetadata().deletionTimestamp(null).finalizers(List.of("example.com/b"));
      V1Service kept = core.replaceNamespacedService("master", ns, marked).execute();
      assertEquals(deletion, kept.getMetadata().getDeletionTimestamp(),
          "deletionTimestamp after an update that left it out");
      kept.getMetadata().finalizers(List.of());
      core.replaceNamespacedService("master", ns, kept).execute();
      assertEquals(List.of(), fake.store().list(ApiResource.SERVICES, ns, Selector.everything(),
          Selector.everything()));
      List<String> events = new ArrayList<>();
      watch.queue.forEach(e -> events.add(((StoreWatches.WatchEvent) e).type()));
      assertEquals(List.of("MODIFIED", "MODIFIED", "DELETED"), events);
    } finally {
      fake.store().unsubscribe(watch);
    }
  }

  /**
   * An update cannot set metadata.deletionTimestamp: ValidateObjectMetaUpdate refuses a change
   * of it (422, "field is immutable"); only DELETE sets it, so tests cannot build states no
   * client could reach.
   */
  @Test
  void anUpdateCannotStartADeletion() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, FakeKubeApiTest.service(ns, "master", Map.of()));
    V1Service current = core.readNamespacedService("master", ns).execute();
    current.getMetadata().deletionTimestamp(OffsetDateTime.parse("2026-01-01T00:00:00Z"));
    ApiException refused = assertThrows(ApiException.class,
        () -> core.replaceNamespacedService("master", ns, current).execute());
    assertEquals(422, refused.getCode());
    JsonObject status = JsonParser.parseString(refused.getResponseBody()).getAsJsonObject();
    assertEquals("Service \"master\" is invalid: metadata.deletionTimestamp: Invalid value: "
        + "2026-01-01 00:00:00 +0000 UTC: field is immutable",
        status.get("message").getAsString());
  }

  /** rest.BeforeCreate clears deletionTimestamp and deletionGracePeriodSeconds. */
  @Test
  void aCreateCannotStartADeletion() throws Exception {
    V1Service deleting = FakeKubeApiTest.service(ns, "master", Map.of());
    deleting.getMetadata().deletionTimestamp(OffsetDateTime.parse("2026-01-01T00:00:00Z"))
        .deletionGracePeriodSeconds(0L).finalizers(List.of("example.com/keep"));
    V1Service created = core.createNamespacedService(ns, deleting).execute();
    assertNull(created.getMetadata().getDeletionTimestamp());
    assertNull(created.getMetadata().getDeletionGracePeriodSeconds());
  }

  /** ValidateObjectMetaUpdate forbids new finalizers on an object being deleted (422). */
  @Test
  void noFinalizerCanBeAddedToAnObjectBeingDeleted() throws Exception {
    V1Service guarded = FakeKubeApiTest.service(ns, "master", Map.of());
    guarded.getMetadata().finalizers(List.of("example.com/keep"));
    fake.store().create(ApiResource.SERVICES, ns, guarded);
    core.deleteNamespacedService("master", ns).execute();
    V1Service marked = core.readNamespacedService("master", ns).execute();
    marked.getMetadata().finalizers(List.of("example.com/keep", "example.com/late"));
    ApiException refused = assertThrows(ApiException.class,
        () -> core.replaceNamespacedService("master", ns, marked).execute());
    assertEquals(422, refused.getCode());
    JsonObject status = JsonParser.parseString(refused.getResponseBody()).getAsJsonObject();
    assertEquals("Service \"master\" is invalid: metadata.finalizers: Forbidden: no new "
        + "finalizers can be added if the object is being deleted, found new finalizers "
        + "[]string{\"example.com/late\"}", status.get("message").getAsString());
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

  private void createServices(String... names) {
    for (String name : names) {
      fake.store().create(ApiResource.SERVICES, ns, FakeKubeApiTest.service(ns, name, Map.of()));
    }
  }
}
