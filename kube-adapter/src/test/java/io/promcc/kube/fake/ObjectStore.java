package io.promcc.kube.fake;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.JSON;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The fake's objects: one global resourceVersion counter (as etcd's revision), a bounded history
 * of change events for watches, optimistic concurrency on update. Objects are kept as JSON so any
 * kind can be stored; client-java model objects are accepted and converted.
 *
 * <p>Thread-safe: every method locks the store, and watch subscriptions are registered under the
 * same lock, so a watcher never misses or repeats an event. The open watches and how a change
 * reaches each are {@link StoreWatches}'.
 */
public final class ObjectStore {
  /** Event types as they appear on the wire. */
  public enum EventType { ADDED, MODIFIED, DELETED }

  /** A change recorded in the history. {@code previous} is null for ADDED. */
  record Change(long revision, ApiResource resource, EventType type, JsonObject object,
      JsonObject previous) {}

  private final Clock clock;
  private final int historyLimit;
  private final Map<ApiResource, TreeMap<String, JsonObject>> objects = new HashMap<>();
  private final Deque<Change> history = new ArrayDeque<>();
  private final StoreWatches watches = new StoreWatches();
  private long revision = 1;
  private long compactedRevision = 0;
  private long uidCounter = 0;

  ObjectStore(Clock clock, int historyLimit) {
    this.clock = requireNonNull(clock, "clock == null");
    if (historyLimit < 1) {
      throw new IllegalArgumentException("historyLimit must be positive");
    }
    this.historyLimit = historyLimit;
  }

  /** The current global resourceVersion. */
  public synchronized long resourceVersion() {
    return revision;
  }

  /**
   * Creates an object (a client-java model or a {@link JsonObject}); sets namespace, uid,
   * creationTimestamp and resourceVersion like the API server.
   *
   * @return the stored object
   * @throws ApiError 409 if it exists, 400 if it has no name
   */
  public synchronized JsonObject create(ApiResource resource, String namespace, Object object) {
    JsonObject json = toJson(object);
    JsonObject meta = metadata(json);
    if (!meta.has("name") && meta.has("generateName")) {
      meta.addProperty("name", meta.get("generateName").getAsString()
          + Long.toString(++uidCounter + 10_000, 36));
    }
    String name = string(meta, "name");
    if (name == null || name.isEmpty()) {
      throw new ApiError(400, "BadRequest", resource.kind() + " needs metadata.name");
    }
    String ns = namespaceOf(resource, namespace, meta);
    String key = key(ns, name);
    TreeMap<String, JsonObject> table = table(resource);
    if (table.containsKey(key)) {
      throw new ApiError(409, "AlreadyExists",
          qualified(resource) + " \"" + name + "\" already exists");
    }
    if (ns != null) {
      meta.addProperty("namespace", ns);
    }
    // as rest.BeforeCreate: only DELETE starts a deletion
    meta.remove("deletionTimestamp");
    meta.remove("deletionGracePeriodSeconds");
    meta.addProperty("uid", new UUID(0x5eedL, ++uidCounter).toString());
    meta.addProperty("creationTimestamp", DateTimeFormatter.ISO_INSTANT.format(
        clock.instant().truncatedTo(ChronoUnit.SECONDS)));
    stamp(resource, json);
    table.put(key, json);
    record(resource, EventType.ADDED, json, null);
    return json.deepCopy();
  }

