package io.promcc.kube.fake;

import com.google.gson.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.TreeMap;

/**
 * The bounded history of an {@link ObjectStore}'s changes, as etcd keeps its revisions: what a
 * watch from an older resourceVersion replays, and what a list at one undoes. Changes beyond the
 * limit, or all of them at a compaction, are gone: a resourceVersion before them is answered
 * 410 ({@link GoneException}).
 *
 * <p>Not thread-safe: the store calls it under its lock.
 */
final class StoreHistory {
  /** A change recorded in the history. {@code previous} is null for ADDED. */
  record Change(long revision, ApiResource resource, ObjectStore.EventType type,
      JsonObject object, JsonObject previous) {}

  private final int limit;
  private final Deque<Change> changes = new ArrayDeque<>();
  private long compactedRevision = 0;

  /** @param limit how many changes are kept, at least one */
  StoreHistory(int limit) {
    this.limit = limit;
  }

  /** Records {@code change}; the oldest beyond the limit is compacted away. */
  void add(Change change) {
    changes.addLast(change);
    while (changes.size() > limit) {
      compactedRevision = changes.removeFirst().revision();
    }
  }

  /** Drops every change, as etcd compaction at {@code revision} (the current one) does. */
  void compact(long revision) {
    changes.clear();
    compactedRevision = revision;
  }

  /** The revision up to which changes were compacted away; 0 for none. */
  long compactedRevision() {
    return compactedRevision;
  }

  /** The changes kept, oldest first. */
  Iterable<Change> changes() {
    return changes;
  }

  /** @throws GoneException if changes after {@code revision} were compacted away */
  void checkKept(long revision) throws GoneException {
    if (revision < compactedRevision) {
      throw new GoneException("too old resource version: " + revision + " ("
          + compactedRevision + ")");
    }
  }

  /**
   * Undoes in {@code objects} (of {@code resource}, keyed as the store keys them) every change
   * after {@code atRevision}, newest first: the objects as they were at that revision.
   */
  void undoAfter(long atRevision, ApiResource resource, TreeMap<String, JsonObject> objects) {
    for (var newestFirst = changes.descendingIterator(); newestFirst.hasNext(); ) {
      Change change = newestFirst.next();
      if (change.revision() <= atRevision) {
        break;
      }
      if (!change.resource().equals(resource)) {
        continue;
      }
      JsonObject meta = StoreJson.metadata(change.object());
      String key = StoreKeys.key(resource.namespaced() ? StoreJson.string(meta, "namespace")
          : null, StoreJson.string(meta, "name"));
      if (change.type() == ObjectStore.EventType.ADDED) {
        objects.remove(key);
      } else {
        objects.put(key, change.previous());
      }
    }
  }
}
