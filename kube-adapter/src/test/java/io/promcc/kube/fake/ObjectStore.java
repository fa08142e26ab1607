package io.promcc.kube.fake;

import static io.promcc.kube.fake.StoreJson.metadata;
import static io.promcc.kube.fake.StoreJson.string;
import static io.promcc.kube.fake.StoreJson.toJson;
import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The fake's objects: one global resourceVersion counter (as etcd's revision), a bounded history
 * of change events for watches, optimistic concurrency on update. Objects are kept as JSON so any
 * kind can be stored; client-java model objects are accepted and converted.
 *
 * <p>Thread-safe: every method locks the store, and watch subscriptions are registered under the
 * same lock, so a watcher never misses or repeats an event. The open watches and how a change
 * reaches each are {@link StoreWatches}', the history {@link StoreHistory}'s, the rules on
 * deletion fields {@link DeletionRules}', the keys and names {@link StoreKeys}' and reading and
 * copying JSON {@link StoreJson}'.
 */
public final class ObjectStore {
  /** Event types as they appear on the wire. */
  public enum EventType { ADDED, MODIFIED, DELETED }

  private final Clock clock;
  private final Map<ApiResource, TreeMap<String, JsonObject>> objects = new HashMap<>();
  private final StoreHistory history;
  private final StoreWatches watches = new StoreWatches();
  private long revision = 1;
  private long uidCounter = 0;

  ObjectStore(Clock clock, int historyLimit) {
    this.clock = requireNonNull(clock, "clock == null");
    if (historyLimit < 1) {
      throw new IllegalArgumentException("historyLimit must be positive");
    }
    this.history = new StoreHistory(historyLimit);
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
    String ns = StoreKeys.namespaceOf(resource, namespace, meta);
    String key = StoreKeys.key(ns, name);
    TreeMap<String, JsonObject> table = table(resource);
    if (table.containsKey(key)) {
      throw new ApiError(409, "AlreadyExists",
          StoreKeys.qualified(resource) + " \"" + name + "\" already exists");
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
    String ns = StoreKeys.namespaceOf(resource, namespace, meta);
    TreeMap<String, JsonObject> table = table(resource);
    JsonObject current = table.get(StoreKeys.key(ns, name));
    if (current == null) {
      throw StoreKeys.notFound(resource, name);
    }
    JsonObject currentMeta = metadata(current);
    String expected = string(meta, "resourceVersion");
    if (expected != null && !expected.isEmpty()
        && !expected.equals(string(currentMeta, "resourceVersion"))) {
      throw new ApiError(409, "Conflict", "Operation cannot be fulfilled on "
          + StoreKeys.qualified(resource) + " \"" + name
          + "\": the object has been modified; please apply your changes to the latest version"
          + " and try again");
    }
    if (ns != null) {
      meta.addProperty("namespace", ns);
    }
    DeletionRules.checkUpdate(resource, name, meta, currentMeta);
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
    if (string(currentMeta, "deletionTimestamp") != null
        && DeletionRules.finalizers(json).isEmpty()) {
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
    table.put(StoreKeys.key(ns, name), json);
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
    JsonObject current = table.get(StoreKeys.key(ns, name));
    if (current == null) {
      throw StoreKeys.notFound(resource, name);
    }
    if (!DeletionRules.finalizers(current).isEmpty()) {
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
      table.put(StoreKeys.key(ns, name), marked);
      record(resource, EventType.MODIFIED, marked, current);
      return marked.deepCopy();
    }
    return remove(resource, ns, name);
  }

  /** Removes a stored object: a DELETED event with the object as it was last stored. */
  private JsonObject remove(ApiResource resource, String ns, String name) {
    JsonObject removed = table(resource).remove(StoreKeys.key(ns, name));
    JsonObject tombstone = removed.deepCopy();
    stamp(resource, tombstone);
    record(resource, EventType.DELETED, tombstone, removed);
    return tombstone.deepCopy();
  }

  /**
   * One object.
   *
   * @throws ApiError 404 if it does not exist
   */
  public synchronized JsonObject get(ApiResource resource, String namespace, String name) {
    String ns = resource.namespaced() ? requireNonNull(namespace, "namespace == null") : null;
    JsonObject found = table(resource).get(StoreKeys.key(ns, name));
    if (found == null) {
      throw StoreKeys.notFound(resource, name);
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
    history.checkKept(atRevision);
    TreeMap<String, JsonObject> at = new TreeMap<>(table(resource));
    history.undoAfter(atRevision, resource, at);
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
    history.compact(revision);
  }

  /** Number of open watch subscriptions (for tests that wait until a client is watching). */
  public int watchCount() {
    return watches.count();
  }

  /** Number of open watch subscriptions on one resource. */
  public int watchCount(ApiResource resource) {
    return watches.count(resource);
  }

  /** Number of open watch subscriptions on one resource in {@code namespace}. */
  public int watchCount(ApiResource resource, String namespace) {
    return watches.count(resource, namespace);
  }

  // ---- watch support (used by the server) ----

  /**
   * Opens a watch. With {@code fromVersion} empty or "0" the current matching objects are sent
   * as ADDED first (the API server's "get state and start" semantics); otherwise every change
   * after that version is replayed from history.
   *
   * @throws GoneException if changes after {@code fromVersion} were compacted away
   */
  synchronized StoreWatches.Subscription subscribe(ApiResource resource, String namespace,
      Selector labels, Selector fields, String fromVersion) throws GoneException {
    if (fromVersion == null || fromVersion.isEmpty() || fromVersion.equals("0")) {
      return watches.openWith(resource, namespace, labels, fields,
          list(resource, namespace, labels, fields), null);
    }
    long from;
    try {
      from = Long.parseLong(fromVersion);
    } catch (NumberFormatException e) {
      throw new ApiError(400, "BadRequest", "invalid resource version \"" + fromVersion + "\"");
    }
    history.checkKept(from);
    return watches.openAfter(resource, namespace, labels, fields, history.changes(), from);
  }

  /**
   * Opens a streaming list ({@code sendInitialEvents=true}): the matching objects as ADDED
   * events, then, if {@code endMarked}, the end of the initial events at the current revision,
   * then every change. The state is always the newest, which is not older than any version a
   * client may name.
   */
  synchronized StoreWatches.Subscription subscribeWithInitialEvents(ApiResource resource,
      String namespace, Selector labels, Selector fields, boolean endMarked) {
    return watches.openWith(resource, namespace, labels, fields,
        list(resource, namespace, labels, fields),
        endMarked ? new StoreWatches.InitialEventsEnd(revision) : null);
  }

  void unsubscribe(StoreWatches.Subscription subscription) {
    watches.close(subscription);
  }

  /** The resourceVersion for a bookmark, if nothing is queued for the subscription. */
  synchronized long bookmarkVersion(StoreWatches.Subscription subscription) {
    return subscription.queue.isEmpty() ? revision : -1;
  }

  /**
   * Ends every open watch; with {@code gone} each gets a 410 ERROR event and history is compacted.
   */
  synchronized void endWatches(boolean gone) {
    if (gone) {
      compact();
      endWatches(new ApiError(410, "Expired", "too old resource version: " + revision + " ("
          + history.compactedRevision() + ")"));
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
    StoreHistory.Change change = new StoreHistory.Change(revision, resource, type,
        object.deepCopy(), previous == null ? null : previous.deepCopy());
    history.add(change);
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
}
