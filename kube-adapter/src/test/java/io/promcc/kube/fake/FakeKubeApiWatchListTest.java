package io.promcc.kube.fake;

import static io.promcc.kube.fake.FakeKubeApiTest.service;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * The fake's streaming lists ({@code watch=true&sendInitialEvents=true}), which client-go's
 * informers ask for from 1.35 on (Prometheus 3.x built with it lists nothing else): the current
 * objects as ADDED events, then a bookmark marked {@code k8s.io/initial-events-end}, then the
 * changes; and the API server's refusal of such a watch without the options it requires.
 */
class FakeKubeApiWatchListTest {
  private static final String STREAM = "watch=true&sendInitialEvents=true"
      + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true";

  private static FakeKubeApi fake;
  private static OkHttpClient http;
  private static int namespaceCounter;
  private String ns;

  @BeforeAll
  static void startFake() {
    fake = FakeKubeApi.builder().bookmarkInterval(Duration.ofMillis(200)).start();
    http = fake.newClient().getHttpClient().newBuilder()
        .readTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stopFake() {
    fake.close();
  }

  @BeforeEach
  void freshNamespace() {
    ns = "list-" + (++namespaceCounter);
  }

  @Test
  void aStreamingListSendsTheObjectsThenTheBookmarkEndingThemThenTheChanges() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of()));
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "b", Map.of()));
    long listed = fake.store().resourceVersion();
    Thread writer = new Thread(() -> {
      Poll.until(Duration.ofSeconds(10), "watch open",
          () -> fake.store().watchCount(ApiResource.SERVICES, ns) > 0);
      fake.store().create(ApiResource.SERVICES, ns, service(ns, "c", Map.of()));
    });
    writer.start();
    List<JsonObject> events = new ArrayList<>();
    try (Response response = get("/api/v1/namespaces/" + ns + "/services?" + STREAM
        + "&resourceVersion=")) {
      assertEquals(200, response.code());
      BufferedReader reader = new BufferedReader(new InputStreamReader(
          response.body().byteStream(), StandardCharsets.UTF_8));
      String line;
      while (!(events.size() >= 3 && name(events.get(events.size() - 1)).equals("c"))
          && (line = reader.readLine()) != null) {
        events.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    writer.join();
    assertEquals("ADDED a", describe(events.get(0)));
    assertEquals("ADDED b", describe(events.get(1)));
    JsonObject end = events.get(2);
    assertEquals("BOOKMARK", end.get("type").getAsString());
    JsonObject meta = end.getAsJsonObject("object").getAsJsonObject("metadata");
    assertEquals(Long.toString(listed), meta.get("resourceVersion").getAsString());
    assertEquals("true", meta.getAsJsonObject("annotations")
        .get("k8s.io/initial-events-end").getAsString());
    // only plain bookmarks (no annotation) may come between the end and the change
    List<String> after = events.subList(3, events.size()).stream()
        .filter(e -> !"BOOKMARK".equals(e.get("type").getAsString())
            || e.getAsJsonObject("object").getAsJsonObject("metadata").has("annotations"))
        .map(FakeKubeApiWatchListTest::describe).toList();
    assertEquals(List.of("ADDED c"), after);
  }

  @Test
  void aStreamingListWithoutBookmarksSendsTheObjectsThenTheChangesWithNoEndBookmark()
      throws Exception {
    // the API server asks no allowWatchBookmarks of sendInitialEvents (ValidateListOptions); it
    // only sends the initial-events-end bookmark to a watch that allows bookmarks
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of()));
    List<String> events = watchUntil("c", "watch=true&sendInitialEvents=true"
        + "&resourceVersionMatch=NotOlderThan&resourceVersion=");
    assertEquals(List.of("ADDED a", "ADDED c"), events);
  }

  @Test
  void aWatchThatAsksForNoInitialEventsStartsAtTheNewestVersion() throws Exception {
    fake.store().create(ApiResource.SERVICES, ns, service(ns, "a", Map.of()));
    List<String> events = watchUntil("c", "watch=true&sendInitialEvents=false"
        + "&resourceVersionMatch=NotOlderThan&resourceVersion=");
    assertEquals(List.of("ADDED c"), events);
  }

  @Test
  void aStreamingListWithoutTheOptionsItRequiresIsRefusedAsTheApiServerRefusesIt()
      throws Exception {
    assertRefused("/api/v1/services?sendInitialEvents=true",
        "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list");
    assertRefused("/api/v1/services?watch=true&sendInitialEvents=true&allowWatchBookmarks=true",
        "resourceVersionMatch: Forbidden: sendInitialEvents requires setting"
            + " resourceVersionMatch to NotOlderThan");
    assertRefused("/api/v1/services?watch=true&resourceVersionMatch=NotOlderThan",
        "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless"
            + " sendInitialEvents is provided");
    assertRefused("/api/v1/services?watch=true&sendInitialEvents=true&allowWatchBookmarks=true"
        + "&resourceVersionMatch=Exact",
        "[resourceVersionMatch: Forbidden: sendInitialEvents requires setting"
            + " resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value:"
            + " \"Exact\": supported values: \"NotOlderThan\"]");
    assertRefused("/api/v1/services?resourceVersionMatch=NotOlderThan",
        "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless"
            + " resourceVersion is provided");
  }

  /**
   * The events of a watch of the namespace with {@code query}, until the object {@code last},
   * created once the watch is open, comes; plain bookmarks are left out.
   */
  private List<String> watchUntil(String last, String query) throws Exception {
    Thread writer = new Thread(() -> {
      Poll.until(Duration.ofSeconds(10), "watch open",
          () -> fake.store().watchCount(ApiResource.SERVICES, ns) > 0);
      fake.store().create(ApiResource.SERVICES, ns, service(ns, last, Map.of()));
    });
    writer.start();
    List<String> events = new ArrayList<>();
    try (Response response = get("/api/v1/namespaces/" + ns + "/services?" + query)) {
      assertEquals(200, response.code());
      BufferedReader reader = new BufferedReader(new InputStreamReader(
          response.body().byteStream(), StandardCharsets.UTF_8));
      String line;
      while (!(events.size() > 0 && events.get(events.size() - 1).equals("ADDED " + last))
          && (line = reader.readLine()) != null) {
        events.add(describe(JsonParser.parseString(line).getAsJsonObject()));
      }
    } finally {
      writer.join();
    }
    return events;
  }

  private void assertRefused(String pathAndQuery, String cause) throws IOException {
    try (Response response = get(pathAndQuery)) {
      assertEquals(422, response.code(), pathAndQuery);
      JsonObject status = JsonParser.parseString(response.body().string()).getAsJsonObject();
      assertEquals("Invalid", status.get("reason").getAsString());
      assertEquals("ListOptions.meta.k8s.io \"\" is invalid: " + cause,
          status.get("message").getAsString());
    }
  }

  private Response get(String pathAndQuery) throws IOException {
    return http.newCall(new Request.Builder().url(fake.url() + pathAndQuery).build()).execute();
  }

  private static String name(JsonObject event) {
    JsonObject meta = event.getAsJsonObject("object").getAsJsonObject("metadata");
    return meta.has("name") ? meta.get("name").getAsString() : "";
  }

  private static String describe(JsonObject event) {
    return event.get("type").getAsString() + " " + name(event);
  }
}
