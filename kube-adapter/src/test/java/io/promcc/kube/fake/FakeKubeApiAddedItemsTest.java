package io.promcc.kube.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Faults#addToLists}: an item, JSON as given, at the end of the matching lists only (not
 * of other lists, watches or the store), once per list however it is paged, until cleared.
 */
class FakeKubeApiAddedItemsTest {
  private static final String NAMELESS = "{\"metadata\":{\"namespace\":\"x\"}}";
  private static FakeKubeApi fake;
  private static OkHttpClient http;
  private static int counter;
  private String ns;

  @BeforeAll
  static void startFake() {
    fake = FakeKubeApi.builder().start();
    http = fake.newClient().getHttpClient().newBuilder()
        .readTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stopFake() {
    fake.close();
  }

  @BeforeEach
  void fresh() {
    fake.faults().clear();
    ns = "added-" + (++counter);
  }

  private void createServices(String... names) {
    for (String name : names) {
      fake.store().create(ApiResource.SERVICES, ns, new V1Service()
          .metadata(new V1ObjectMeta().namespace(ns).name(name))
          .spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().port(443)))));
    }
  }

  private JsonObject get(String pathAndQuery) throws IOException {
    try (Response response = http.newCall(new Request.Builder()
        .url(fake.url() + pathAndQuery).build()).execute()) {
      assertEquals(200, response.code(), pathAndQuery);
      return JsonParser.parseString(response.body().string()).getAsJsonObject();
    }
  }

  @Test
  void theItemEndsEveryMatchingListAsGivenAndNothingElse() throws Exception {
    createServices("a");
    fake.faults().addToLists(NAMELESS, r -> r.isFor(ApiResource.SERVICES))
        .addToLists("null", r -> r.isFor(ApiResource.SERVICES));
    String path = "/api/v1/namespaces/" + ns + "/services";
    for (int i = 0; i < 2; i++) {
      JsonArray items = get(path).getAsJsonArray("items");
      assertEquals(3, items.size(), "the stored one, then the two added: " + items);
      assertEquals("a", items.get(0).getAsJsonObject().getAsJsonObject("metadata")
          .get("name").getAsString());
      assertEquals(JsonParser.parseString(NAMELESS), items.get(1), "as given");
      assertEquals(JsonNull.INSTANCE, items.get(2));
    }
    assertEquals(0, get("/api/v1/namespaces/" + ns + "/secrets").getAsJsonArray("items").size(),
        "a list the predicate does not match");
    assertTrue(fake.store().list(ApiResource.SERVICES).stream()
        .allMatch(o -> o.getAsJsonObject("metadata").has("name")), "the store holds none");
    fake.faults().clear();
    assertEquals(1, get(path).getAsJsonArray("items").size(), "cleared");
  }

  @Test
  void aWatchGetsNoneOfIt() throws Exception {
    createServices("a");
    fake.faults().addToLists(NAMELESS, r -> r.isFor(ApiResource.SERVICES));
    List<JsonObject> events = new ArrayList<>();
    try (Response response = http.newCall(new Request.Builder().url(fake.url()
        + "/api/v1/namespaces/" + ns + "/services?watch=true&timeoutSeconds=1").build())
        .execute()) {
      BufferedReader reader = new BufferedReader(new InputStreamReader(
          response.body().byteStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        events.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    assertEquals(1, events.size(), "the stored one only: " + events);
    assertEquals("a", events.get(0).getAsJsonObject("object").getAsJsonObject("metadata")
        .get("name").getAsString());
  }

  @Test
  void aPagedListHasItOnceAtItsEnd() throws Exception {
    createServices("a", "b");
    fake.faults().addToLists(NAMELESS, r -> r.isFor(ApiResource.SERVICES));
    String path = "/api/v1/namespaces/" + ns + "/services?limit=1";
    List<JsonElement> all = new ArrayList<>();
    JsonObject page = get(path);
    for (int pages = 0; pages < 10; pages++) {
      page.getAsJsonArray("items").forEach(all::add);
      JsonElement next = page.getAsJsonObject("metadata").get("continue");
      if (next == null || next.getAsString().isEmpty()) {
        break;
      }
      page = get(path + "&continue=" + next.getAsString());
    }
    assertEquals(3, all.size(), "a, b, then the added one, once: " + all);
    assertTrue(all.get(0).isJsonObject() && all.get(1).isJsonObject());
    assertEquals(JsonParser.parseString(NAMELESS), all.get(2));
    assertFalse(all.subList(0, 2).contains(JsonParser.parseString(NAMELESS)));
  }
}