  /**
   * Replaces an object. If the given object carries a resourceVersion it must be the current
   * one (optimistic concurrency); without one the update is unconditional, as with the API server.
   *
   * @throws ApiError 404 if it does not exist, 409 on a stale resourceVersion
   */
  public synchronized JsonObject update(ApiResource resource, String namespace, Object object) {
    JsonObject json = toJson(object);
    JsonObject meta = metadata(json);
    String name = string(meta, "name");
    String ns = namespaceOf(resource, namespace, meta);
    TreeMap<String, JsonObject> table = table(resource);
    JsonObject current = table.get(key(ns, name));
    if (current == null) {
      throw notFound(resource, name);
    }
    JsonObject currentMeta = metadata(current);
    String expected = string(meta, "resourceVersion");
    if (expected != null && !expected.isEmpty()
        && !expected.equals(string(currentMeta, "resourceVersion"))) {
      throw new ApiError(409, "Conflict", "Operation cannot be fulfilled on "
          + qualified(resource) + " \"" + name
          + "\": the object has been modified; please apply your changes to the latest version"
          + " and try again");
    }
    if (ns != null) {
      meta.addProperty("namespace", ns);
    }
    checkDeletionFields(resource, name, meta, currentMeta);
    for (String kept : List.of("uid", "creationTimestamp", "deletionTimestamp")) {
      if (currentMeta.has(kept)) {
        meta.add(kept, currentMeta.get(kept));
      }
    }
    // as rest.BeforeUpdate: an update never removes a deletion's grace period
    if (currentMeta.has("deletionGracePeriodSeconds") && !meta.has("deletionGracePeriodSeconds")) {
      meta.add("deletionGracePeriodSeconds", currentMeta.get("deletionGracePeriodSeconds"));
    }
    JsonObject unchanged = json.deepCopy();
    unchanged.addProperty("apiVersion", resource.apiVersion());
    unchanged.addProperty("kind", resource.kind());
    metadata(unchanged).add("resourceVersion", currentMeta.get("resourceVersion"));
    if (string(currentMeta, "deletionTimestamp") != null && finalizers(json).isEmpty()) {
      // the last finalizer is gone: the API server deletes instead of writing the update
      // (ShouldDeleteDuringUpdate) and answers with the object the request gave
      remove(resource, ns, name);
      json.addProperty("apiVersion", resource.apiVersion());
      json.addProperty("kind", resource.kind());
      return json.deepCopy();
    }
    if (unchanged.equals(current)) {
      // as etcd3's store: an update that changes nothing is not written, so no new
      // resourceVersion and no watch event
      return current.deepCopy();
    }
    stamp(resource, json);
    table.put(key(ns, name), json);
    record(resource, EventType.MODIFIED, json, current);
    return json.deepCopy();
  }

  /**
   * Applies a JSON merge patch (RFC 7386) to an object.
   *
   * @throws ApiError 404 if it does not exist
   */
  public synchronized JsonObject patch(ApiResource resource, String namespace, String name,
      JsonObject patch) {
    return patch(resource, namespace, name, PatchType.MERGE, patch.toString(), null).object();
  }

  /** The outcome of a patch: the stored object, and whether the patch created it (apply). */
  public record Patched(JsonObject object, boolean created) {}

  /**
   * Applies a patch as the API server does: JSON patch, merge patch and strategic merge patch
   * to an existing object; server-side apply also creates a missing one. A patch that sets
   * {@code metadata.resourceVersion} is a precondition (409 if it is not current); a patch that
   * changes nothing writes nothing. See {@link StorePatches}.
   *
   * @param fieldManager required for {@link PatchType#APPLY}, as by the API server
   * @throws ApiError 404 if it does not exist (except for apply), 400 for an undecodable
   *     patch, 422 for an operation that does not apply, 409 on a stale resourceVersion
   */
  public synchronized Patched patch(ApiResource resource, String namespace, String name,
      PatchType type, String body, String fieldManager) {
    return StorePatches.patch(this, resource, namespace, name, type, body, fieldManager);
  }

  /**
   * Deletes an object as the API server does: one without finalizers is removed (a DELETED
   * event); one with finalizers is only marked, with {@code metadata.deletionTimestamp} (kept
   * if set already) and {@code deletionGracePeriodSeconds} 0 (a MODIFIED event), and removed
   * once an update leaves it without finalizers (store.go, updateForGracefulDeletionAndFinalizers;
   * graceful deletion of pods is not modelled).
   *
   * @return the deleted object, with the deletion's resourceVersion, or the marked object
   * @throws ApiError 404 if it does not exist
   */
  public synchronized JsonObject delete(ApiResource resource, String namespace, String name) {
    String ns = resource.namespaced() ? requireNonNull(namespace, "namespace == null") : null;
    TreeMap<String, JsonObject> table = table(resource);
    JsonObject current = table.get(key(ns, name));
    if (current == null) {
      throw notFound(resource, name);
    }
    if (!finalizers(current).isEmpty()) {
      JsonObject marked = current.deepCopy();
      JsonObject meta = metadata(marked);
      if (string(meta, "deletionTimestamp") == null) {
        meta.addProperty("deletionTimestamp", DateTimeFormatter.ISO_INSTANT.format(
            clock.instant().truncatedTo(ChronoUnit.SECONDS)));
      }
      meta.addProperty("deletionGracePeriodSeconds", 0);
      if (marked.equals(current)) {
        return current.deepCopy(); // deleted again while being deleted: nothing to write
      }
      stamp(resource, marked);
      table.put(key(ns, name), marked);
      record(resource, EventType.MODIFIED, marked, current);
      return marked.deepCopy();
    }
    return remove(resource, ns, name);
  }

