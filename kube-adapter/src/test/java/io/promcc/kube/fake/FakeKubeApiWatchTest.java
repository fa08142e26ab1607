package io.promcc.kube.fake;

import static io.promcc.kube.fake.FakeKubeApiTest.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
 * The fake's watches over HTTP: replaying changes after a resourceVersion, 410 Gone for a
 * compacted one, label-filtered watches, bookmarks and timeouts, and closing; the fake is set
 * up as {@link FakeKubeApiTest}'s.
 */
class FakeKubeApiWatchTest {
  private static FakeKubeApi fake;
  private static OkHttpClient http;
  private static int namespaceCounter;
  private String ns;

  @BeforeAll
  static void startFake() {
    fake = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.REQUIRE)
        .bookmarkInterval(Duration.ofMillis(200)).historyLimit(20).start();
    http = fake.newClient().getHttpClient();
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

  private Response get(String pathAndQuery) throws IOException {
    return http.newCall(new Request.Builder().url(fake.url() + pathAndQuery).build()).execute();
  }

  /** Reads watch events until {@code count} arrived or the stream ended. */
  private List<JsonObject> watch(String pathAndQuery, int count) throws IOException {
    List<JsonObject> events = new ArrayList<>();
    try (Response response = http.newBuilder().readTimeout(Duration.ofSeconds(10)).build()
        .newCall(new Request.Builder().url(fake.url() + pathAndQuery).build()).execute()) {
      assertEquals(200, response.code());
      assertEquals("application/json", response.header("Content-Type"));
      BufferedReader reader = new BufferedReader(new InputStreamReader(
          response.body().byteStream(), StandardCharsets.UTF_8));
      String line;
      while (events.size() < count && (line = reader.readLine()) != null) {
        events.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    return events;
  }

  private static String type(JsonObject event) {
    return event.get("type").getAsString();
  }

  private static String name(JsonObject event) {
    return event.getAsJsonObject("object").getAsJsonObject("metadata").get("name").getAsString();
  }

  @Test
  void aWatchReplaysChangesAfterItsVersionThenStreamsNewOnes() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of()));
    long from = fake.store().resourceVersion();
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "b", Map.of()));
    fake.store().delete(ApiResource.SERVICES, ns, "a");
    Thread writer = new Thread(() -> {
      Poll.until(Duration.ofSeconds(10), "watch open",
          () -> fake.store().watchCount(ApiResource.SERVICES) > 0);
      fake.store().create(ApiResource.SERVICES, ns, service(ns, "c", Map.of()));
    });
    writer.start();
    List<JsonObject> events = watch("/api/v1/namespaces/" + ns
        + "/services?watch=true&resourceVersion=" + from, 3);
    writer.join();
    assertEquals(List.of("ADDED b", "DELETED a", "ADDED c"),
        events.stream().map(e -> type(e) + " " + name(e)).toList());
  }

  @Test
  void aWatchFromZeroStartsWithTheCurrentObjects() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of()));
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "b", Map.of()));
    List<JsonObject> events = watch("/api/v1/namespaces/" + ns
        + "/services?watch=true&resourceVersion=0", 2);
    assertEquals(List.of("ADDED a", "ADDED b"),
        events.stream().map(e -> type(e) + " " + name(e)).toList());
  }

  @Test
  void aWatchFromACompactedVersionGets410Gone() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of()));
    long old = fake.store().resourceVersion();
    for (int i = 0; i < 25; i++) { // history keeps 20
      fake.store().create(ApiResource.SERVICES, ns, service(ns, "n" + i, Map.of()));
    }
    List<JsonObject> events = watch("/api/v1/namespaces/" + ns
        + "/services?watch=true&resourceVersion=" + old, 2);
    assertEquals(1, events.size(), "the watch ends after the error");
    assertEquals("ERROR", type(events.get(0)));
    JsonObject status = events.get(0).getAsJsonObject("object");
    assertEquals("Status", status.get("kind").getAsString());
    assertEquals(410, status.get("code").getAsInt());
    assertEquals("Expired", status.get("reason").getAsString());
  }

  @Test
  void aWatchWithAMalformedVersionIsABadRequest() throws Exception {
    try (Response response = get("/api/v1/services?watch=true&resourceVersion=abc")) {
      assertEquals(400, response.code());
      JsonObject status = JsonParser.parseString(response.body().string()).getAsJsonObject();
      assertEquals("invalid resource version \"abc\"", status.get("message").getAsString());
    }
  }

  @Test
  void labelFilteredWatchesSeeObjectsLeavingAndEnteringTheSelection() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of("app", "master")));
    long from = fake.store().resourceVersion();
    fake.store().update(ApiResource.SERVICES, ns, service(ns, "a", Map.of("app", "other")));
    fake.store().update(ApiResource.SERVICES, ns, service(ns, "a", Map.of("app", "master")));
    fake.store().update(ApiResource.SERVICES, ns,
        service(ns, "a", Map.of("app", "master", "x", "y")));
    List<JsonObject> events = watch("/api/v1/namespaces/" + ns
        + "/services?watch=true&labelSelector=app%3Dmaster&resourceVersion=" + from, 3);
    assertEquals(List.of("DELETED", "ADDED", "MODIFIED"),
        events.stream().map(FakeKubeApiWatchTest::type).toList());
  }

  @Test
  void idleWatchesGetBookmarksAndEndAtTheirTimeout() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of()));
    long now = fake.store().resourceVersion();
    List<JsonObject> events = watch("/api/v1/namespaces/" + ns + "/services?watch=true"
        + "&allowWatchBookmarks=true&timeoutSeconds=2&resourceVersion=" + now, 100);
    assertFalse(events.isEmpty(), "at least one bookmark in two seconds (one per 200 ms)");
    assertTrue(events.size() < 100, "the watch ended at its timeout");
    for (JsonObject event : events) {
      assertEquals("BOOKMARK", type(event));
      assertEquals("Service", event.getAsJsonObject("object").get("kind").getAsString());
      assertTrue(Long.parseLong(event.getAsJsonObject("object").getAsJsonObject("metadata")
          .get("resourceVersion").getAsString()) >= now);
    }
  }

  @Test
  void closingWatchesEndsTheStreamCleanly() throws Exception {
    int open0 = fake.store().watchCount(ApiResource.PODS);
    Thread closer = new Thread(() -> {
      Poll.until(Duration.ofSeconds(10), "watch open",
          () -> fake.store().watchCount(ApiResource.PODS) > open0);
      fake.faults().closeWatches();
    });
    closer.start();
    List<JsonObject> events = watch("/api/v1/namespaces/" + ns + "/pods?watch=true", 10);
    closer.join();
    assertEquals(List.of(), events);
  }
}
