package io.promcc.kube.fake;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Fault injection for {@link FakeKubeApi}: answer matching requests with an error status, delay
 * them, end open watches or expire them with 410 Gone. Thread-safe; rules apply in the order
 * they were added.
 */
public final class Faults {
  /** Unlimited count for {@link #fail}. */
  public static final int ALWAYS = -1;

  private record Rule(Predicate<FakeRequest> which, int status, Duration delay,
      AtomicInteger remaining) {}

  /** What to do with a request: delay it, then answer with {@code status} (0 = serve normally). */
  record Action(Duration delay, int status) {}

  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final ObjectStore store;
  private volatile boolean stalled;

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
    rules.add(new Rule(which, status, Duration.ZERO, new AtomicInteger(times)));
    return this;
  }

  /** Delays every matching request by {@code delay} until {@link #clear()}. */
  public Faults delay(Duration delay, Predicate<FakeRequest> which) {
    requireNonNull(which, "which == null");
    rules.add(new Rule(which, 0, requireNonNull(delay, "delay == null"),
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
   * Makes open and new watches go silent, as behind a network partition: no events, no
   * bookmarks, and no end at their timeout; only the client's own read timeout can notice.
   * Lists still work. Ends with {@link #clear()}.
   */
  public void stallWatches() {
    stalled = true;
  }

  /** Removes every rule and ends a stall. */
  public void clear() {
    rules.clear();
    stalled = false;
  }

  boolean watchesStalled() {
    return stalled;
  }

  Action actionFor(FakeRequest request) {
    Duration delay = Duration.ZERO;
    for (Rule rule : rules) {
      if (!rule.which.test(request)) {
        continue;
      }
      if (rule.status == 0) {
        delay = delay.plus(rule.delay);
        continue;
      }
      int left = rule.remaining.get();
      if (left == ALWAYS) {
        return new Action(delay, rule.status);
      }
      while (left > 0) {
        if (rule.remaining.compareAndSet(left, left - 1)) {
          return new Action(delay, rule.status);
        }
        left = rule.remaining.get();
      }
    }
    return new Action(delay, 0);
  }

  static Optional<String> reasonFor(int status) {
    return Optional.ofNullable(switch (status) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 409 -> "Conflict";
      case 410 -> "Expired";
      case 429 -> "TooManyRequests";
      case 500 -> "InternalError";
      case 503 -> "ServiceUnavailable";
      case 504 -> "Timeout";
      default -> null;
    });
  }
}