  /**
   * As ValidateObjectMetaUpdate, after rest.BeforeUpdate kept an existing deletionTimestamp:
   * only DELETE starts a deletion, so an update may not set deletionTimestamp or change
   * deletionGracePeriodSeconds, nor add finalizers to an object being deleted.
   *
   * @throws ApiError 422 Invalid naming every such field
   */
  private static void checkDeletionFields(ApiResource resource, String name, JsonObject meta,
      JsonObject currentMeta) {
    List<String> errors = new ArrayList<>();
    String deletion = string(currentMeta, "deletionTimestamp");
    String asked = string(meta, "deletionTimestamp");
    if (deletion == null && asked != null) {
      errors.add("metadata.deletionTimestamp: Invalid value: " + goTime(asked)
          + ": field is immutable");
    }
    JsonElement grace = currentMeta.get("deletionGracePeriodSeconds");
    JsonElement askedGrace = meta.get("deletionGracePeriodSeconds");
    if (askedGrace != null && !askedGrace.isJsonNull() && !askedGrace.equals(grace)) {
      errors.add("metadata.deletionGracePeriodSeconds: Invalid value: " + askedGrace
          + ": field is immutable");
    }
    if (deletion != null) {
      List<JsonElement> added = new ArrayList<>(finalizersOf(meta));
      added.removeAll(finalizersOf(currentMeta));
      if (!added.isEmpty()) {
        errors.add("metadata.finalizers: Forbidden: no new finalizers can be added if the object"
            + " is being deleted, found new finalizers []string{" + String.join(", ",
            added.stream().map(JsonElement::toString).toList()) + "}");
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiError(422, "Invalid", resource.kind()
          + (resource.group().isEmpty() ? "" : "." + resource.group()) + " \"" + name
          + "\" is invalid: " + (errors.size() == 1 ? errors.get(0)
          : "[" + String.join(", ", errors) + "]"));
    }
  }

  /**
   * An RFC 3339 time as Go's time.Time prints it in a field error: 2026-01-01 00:00:00 +0000 UTC.
   */
  private static String goTime(String rfc3339) {
    try {
      return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss '+0000 UTC'")
          .format(OffsetDateTime.parse(rfc3339).atZoneSameInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return rfc3339;
    }
  }

  /** Removes a stored object: a DELETED event with the object as it was last stored. */
  private JsonObject remove(ApiResource resource, String ns, String name) {
    JsonObject removed = table(resource).remove(key(ns, name));
    JsonObject tombstone = removed.deepCopy();
    stamp(resource, tombstone);
    record(resource, EventType.DELETED, tombstone, removed);
    return tombstone.deepCopy();
  }

  private static List<JsonElement> finalizers(JsonObject object) {
    return finalizersOf(metadata(object));
  }

  private static List<JsonElement> finalizersOf(JsonObject meta) {
    JsonElement finalizers = meta.get("finalizers");
    if (finalizers == null || !finalizers.isJsonArray()) {
      return List.of();
    }
    return finalizers.getAsJsonArray().asList();
  }

  /**
   * One object.
   *
   * @throws ApiError 404 if it does not exist
   */
  public synchronized JsonObject get(ApiResource resource, String namespace, String name) {
    String ns = resource.namespaced() ? requireNonNull(namespace, "namespace == null") : null;
    JsonObject found = table(resource).get(key(ns, name));
    if (found == null) {
      throw notFound(resource, name);
    }
    return found.deepCopy();
  }

  /** Objects of a resource in a namespace ({@code null}: all), matching both selectors, sorted. */
  public synchronized List<JsonObject> list(ApiResource resource, String namespace,
      Selector labels, Selector fields) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject object : table(resource).values()) {
      if (matches(object, namespace, labels, fields)) {
        out.add(object.deepCopy());
      }
    }
    return out;
  }

