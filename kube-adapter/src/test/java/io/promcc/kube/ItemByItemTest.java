package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretList;
import io.kubernetes.client.util.Watch;
import io.promcc.kube.UnreadableObjects.Unreadable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A list of Secrets is read object by object: those that can be read are taken, each one that
 * cannot is told by its name, labels and reason, never a value; a list whose envelope cannot be
 * read (no object, {@code items} no array, its metadata of the wrong type) cannot be read as a
 * whole, as client-go refuses it.
 */
class ItemByItemTest {
  private static final String SECRET_TEXT = "PRIVATEKEYTEXT";
  private final AtomicInteger changes = new AtomicInteger();
  private final UnreadableObjects unreadable =
      new UnreadableObjects("secret", changes::incrementAndGet);
  private final Map<String, V1Secret> cached = new HashMap<>();
  private final ItemByItem items = new ItemByItem("secret", unreadable, cached::get);

  private static String secret(String name, String data) {
    return "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\","
        + "\"resourceVersion\":\"7\",\"labels\":{\"clusterID\":\"" + name + "\"}},"
        + "\"data\":" + data + "}";
  }

  private static String list(String metadata, String items) {
    return "{\"kind\":\"SecretList\",\"apiVersion\":\"v1\",\"metadata\":" + metadata
        + ",\"items\":" + items + "}";
  }

  private V1SecretList read(String json) {
    return items.readList(json, V1SecretList.class, V1Secret.class);
  }

  @Test
  void theReadableObjectsAreTakenAndEachOtherIsToldWithoutItsValue() {
    String json = list("{\"resourceVersion\":\"9\"}", "[" + secret("a", "{\"k\":\"YQ==\"}")
        + "," + secret("b", "{\"k\":\"" + SECRET_TEXT + "!\"}") + "," + secret("c", "{}")
        + "]");

    V1SecretList list = read(json);

    assertEquals("9", list.getMetadata().getResourceVersion());
    assertEquals(List.of("a", "c"),
        list.getItems().stream().map(s -> s.getMetadata().getName()).toList());
    List<Unreadable> told = unreadable.current();
    assertEquals(1, told.size(), told::toString);
    Unreadable b = told.get(0);
    assertEquals("default/b", b.key());
    assertEquals(Optional.of(Map.of("clusterID", "b")), b.labels());
    assertEquals("secret \"default/b\" cannot be read (Expected a base64 string but was a STRING"
        + " that is no standard base64 (illegal base64 data at input byte 14) at path"
        + " $.data.k)", b.describe());
    assertFalse(b.toString().contains(SECRET_TEXT), b::toString);
    assertEquals(1, changes.get());

    read(json); // the same again: no change
    assertEquals(1, changes.get());
    read(list("{\"resourceVersion\":\"10\"}", "[" + secret("a", "{}") + "]"));
    assertEquals(List.of(), unreadable.current());
    assertEquals(2, changes.get());
  }

