package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The objects of an informer that cannot be read one by one, where the list or watch that
 * brought them can: the last list names them all, a watch event adds one, and a readable
 * version of one ends it once the informer's cache holds that version ({@link #applied}), not
 * before: meanwhile the cache may still lack it, and its absence would read as the object gone.
 * A list takes the place of all that was known; one that no longer has an object ends it.
 *
 * <p>One log line per object and reason: a list that finds it again, for the same reason, logs
 * nothing. Never a value of the object's: only its name, its labels and why it cannot be read.
 *
 * <p>Thread-safe.
 */
final class UnreadableObjects {
  private static final System.Logger LOG = System.getLogger(UnreadableObjects.class.getName());

  /**
   * One object that cannot be read.
   *
   * @param key {@code namespace/name}, as the informer's cache keys it
   * @param labels its labels, if they can be read
   * @param where how messages name it, e.g. {@code secret "ns/name"}
   * @param reason why it cannot be read, never quoting a value of it
   */
  record Unreadable(String key, Optional<SortedMap<String, String>> labels,
      String where, String reason) {
    Unreadable {
      requireNonNull(key, "key == null");
      labels = requireNonNull(labels, "labels == null").map(TreeMap::new);
      requireNonNull(where, "where == null");
      requireNonNull(reason, "reason == null");
    }

    /** How a message says it: where it is and why it cannot be read. */
    String describe() {
      return where + " cannot be read (" + reason + ")";
    }
  }

  /** An unreadable object and the readable version that ends it once the cache holds it. */
  private record Entry(Unreadable unreadable, Object healedBy) {}

  private final String kind;
  private final Runnable onChange;
  /** By key. */
  private final SortedMap<String, Entry> entries = new TreeMap<>();

  /**
   * @param kind lower-case, e.g. {@code secret}: the log's words
   * @param onChange run when an object becomes unreadable, changes its reason or is read again
   */
  UnreadableObjects(String kind, Runnable onChange) {
    this.kind = requireNonNull(kind, "kind == null");
    this.onChange = requireNonNull(onChange, "onChange == null");
  }

  /**
   * A list succeeded with {@code unreadable} left out of it: those are now all there are, but
   * for an object that the list has readable ({@code readable}, by key) and that stays until
   * the cache holds that version.
   */
  void listed(List<Unreadable> unreadable, Map<String, ?> readable) {
    boolean changed;
    synchronized (entries) {
      SortedMap<String, Entry> next = new TreeMap<>();
      entries.forEach((key, entry) -> {
        Object version = readable.get(key);
        if (version != null) {
          next.put(key, new Entry(entry.unreadable(), version));
        }
      });
      for (Unreadable object : unreadable) {
        next.put(object.key(), new Entry(object, null));
      }
      changed = !sameReasons(entries, next);
      logChanges(entries, next);
      entries.clear();
      entries.putAll(next);
    }
    if (changed) {
      onChange.run();
    }
  }

  /**
   * A watch event brought {@code unreadable}; the informer's cache keeps the version it had.
   */
  void watched(Unreadable unreadable) {
    String key = unreadable.key();
    boolean changed;
    synchronized (entries) {
      Entry before = entries.put(key, new Entry(unreadable, null));
      changed = before == null || !before.unreadable().equals(unreadable);
      if (changed) {
        logUnreadable(unreadable);
      }
    }
    if (changed) {
      onChange.run();
    }
  }

  /**
   * A watch event brought a readable {@code version} of the object at {@code key}: that object
   * is read again once the cache holds it ({@link #applied}).
   */
  void watchedReadable(String key, Object version) {
    synchronized (entries) {
      entries.computeIfPresent(key, (k, entry) -> new Entry(entry.unreadable(), version));
    }
  }

  /**
   * The informer's cache now holds {@code version} of the object at {@code key}: if that is the
   * readable version that ends it, the object is read again.
   */
  void applied(String key, Object version) {
    ended(key, version, " can be read again");
  }

  /**
   * The informer's cache has deleted the object at {@code key}, {@code version} its last state:
   * if that is the deletion that ends it, the object is gone (as {@link #applied}, but so told).
   */
  void appliedDeletion(String key, Object version) {
    ended(key, version, " is deleted");
  }

  private void ended(String key, Object version, String how) {
    boolean changed = false;
    synchronized (entries) {
      Entry entry = entries.get(key);
      if (entry != null && entry.healedBy() == version) {
        entries.remove(key);
        LOG.log(System.Logger.Level.INFO, entry.unreadable().where() + how);
        changed = true;
      }
    }
    if (changed) {
      onChange.run();
    }
  }

  /**
   * A watch event deleted the object at {@code key}, which the informer's cache holds no version
   * of: nothing is left to wait for, it is gone.
   */
  void gone(String key) {
    Entry entry;
    synchronized (entries) {
      entry = entries.remove(key);
    }
    if (entry != null) {
      LOG.log(System.Logger.Level.INFO, entry.unreadable().where() + " is deleted");
      onChange.run();
    }
  }

  /** The objects that cannot be read now, by key. */
  List<Unreadable> current() {
    synchronized (entries) {
      List<Unreadable> all = new ArrayList<>(entries.size());
      entries.values().forEach(entry -> all.add(entry.unreadable()));
      return all;
    }
  }

  /**
   * What {@link Unreadable#describe} says of each object that cannot be read and may be one
   * carrying {@code labels}: its labels have them, or its key is one of {@code keys} (the
   * objects found with them in the cache, whose newer version it is), joined by "; ".
   */
  Optional<String> matching(Map<String, String> labels, Collection<String> keys) {
    return joined(current().stream().filter(object ->
        object.labels().map(l -> l.entrySet().containsAll(labels.entrySet())).orElse(false)
            || keys.contains(object.key())));
  }

  /** As {@link #matching}, of the objects whose labels cannot be read: any may be one. */
  Optional<String> withoutLabels() {
    return joined(current().stream().filter(object -> object.labels().isEmpty()));
  }

  private static Optional<String> joined(Stream<Unreadable> objects) {
    String said = objects.map(Unreadable::describe).collect(Collectors.joining("; "));
    return said.isEmpty() ? Optional.empty() : Optional.of(said);
  }

  private static boolean sameReasons(Map<String, Entry> before, Map<String, Entry> after) {
    if (!before.keySet().equals(after.keySet())) {
      return false;
    }
    return before.entrySet().stream().allMatch(e ->
        e.getValue().unreadable().equals(after.get(e.getKey()).unreadable()));
  }

  private void logChanges(Map<String, Entry> before, Map<String, Entry> after) {
    after.forEach((key, entry) -> {
      Entry was = before.get(key);
      if (was == null || !Objects.equals(was.unreadable(), entry.unreadable())) {
        logUnreadable(entry.unreadable());
      }
    });
    before.forEach((key, entry) -> {
      if (!after.containsKey(key)) {
        LOG.log(System.Logger.Level.INFO, entry.unreadable().where()
            + " is no longer listed unreadable");
      }
    });
  }

  private void logUnreadable(Unreadable unreadable) {
    LOG.log(System.Logger.Level.WARNING, unreadable.describe() + "; the other " + kind
        + "s are taken");
  }

  /**
   * {@code namespace/name} as client-java's cache keys an object; {@code name} alone without a
   * namespace.
   */
  static String key(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** How messages name an object of {@code kind} at {@code key}. */
  static String named(String kind, String key) {
    return kind + " " + Quoting.quote(key);
  }
}