  /**
   * The objects of a resource in a namespace ({@code null}: all) as they were at
   * {@code atRevision}, keyed and sorted as etcd keeps them ({@code namespace/name}, or
   * {@code name} for a cluster-scoped resource): the current ones with every later change
   * undone, as etcd reads at an older revision. Selectors are not applied: a page of a list
   * walks the keys in range, matching or not.
   *
   * @throws GoneException if changes after {@code atRevision} were compacted away
   */
  synchronized TreeMap<String, JsonObject> objectsAt(ApiResource resource, String namespace,
      long atRevision) throws GoneException {
    if (atRevision < compactedRevision) {
      throw new GoneException("too old resource version: " + atRevision + " ("
          + compactedRevision + ")");
    }
    TreeMap<String, JsonObject> at = new TreeMap<>(table(resource));
    for (var changes = history.descendingIterator(); changes.hasNext(); ) {
      Change change = changes.next();
      if (change.revision() <= atRevision) {
        break;
      }
      if (!change.resource().equals(resource)) {
        continue;
      }
      JsonObject meta = metadata(change.object());
      String key = key(resource.namespaced() ? string(meta, "namespace") : null,
          string(meta, "name"));
      if (change.type() == EventType.ADDED) {
        at.remove(key);
      } else {
        at.put(key, change.previous());
      }
    }
    if (namespace != null) {
      at.keySet().removeIf(key -> !key.startsWith(namespace + "/"));
    }
    at.replaceAll((key, object) -> object.deepCopy());
    return at;
  }

  /** All objects of a resource, sorted by namespace and name. */
  public List<JsonObject> list(ApiResource resource) {
    return list(resource, null, Selector.everything(), Selector.everything());
  }

  /**
   * Drops the whole event history, as etcd compaction does: every watch that resumes from an
   * older resourceVersion then gets 410 Gone.
   */
  public synchronized void compact() {
    history.clear();
    compactedRevision = revision;
  }

  /** Number of open watch subscriptions (for tests that wait until a client is watching). */
  public int watchCount() {
    return watches.count();
  }

  /** Number of open watch subscriptions on one resource. */
  public int watchCount(ApiResource resource) {
    return watches.count(resource);
  }

  // ---- watch support (used by the server) ----

  /** Thrown by {@link #subscribe} when the requested resourceVersion is no longer in history. */
  static final class GoneException extends Exception {
    private static final long serialVersionUID = 1L;

    GoneException(String message) {
      super(message);
    }
  }

  /** One open watch: its filters and the queue of events to send. */
  static final class Subscription {
    final ApiResource resource;
    final String namespace;
    final Selector labels;
    final Selector fields;
    final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

    Subscription(ApiResource resource, String namespace, Selector labels, Selector fields) {
      this.resource = resource;
      this.namespace = namespace;
      this.labels = labels;
      this.fields = fields;
    }
  }

  /** A wire event: type and object. */
  record WatchEvent(String type, JsonObject object) {}

  /** Marks the end of a watch; with an error, an ERROR event carrying it is sent first. */
  record EndOfWatch(ApiError error) {}

  /**
   * Opens a watch. With {@code fromVersion} empty or "0" the current matching objects are sent
   * as ADDED first (the API server's "get state and start" semantics); otherwise every change
   * after that version is replayed from history.
   *
   * @throws GoneException if changes after {@code fromVersion} were compacted away
   */
  synchronized Subscription subscribe(ApiResource resource, String namespace, Selector labels,
      Selector fields, String fromVersion) throws GoneException {
    if (fromVersion == null || fromVersion.isEmpty() || fromVersion.equals("0")) {
      return watches.openWith(resource, namespace, labels, fields,
          list(resource, namespace, labels, fields));
    }
    long from;
    try {
      from = Long.parseLong(fromVersion);
    } catch (NumberFormatException e) {
      throw new ApiError(400, "BadRequest", "invalid resource version \"" + fromVersion + "\"");
    }
    if (from < compactedRevision) {
      throw new GoneException("too old resource version: " + from + " (" + compactedRevision
          + ")");
    }
    return watches.openAfter(resource, namespace, labels, fields, history, from);
  }

