package io.promcc.kube.fake;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The open watches of an {@link ObjectStore}: each change goes to every watch whose resource and
 * selectors it concerns, translated as the API server's watch cache does (an object that leaves
 * a watch's selection is a {@code DELETED} event to it). The store calls every method but the
 * counts under its lock, so a watch opens, and changes are queued, in the store's order. Each
 * watch's queue holds {@link WatchEvent}s, then an {@link EndOfWatch} once it is ended.
 *
 * <p>Thread-safe.
 */
final class StoreWatches {
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
   * Marks the end of a streaming list's initial events: the bookmark annotated
   * {@code k8s.io/initial-events-end} at {@code revision}, the state they showed.
   */
  record InitialEventsEnd(long revision) {}

  private final Set<Subscription> subscriptions = new CopyOnWriteArraySet<>();

  /**
   * Opens a watch that starts with {@code current} (its matching objects) as ADDED events, then,
   * if {@code end} is not null, that marker.
   */
  Subscription openWith(ApiResource resource, String namespace, Selector labels,
      Selector fields, List<JsonObject> current, InitialEventsEnd end) {
    Subscription subscription = new Subscription(resource, namespace, labels, fields);
    for (JsonObject object : current) {
      subscription.queue.add(new WatchEvent("ADDED", object));
    }
    if (end != null) {
      subscription.queue.add(end);
    }
    subscriptions.add(subscription);
    return subscription;
  }

  /** Opens a watch that replays every change of {@code history} after revision {@code from}. */
  Subscription openAfter(ApiResource resource, String namespace, Selector labels,
      Selector fields, Iterable<StoreHistory.Change> history, long from) {
    Subscription subscription = new Subscription(resource, namespace, labels, fields);
    for (StoreHistory.Change change : history) {
      if (change.revision() > from) {
        enqueue(subscription, change);
      }
    }
    subscriptions.add(subscription);
    return subscription;
  }

  void close(Subscription subscription) {
    subscriptions.remove(subscription);
  }

  /** Queues {@code change} for every open watch it concerns. */
  void publish(StoreHistory.Change change) {
    for (Subscription subscription : subscriptions) {
      enqueue(subscription, change);
    }
  }

  /** Ends every open watch; with an {@code error} (may be null), an ERROR event carries it. */
  void endAll(ApiError error) {
    for (Subscription subscription : subscriptions) {
      subscription.queue.add(new EndOfWatch(error));
    }
  }

  int count() {
    return subscriptions.size();
  }

  int count(ApiResource resource) {
    return (int) subscriptions.stream().filter(s -> s.resource.equals(resource)).count();
  }

  int count(ApiResource resource, String namespace) {
    return (int) subscriptions.stream()
        .filter(s -> s.resource.equals(resource) && namespace.equals(s.namespace)).count();
  }

  /** Translates a change for a filtered watch, as the API server does for selectors. */
  private static void enqueue(Subscription s, StoreHistory.Change change) {
    if (!change.resource().equals(s.resource)) {
      return;
    }
    boolean now = ObjectStore.matches(change.object(), s.namespace, s.labels, s.fields);
    boolean before = change.previous() != null
        && ObjectStore.matches(change.previous(), s.namespace, s.labels, s.fields);
    String type = switch (change.type()) {
      case ADDED -> now ? "ADDED" : null;
      case DELETED -> before ? "DELETED" : null;
      case MODIFIED -> now && before ? "MODIFIED" : now ? "ADDED" : before ? "DELETED" : null;
    };
    if (type == null) {
      return;
    }
    JsonObject object;
    if (change.type() == ObjectStore.EventType.MODIFIED && type.equals("DELETED")) {
      // as the API server's watch cache: the object as it was when it still matched, with the
      // resourceVersion of the change that made it leave the selection
      object = change.previous().deepCopy();
      StoreJson.metadata(object).add("resourceVersion",
          StoreJson.metadata(change.object()).get("resourceVersion"));
    } else {
      object = change.object().deepCopy();
    }
    s.queue.add(new WatchEvent(type, object));
  }
}
