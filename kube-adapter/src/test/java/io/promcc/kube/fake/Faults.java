package io.promcc.kube.fake;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Fault injection for {@link FakeKubeApi}: answer matching requests with an error status (a
 * {@code Status} object, the API server's 401 and 403, or its plain-text 429), delay them, end
 * open watches or new ones at once, expire them with 410 Gone or with another watch
 * {@code ERROR} event, send new ones one event as given, break new ones mid-stream (before
 * any event, or after one as given), answer lists at any version from a cache that is behind,
 * add an item as given to lists (one the store cannot hold, e.g. without a name). Thread-safe;
 * rules apply in the order they were added.
 */
public final class Faults {
  /** Unlimited count for {@link #fail}. */
  public static final int ALWAYS = -1;

  private record Rule(Predicate<FakeRequest> which, FaultReply reply, Duration delay,
      AtomicInteger remaining) {}

  /** What to do with a request: delay it, then answer with {@code reply} (empty: serve it). */
  record Action(Duration delay, Optional<FaultReply> reply) {}

  private record AddedItem(Predicate<FakeRequest> which, JsonElement item) {}

  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<AddedItem> addedItems = new CopyOnWriteArrayList<>();
  private final ObjectStore store;
  private volatile boolean stalled;
  /** The revision lists at any version are answered at (a stale watch cache); 0 for none. */
  private volatile long staleRevision;

  Faults(ObjectStore store) {
    this.store = store;
  }

  /**
   * Answers the next {@code times} matching requests ({@link #ALWAYS}: until {@link #clear()})
   * with {@code status} (e.g. 500, 503, or 429 with {@code Retry-After: 1}).
   */
  public Faults fail(int times, int status, Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be an error status: " + status);
    }
    return add(times, new FaultReply.StatusReply(status), which);
  }

  /**
   * Answers like the API server for a refused credential: 401 with a {@code Status} whose
   * message and reason are {@code Unauthorized}.
   */
  public Faults unauthorized(int times, Predicate<FakeRequest> which) {
    return add(times, new FaultReply.Unauthorized(), which);
  }

  /**
   * Answers like the API server when RBAC denies the request: 403 {@code Forbidden}, naming the
   * user (the client certificate's CN), the verb, the resource and its scope, e.g.
   * {@code services is forbidden: User "admin" cannot list resource "services" in API group ""
   * at the cluster scope}.
   */
  public Faults forbid(int times, Predicate<FakeRequest> which) {
    return add(times, new FaultReply.Forbidden(), which);
  }

  /**
   * Answers like the API server's max-in-flight and priority-and-fairness filters: 429 with a
   * plain-text body (not a {@code Status}) and {@code Retry-After: <seconds>}.
   */
  public Faults throttle(int times, int retryAfterSeconds, Predicate<FakeRequest> which) {
    return add(times, new FaultReply.Throttled(retryAfterSeconds), which);
  }

  /**
   * Answers matching watch requests with 200 and then one {@code ERROR} event carrying a
   * {@code Status} with {@code code} (e.g. 500, or 504 for "too large resource version"), after
   * which the stream ends, as the API server does for errors met while watching.
   */
  public Faults failWatchesWithErrorEvent(int times, int code, Predicate<FakeRequest> which) {
    if (code < 400 || code > 599 || code == 410) {
      throw new IllegalArgumentException("code must be an error status other than 410 (use "
          + "expireWatches): " + code);
    }
    return add(times, new FaultReply.WatchError(new ApiError(code,
        reasonFor(code).orElse("InternalError"), "injected watch error")),
        which.and(FakeRequest::isWatch));
  }

  /**
   * Answers the next {@code times} matching watch requests ({@link #ALWAYS}: until
   * {@link #clear()}) with 200 and one 410 Gone {@code ERROR} event ({@code Expired}, "too old
   * resource version"), after which the stream ends: an API server whose history no longer holds
   * the version asked for, whatever the client listed just before. The history stays.
   */
  public Faults expireNewWatches(int times, Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    return add(times, new FaultReply.WatchError(new ApiError(410, "Expired",
        "too old resource version")), which.and(FakeRequest::isWatch));
  }

  /**
   * Answers the next {@code times} matching watch requests ({@link #ALWAYS}: until
   * {@link #clear()}) with 200 and one event of {@code type} whose object is {@code object} as
   * given, after which the stream ends: an event an API server should not send, e.g. an object
   * without metadata, or an {@code ERROR} event whose {@code Status} has a reason but no code.
   */
  public Faults sendOnNewWatches(int times, String type, String object,
      Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    return add(times, new FaultReply.WatchEvent(requireNonNull(type, "type == null"),
        JsonParser.parseString(requireNonNull(object, "object == null")).getAsJsonObject()),
        which.and(FakeRequest::isWatch));
  }

  /**
   * Answers the next {@code times} matching watch requests ({@link #ALWAYS}: until
   * {@link #clear()}) with 200 and one line as given, after which the stream ends: an event a
   * client cannot read, e.g. one without a type, or no JSON at all.
   */
  public Faults sendLineOnNewWatches(int times, String line, Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    return add(times, new FaultReply.WatchLine(requireNonNull(line, "line == null")),
        which.and(FakeRequest::isWatch));
  }

  /**
   * Answers the next {@code times} matching watch requests with 200 and a stream that ends at
   * once with no event in it, as an API server whose watch cache is reinitialising or a proxy
   * that closes every watch connection may.
   */
  public Faults endWatchesAtOnce(int times, Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    return add(times, new FaultReply.EmptyWatch(), which.and(FakeRequest::isWatch));
  }

  /**
   * Answers the next {@code times} matching watch requests with 200 and a stream that breaks
   * before its first event: the body is announced longer than what comes, and the connection
   * closes, so the client's read fails ("unexpected end of stream"), as when a proxy or a load
   * balancer in between drops the connection, or the API server goes away mid-watch (a cut the
   * informer reads as the watch's end, as client-go's does).
   */
  public Faults breakWatches(int times, Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    return add(times, new FaultReply.BrokenWatch(), which.and(FakeRequest::isWatch));
  }

  /**
   * Answers the next {@code times} matching watch requests ({@link #ALWAYS}: until
   * {@link #clear()}) with 200, one event of {@code type} whose object is {@code object} as
   * given, and then a stream that breaks as {@link #breakWatches}'s do: a watch that flaps, one
   * change through it and then a proxy or a load balancer drops it.
   */
  public Faults breakWatchesAfterAnEvent(int times, String type, String object,
      Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    return add(times, new FaultReply.EventThenBrokenWatch(requireNonNull(type, "type == null"),
        JsonParser.parseString(requireNonNull(object, "object == null")).getAsJsonObject()),
        which.and(FakeRequest::isWatch));
  }

  /**
   * Answers the next {@code times} matching watch requests ({@link #ALWAYS}: until
   * {@link #clear()}) with 200, one event of {@code type} whose object is {@code object} as
   * given, and then an {@code ERROR} event with {@code code} (e.g. 500): a watch that fails
   * after each change through it.
   */
  public Faults failWatchesAfterAnEvent(int times, String type, String object, int code,
      Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    return add(times, new FaultReply.EventThenWatchError(requireNonNull(type, "type == null"),
        JsonParser.parseString(requireNonNull(object, "object == null")).getAsJsonObject(),
        new ApiError(code, reasonFor(code).orElse("InternalError"), "injected watch error")),
        which.and(FakeRequest::isWatch));
  }

  /**
   * Answers the next {@code times} matching lists that ask for a resourceVersion (not empty,
   * not "0") like an API server whose cache is behind it: 504 {@code Timeout}, "Too large
   * resource version", cause {@code ResourceVersionTooLarge}. A list without one (a consistent
   * read) is served.
   */
  public Faults tooLargeResourceVersion(int times, Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    return add(times, new FaultReply.TooLargeResourceVersion(), which
        .and(request -> !request.isWatch() && request.method().equals("GET"))
        .and(FaultReply.TooLargeResourceVersion::refuses));
  }

  private Faults add(int times, FaultReply reply, Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    rules.add(new Rule(which, reply, Duration.ZERO, new AtomicInteger(times)));
    return this;
  }

  /**
   * Adds {@code item}, JSON as given (e.g. an object without a name, or {@code null}), at the
   * end of the items of every matching list (of its last page, if paged) until
   * {@link #clear()}; never to a watch, nor to the store: an object the store cannot
   * hold, as a proxy, an aggregated API or a conversion webhook may answer it.
   */
  public Faults addToLists(String item, Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    addedItems.add(new AddedItem(which.and(request -> !request.isWatch()),
        JsonParser.parseString(requireNonNull(item, "item == null"))));
    return this;
  }

  /** The items {@link #addToLists} adds to the list {@code request} asks for. */
  List<JsonElement> itemsAddedTo(FakeRequest request) {
    return addedItems.stream().filter(added -> added.which().test(request))
        .map(added -> added.item().deepCopy()).toList();
  }

  /** Delays every matching request by {@code delay} until {@link #clear()}. */
  public Faults delay(Duration delay, Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    rules.add(new Rule(which, null, requireNonNull(delay, "delay == null"),
        new AtomicInteger(ALWAYS)));
    return this;
  }

  /** Ends every open watch now (the response ends cleanly, as on a server-side timeout). */
  public void closeWatches() {
    store.endWatches(false);
  }

  /**
   * Sends every open watch a 410 Gone ERROR event and compacts the history, so that resuming
   * from any older resourceVersion is refused with 410 as well: the client must re-list.
   */
  public void expireWatches() {
    store.endWatches(true);
  }

  /**
   * Sends every open watch an {@code ERROR} event with a {@code Status} of {@code code} and ends
   * it; history stays, so the client may resume.
   */
  public void errorWatches(int code, String message) {
    store.endWatches(new ApiError(code, reasonFor(code).orElse("InternalError"),
        requireNonNull(message, "message == null")));
  }

  /**
   * Makes open and new watches go silent, as behind a network partition: no events, no
   * bookmarks, and no end at their timeout; only the client's own read timeout can notice.
   * Lists still work. Ends with {@link #clear()}.
   */
  public void stallWatches() {
    stalled = true;
  }

  /**
   * Answers lists that accept any version ({@code resourceVersion=0}, what an informer's first
   * list asks for) with the state at {@code revision}, as an API server whose watch cache is
   * behind (partitioned from etcd, or a replica not caught up) may: the Kubernetes API concepts
   * say such a list can return data much older than the client observed before. A list without
   * a resourceVersion (a consistent read) or with one is served at the current state, and so are
   * watches. {@code revision} must still be in the history. Ends with {@link #clear()}.
   */
  public void staleCache(long revision) {
    if (revision < 1) {
      throw new IllegalArgumentException("revision must be positive: " + revision);
    }
    staleRevision = revision;
  }

  /** Removes every rule and ends a stall and a stale cache. */
  public void clear() {
    rules.clear();
    addedItems.clear();
    stalled = false;
    staleRevision = 0;
  }

  boolean watchesStalled() {
    return stalled;
  }

  /** The revision a list at any version is answered at, if the cache is stale. */
  Optional<Long> staleRevision() {
    long revision = staleRevision;
    return revision == 0 ? Optional.empty() : Optional.of(revision);
  }

  Action actionFor(FakeRequest request) {
    Duration delay = Duration.ZERO;
    for (Rule rule : rules) {
      if (!rule.which.test(request)) {
        continue;
      }
      if (rule.reply == null) {
        delay = delay.plus(rule.delay);
        continue;
      }
      int left = rule.remaining.get();
      if (left == ALWAYS) {
        return new Action(delay, Optional.of(rule.reply));
      }
      while (left > 0) {
        if (rule.remaining.compareAndSet(left, left - 1)) {
          return new Action(delay, Optional.of(rule.reply));
        }
        left = rule.remaining.get();
      }
    }
    return new Action(delay, Optional.empty());
  }

  static Optional<String> reasonFor(int status) {
    return Optional.ofNullable(switch (status) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 409 -> "Conflict";
      case 410 -> "Expired";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      case 429 -> "TooManyRequests";
      case 500 -> "InternalError";
      case 503 -> "ServiceUnavailable";
      case 504 -> "Timeout";
      default -> null;
    });
  }
}
