package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.Watch;
import io.promcc.kube.UnreadableObjects.Unreadable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads the objects of a list, and of a watch event, one by one, where client-go (and
 * client-java) refuse a whole list, and break the watch, for one object they cannot read: the
 * objects that can be read are taken, each one that cannot is told to {@link UnreadableObjects}
 * by its name and labels where those can be read. What surrounds the objects is read as before,
 * as a whole: a list that is no object, whose {@code items} is no array, or whose metadata cannot
 * be read cannot be read, nor can a watch event without a type or an object.
 *
 * <p>An object is read on its own only if it can be told apart: it is an object whose metadata
 * names it (a name that is a string, not empty; a namespace and a resourceVersion that are
 * strings, if there). One that cannot be told apart cannot be taken as any object, nor as no
 * object: a list with it cannot be read as a whole, and an event with it breaks the watch, as
 * client-go fails a list or a watch it cannot read; the informer keeps what it had until a list
 * that can be read.
 *
 * <p>An object of a list that cannot be read but names itself keeps the version the informer's
 * cache holds, if any: the list takes it again, as an event that cannot be read leaves it.
 *
 * <p>An event that brings an object that cannot be read but names it and its resourceVersion (not
 * empty) is taken as a bookmark at that version (an addition or a change; the informer's cache
 * keeps the version it had), or as the deletion of that name (a deletion); one that does not
 * name them still breaks the watch, and the list after reads it one by one.
 *
 * <p>The API server never sends such an object: it validates what it stores ({@code data}'s
 * base64 among it) and writes it back as its type says. A proxy, an aggregated API, a
 * conversion webhook or a fake may.
 *
 * <p>Thread-safe.
 */
final class ItemByItem {
  private final String kind;
  private final UnreadableObjects unreadable;
  private final Function<String, ?> lastReadable;

  /**
   * @param kind lower-case, e.g. {@code secret}: how messages name an object
   * @param lastReadable the version the informer's cache holds of the object at a key, or null
   */
  ItemByItem(String kind, UnreadableObjects unreadable, Function<String, ?> lastReadable) {
    this.kind = requireNonNull(kind, "kind == null");
    this.unreadable = requireNonNull(unreadable, "unreadable == null");
    this.lastReadable = requireNonNull(lastReadable, "lastReadable == null");
  }