  void unsubscribe(Subscription subscription) {
    watches.close(subscription);
  }

  /** The resourceVersion for a bookmark, if nothing is queued for the subscription. */
  synchronized long bookmarkVersion(Subscription subscription) {
    return subscription.queue.isEmpty() ? revision : -1;
  }

  /**
   * Ends every open watch; with {@code gone} each gets a 410 ERROR event and history is compacted.
   */
  synchronized void endWatches(boolean gone) {
    if (gone) {
      compact();
      endWatches(new ApiError(410, "Expired", "too old resource version: " + revision + " ("
          + compactedRevision + ")"));
      return;
    }
    watches.endAll(null);
  }

  /** Ends every open watch with an ERROR event carrying {@code error}. */
  synchronized void endWatches(ApiError error) {
    watches.endAll(requireNonNull(error, "error == null"));
  }

  private void record(ApiResource resource, EventType type, JsonObject object,
      JsonObject previous) {
    Change change = new Change(revision, resource, type, object.deepCopy(),
        previous == null ? null : previous.deepCopy());
    history.addLast(change);
    while (history.size() > historyLimit) {
      compactedRevision = history.removeFirst().revision();
    }
    watches.publish(change);
  }

  static boolean matches(JsonObject object, String namespace, Selector labels,
      Selector fields) {
    if (namespace != null && !namespace.equals(Selector.fieldValue(object, "metadata.namespace"))) {
      return false;
    }
    return labels.test(object) && fields.test(object);
  }

  private void stamp(ApiResource resource, JsonObject json) {
    revision++;
    json.addProperty("apiVersion", resource.apiVersion());
    json.addProperty("kind", resource.kind());
    metadata(json).addProperty("resourceVersion", Long.toString(revision));
  }

  private TreeMap<String, JsonObject> table(ApiResource resource) {
    return objects.computeIfAbsent(resource, r -> new TreeMap<>());
  }

  private static String namespaceOf(ApiResource resource, String namespace, JsonObject meta) {
    if (!resource.namespaced()) {
      return null;
    }
    String fromObject = string(meta, "namespace");
    if (namespace == null) {
      if (fromObject == null) {
        throw new ApiError(400, "BadRequest", resource.kind() + " needs a namespace");
      }
      return fromObject;
    }
    if (fromObject != null && !fromObject.isEmpty() && !fromObject.equals(namespace)) {
      throw new ApiError(400, "BadRequest", "the namespace of the provided object does not match"
          + " the namespace sent on the request");
    }
    return namespace;
  }

  private static ApiError notFound(ApiResource resource, String name) {
    return new ApiError(404, "NotFound", qualified(resource) + " \"" + name + "\" not found");
  }

  /** The resource as the API server's messages name it: {@code leases.coordination.k8s.io}. */
  static String qualified(ApiResource resource) {
    return resource.plural() + (resource.group().isEmpty() ? "" : "." + resource.group());
  }

  private static String key(String namespace, String name) {
    return namespace == null ? name : namespace + "/" + name;
  }

  static JsonObject metadata(JsonObject json) {
    if (!json.has("metadata") || !json.get("metadata").isJsonObject()) {
      json.add("metadata", new JsonObject());
    }
    return json.getAsJsonObject("metadata");
  }

  private static String string(JsonObject json, String member) {
    JsonElement value = json.get(member);
    return value == null || value.isJsonNull() ? null : value.getAsString();
  }

  /** A deep copy of a {@link JsonObject}, or a client-java model serialized with its own JSON. */
  static JsonObject toJson(Object object) {
    requireNonNull(object, "object == null");
    if (object instanceof JsonObject json) {
      return json.deepCopy();
    }
    return JsonParser.parseString(JSON.serialize(object)).getAsJsonObject();
  }
}