  /**
   * Whatever is malformed in {@code data} or {@code stringData}, what is told of the Secret (the
   * log's words and the cluster's problem) quotes no value of it, listed or watched.
   */
  @Test
  void whatIsToldOfASecretQuotesNoValueOfIt() {
    List<String> malformed = List.of("{\"k\":{\"pem\":\"" + SECRET_TEXT + "\"}}",
        "{\"k\":[\"" + SECRET_TEXT + "\"]}", "\"" + SECRET_TEXT + "\"",
        "[\"" + SECRET_TEXT + "\"]", "[[\"k\",{\"pem\":\"" + SECRET_TEXT + "\"}]]");
    // no base64: only data is read as such
    List<String> notBase64 = List.of("{\"k\":\"" + SECRET_TEXT + "!\"}",
        "{\"k\":\"" + SECRET_TEXT + "_-==\"}");
    for (String field : List.of("data", "stringData")) {
      for (String value : field.equals("data")
          ? concat(malformed, notBase64) : malformed) {
        String secret = secret("b", "{}").replace("\"data\":{}", "\"" + field + "\":" + value);
        read(list("{\"resourceVersion\":\"9\"}", "[" + secret + "]"));
        List<Unreadable> listed = unreadable.current();
        assertEquals(1, listed.size(), secret);
        assertFalse(listed.get(0).describe().contains(SECRET_TEXT), listed.get(0)::describe);

        read(list("{\"resourceVersion\":\"9\"}", "[]"));
        assertTrue(event("MODIFIED", secret).isPresent(), secret);
        List<Unreadable> watched = unreadable.current();
        assertEquals(1, watched.size(), secret);
        assertFalse(watched.get(0).describe().contains(SECRET_TEXT), watched.get(0)::describe);
        read(list("{\"resourceVersion\":\"9\"}", "[]"));
      }
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> both = new ArrayList<>(a);
    both.addAll(b);
    return both;
  }

  @Test
  void anObjectThatCannotBeReadKeepsTheVersionTheCacheHolds() {
    V1Secret last = new V1Secret().metadata(
        new V1ObjectMeta().namespace("default").name("b").resourceVersion("6"));
    cached.put("default/b", last);

    V1SecretList list = read(list("{\"resourceVersion\":\"9\"}", "["
        + secret("b", "{\"k\":\"" + SECRET_TEXT + "!\"}") + "," + secret("x", "{\"k\":5}")
        + "]"));

    assertEquals(1, list.getItems().size());
    assertSame(last, list.getItems().get(0));
    assertEquals(List.of("default/b", "default/x"),
        unreadable.current().stream().map(Unreadable::key).toList());
  }

  /** What an event of {@code type} with {@code secret} is taken as, if it cannot be read. */
  private Optional<Watch.Response<V1Secret>> event(String type, String secret) {
    JsonObject object = JsonParser.parseString(secret).getAsJsonObject();
    RuntimeException failure = assertThrows(RuntimeException.class,
        () -> TolerantJson.gson().fromJson(object, V1Secret.class));
    return items.unreadableEvent(type, object, V1Secret.class, failure);
  }

  @Test
  void anEventWhoseSecretCannotBeReadIsABookmarkOrADeletionByName() {
    String bad = secret("b", "{\"k\":\"" + SECRET_TEXT + "!\"}");

    Watch.Response<V1Secret> modified = event("MODIFIED", bad).orElseThrow();
    assertEquals("BOOKMARK", modified.type);
    assertEquals("7", modified.object.getMetadata().getResourceVersion());
    assertEquals(List.of("default/b"),
        unreadable.current().stream().map(Unreadable::key).toList());
    assertEquals(1, changes.get());

    cached.put("default/b", new V1Secret()); // its last readable version
    Watch.Response<V1Secret> deleted = event("DELETED", bad).orElseThrow();
    assertEquals("DELETED", deleted.type);
    assertEquals("b", deleted.object.getMetadata().getName());
    assertEquals("default", deleted.object.getMetadata().getNamespace());
    assertEquals(Map.of("clusterID", "b"), deleted.object.getMetadata().getLabels());
    assertTrue(deleted.object.getData() == null || deleted.object.getData().isEmpty());
    assertEquals(1, unreadable.current().size()); // until the cache deletes that version
    unreadable.applied("default/b", deleted.object);
    assertEquals(List.of(), unreadable.current());
    assertEquals(2, changes.get());

    // no resourceVersion to go on from, or an ERROR: the watch breaks, as before
    assertEquals(Optional.empty(), event("ADDED", bad.replace("\"resourceVersion\":\"7\",", "")));
    assertEquals(Optional.empty(), event("ERROR", bad));
    assertEquals(List.of(), unreadable.current());
  }

  /**
   * The objects whose namespace, name or resourceVersion cannot be read, with their data
   * readable or not: none can be told to be any Secret.
   */
  private static List<String> withoutIdentity(String data) {
    String good = secret("b", data);
    return List.of("null", "5", "\"" + SECRET_TEXT + "\"", "{\"data\":" + data + "}",
        good.replace("\"name\":\"b\",", ""), good.replace("\"name\":\"b\"", "\"name\":\"\""),
        good.replace("\"name\":\"b\"", "\"name\":5"),
        good.replace("\"namespace\":\"default\"", "\"namespace\":5"),
        good.replace("\"resourceVersion\":\"7\"", "\"resourceVersion\":7"),
        "{\"metadata\":[],\"data\":" + data + "}");
  }

  @Test
  void aListWithAnObjectThatCannotBeToldApartCannotBeReadAsAWhole() {
    String known = secret("x", "{\"k\":5}");
    read(list("{\"resourceVersion\":\"8\"}", "[" + known + "]"));
    assertEquals(1, changes.get());
    for (String data : List.of("{}", "{\"k\":\"" + SECRET_TEXT + "!\"}")) {
      for (String item : withoutIdentity(data)) {
        String json = list("{\"resourceVersion\":\"9\"}", "[" + secret("a", "{}") + ","
            + known + "," + item + "]");
        JsonParseException refused = assertThrows(JsonParseException.class, () -> read(json),
            item);
        assertTrue(refused.getMessage().startsWith("the secret at item 2 of the list cannot be"
            + " read ("), refused.getMessage());
        assertFalse(refused.getMessage().contains(SECRET_TEXT), refused.getMessage());
        // nothing is taken from it: what was known stays until a list that can be read
        assertEquals(List.of("default/x"),
            unreadable.current().stream().map(Unreadable::key).toList(), item);
        assertEquals(1, changes.get(), item);
      }
    }
  }

  @Test
  void anEventWhoseObjectCannotBeToldApartBreaksTheWatch() {
    String bad = secret("b", "{\"k\":\"" + SECRET_TEXT + "!\"}");
    assertEquals("BOOKMARK", event("MODIFIED", bad).orElseThrow().type);
    cached.put("default/b", new V1Secret()); // its last readable version
    String otherNamespace = bad.replace("\"namespace\":\"default\"", "\"namespace\":5");
    String unnamed = bad.replace("\"name\":\"b\"", "\"name\":5");

    for (String type : List.of("ADDED", "MODIFIED", "DELETED")) {
      for (String object : List.of(otherNamespace, unnamed)) {
        assertEquals(Optional.empty(), event(type, object), type + " " + object);
      }
    }
    // what was known of default/b is left as it was, neither ended nor taken as another's
    assertEquals(List.of("default/b"),
        unreadable.current().stream().map(Unreadable::key).toList());
    assertEquals(1, changes.get());
  }

  @Test
  void aListWhoseEnvelopeCannotBeReadCannotBeReadAsAWhole() {
    String good = secret("a", "{}");
    for (String json : List.of("[" + good + "]", "\"x\"", "null",
        list("{\"resourceVersion\":\"9\"}", "{\"a\":" + good + "}"),
        list("{\"resourceVersion\":\"9\"}", "\"" + SECRET_TEXT + "\""),
        list("{\"resourceVersion\":9}", "[" + good + "]"),
        list("[]", "[" + good + "]"))) {
      JsonParseException refused = assertThrows(JsonParseException.class, () -> read(json),
          json);
      String words = String.valueOf(refused.getMessage())
          + (refused.getCause() == null ? "" : refused.getCause().getMessage());
      assertFalse(words.contains(SECRET_TEXT), words);
    }
    JsonParseException version = assertThrows(JsonParseException.class,
        () -> read(list("{\"resourceVersion\":9}", "[" + good + "]")));
    assertTrue(version.getMessage().contains("at path $.metadata.resourceVersion"),
        version.getMessage());
    assertEquals(List.of(), unreadable.current());
    assertEquals(0, changes.get());
  }
}