  /**
   * Reads {@code json} as a list of {@code itemType} (strictly, as {@link TolerantJson#read}),
   * its objects one by one, and tells {@link UnreadableObjects#listed} which could not be read.
   *
   * @throws JsonParseException if the list itself cannot be read, or an object of it cannot be
   *     told apart (naming it by its position)
   */
  <L extends KubernetesListObject> L readList(String json, Class<L> listType,
      Class<? extends KubernetesObject> itemType) {
    JsonElement tree = TolerantJson.read(json, JsonElement.class);
    JsonElement items = tree.isJsonObject() ? tree.getAsJsonObject().get("items") : null;
    if (!tree.isJsonObject() || items != null && !items.isJsonArray() && !items.isJsonNull()) {
      return TolerantJson.read(json, listType); // cannot be read as a whole, as ever
    }
    Gson gson = TolerantJson.gson();
    JsonObject envelope = new JsonObject();
    tree.getAsJsonObject().entrySet().forEach(e -> envelope.add(e.getKey(), e.getValue()));
    envelope.add("items", new JsonArray());
    L list = gson.fromJson(envelope, listType);
    JsonArray array = items == null || items.isJsonNull() ? new JsonArray()
        : items.getAsJsonArray();
    List<KubernetesObject> readable = new ArrayList<>(array.size());
    Map<String, Object> byKey = new HashMap<>();
    List<Unreadable> refused = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      // the tree gives each object up as it is read: it and the objects are not held at once
      JsonElement item = array.set(i, JsonNull.INSTANCE);
      String key;
      try {
        key = identity(item).key();
      } catch (IllegalArgumentException e) {
        // no object it can be taken as: the list cannot be read, as a whole
        throw new JsonParseException("the " + kind + " at item " + i + " of the list cannot be"
            + " read (" + e.getMessage() + ")");
      }
      try {
        KubernetesObject object = TolerantJson.gson().fromJson(item, itemType);
        readable.add(object);
        byKey.put(key, object);
      } catch (RuntimeException e) {
        refused.add(describe(item.getAsJsonObject(), key, e));
        // its last readable version stays, as a watch event that cannot be read leaves it
        Object last = lastReadable.apply(key);
        if (itemType.isInstance(last)) {
          readable.add(itemType.cast(last));
        }
      }
    }
    @SuppressWarnings("unchecked") // the list's items are of itemType, as its type says
    List<KubernetesObject> target = (List<KubernetesObject>) list.getItems();
    target.addAll(readable);
    unreadable.listed(refused, byKey);
    return list;
  }

  /**
   * The event that takes the place of a watch event of {@code type} whose {@code object} could
   * not be read ({@code failure}), if it names the object and its resourceVersion.
   */
  <T> Optional<Watch.Response<T>> unreadableEvent(String type, JsonObject object,
      Class<T> objectType, RuntimeException failure) {
    if (!"ADDED".equals(type) && !"MODIFIED".equals(type) && !"DELETED".equals(type)) {
      return Optional.empty();
    }
    Identity identity;
    try {
      identity = identity(object);
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // no object it can be taken as: the watch breaks
    }
    Optional<String> version = identity.resourceVersion().filter(v -> !v.isEmpty());
    if (version.isEmpty()) {
      return Optional.empty();
    }
    Unreadable described = describe(object, identity.key(), failure);
    JsonObject meta = new JsonObject();
    JsonObject read = metadata(object).orElseThrow();
    meta.add("name", read.get("name"));
    string(Optional.of(read), "namespace").ifPresent(ns -> meta.addProperty("namespace", ns));
    meta.addProperty("resourceVersion", version.get());
    JsonObject minimal = new JsonObject();
    minimal.add("metadata", meta);
    if ("DELETED".equals(type)) {
      // gone, whatever it held: its name is enough for the cache to forget it
      described.labels().ifPresent(labels -> {
        JsonObject copied = new JsonObject();
        labels.forEach(copied::addProperty);
        meta.add("labels", copied);
      });
      T deleted = TolerantJson.gson().fromJson(minimal, objectType);
      deleted(identity.key(), deleted);
      return Optional.of(new Watch.Response<>(type, deleted));
    }
    unreadable.watched(described);
    return Optional.of(new Watch.Response<>("BOOKMARK",
        TolerantJson.gson().fromJson(minimal, objectType)));
  }

  /**
   * A watch event of {@code type} brought {@code version} of the object at {@code key},
   * readable.
   */
  void readable(String type, String key, Object version) {
    if ("DELETED".equals(type)) {
      deleted(key, version);
    } else if ("ADDED".equals(type) || "MODIFIED".equals(type)) {
      unreadable.watchedReadable(key, version);
    }
  }

  /**
   * A watch event deleted the object at {@code key}, {@code version} its last state: gone once
   * the cache deletes it; at once if the cache holds no version of it, which the informer then
   * tells no one of (client-java's queue passes over the deletion of an object it does not know).
   */
  private void deleted(String key, Object version) {
    if (lastReadable.apply(key) == null) {
      unreadable.gone(key);
    } else {
      unreadable.watchedReadable(key, version);
    }
  }

  /**
   * Checks that {@code object} can be told apart, as {@link #identity} reads it.
   *
   * @throws IllegalArgumentException if it cannot, saying why and quoting no value
   */
  static void identify(JsonElement object) {
    identity(object);
  }

  /**
   * What tells an object apart: the cache's key of it ({@code namespace/name}) and its
   * resourceVersion, if it has one.
   */
  private record Identity(String key, Optional<String> resourceVersion) {}

  /**
   * The identity of {@code item}.
   *
   * @throws IllegalArgumentException if it cannot be read, saying why and quoting no value
   */
  private static Identity identity(JsonElement item) {
    if (!item.isJsonObject()) {
      throw new IllegalArgumentException(item.isJsonNull() ? "it is null, no object"
          : "it is no object");
    }
    JsonElement meta = item.getAsJsonObject().get("metadata");
    if (meta == null || meta.isJsonNull()) {
      throw new IllegalArgumentException("it has no metadata");
    }
    if (!meta.isJsonObject()) {
      throw new IllegalArgumentException("its metadata is no object");
    }
    Optional<JsonObject> read = metadata(item.getAsJsonObject());
    String name = identifying(read, "name").orElse("");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("it has no name");
    }
    return new Identity(UnreadableObjects.key(identifying(read, "namespace").orElse(""), name),
        identifying(read, "resourceVersion"));
  }

  /**
   * The string {@code field} of {@code meta}; empty if it is not there or null.
   *
   * @throws IllegalArgumentException if it is there and no string
   */
  private static Optional<String> identifying(Optional<JsonObject> meta, String field) {
    JsonElement value = meta.map(m -> m.get(field)).orElse(null);
    if (value == null || value.isJsonNull()) {
      return Optional.empty();
    }
    if (!isString(value)) {
      throw new IllegalArgumentException("its " + field + " is no string");
    }
    return Optional.of(value.getAsString());
  }

  /** The cache's key of an object with {@code meta}. */
  static String keyOf(V1ObjectMeta meta) {
    return UnreadableObjects.key(meta.getNamespace(), meta.getName());
  }

  /**
   * {@code item}, at {@code key}, that cannot be read for {@code failure}: its labels where its
   * metadata has them as strings, and Gson's words for where and what it met, which quote no
   * value.
   */
  private Unreadable describe(JsonObject item, String key, RuntimeException failure) {
    Throwable named = failure.getCause() != null && failure.getCause().getMessage() != null
        ? failure.getCause() : failure;
    String reason = FailureText.withoutGsonAdvice(String.valueOf(named.getMessage()));
    return new Unreadable(key, labels(metadata(item)), UnreadableObjects.named(kind, key),
        reason);
  }

  private static Optional<JsonObject> metadata(JsonObject object) {
    JsonElement meta = object.get("metadata");
    return meta != null && meta.isJsonObject() ? Optional.of(meta.getAsJsonObject())
        : Optional.empty();
  }

  private static Optional<String> string(Optional<JsonObject> object, String field) {
    return object.map(o -> o.get(field)).filter(ItemByItem::isString)
        .map(JsonElement::getAsString);
  }

  private static boolean isString(JsonElement value) {
    return value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
  }

  /** Its labels, if they are an object of strings (none at all: empty). */
  private static Optional<SortedMap<String, String>> labels(Optional<JsonObject> meta) {
    if (meta.isEmpty()) {
      return Optional.empty();
    }
    JsonElement labels = meta.get().get("labels");
    if (labels == null || labels.isJsonNull()) {
      return Optional.of(new TreeMap<>());
    }
    if (!labels.isJsonObject()) {
      return Optional.empty();
    }
    SortedMap<String, String> read = new TreeMap<>();
    for (Map.Entry<String, JsonElement> label : labels.getAsJsonObject().entrySet()) {
      if (!isString(label.getValue())) {
        return Optional.empty();
      }
      read.put(label.getKey(), ((JsonPrimitive) label.getValue()).getAsString());
    }
    return Optional.of(read);
  }
}
