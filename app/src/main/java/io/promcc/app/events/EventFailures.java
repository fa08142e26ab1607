package io.promcc.app.events;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiException;
import io.promcc.core.model.TextCut;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Events the API server did not take, and when each may be tried again: one it refused for
 * good (403: RBAC without {@code create events}, or a namespace being deleted; 404: no such
 * namespace; 400 and 422: an Event it will never accept) after {@link #REFUSED_FIRST}, doubling
 * to {@link #REFUSED_MAX}; one it failed for now (5xx, 429, 408, 401, no answer) after
 * {@link #FAILED_FIRST}, doubling to {@link #FAILED_MAX}. Tried again at the rate's full pace,
 * refused Events took every call the rate allowed, for as long as the refusals lasted, and the
 * other Services never got theirs.
 *
 * <p>Each kind of failure (its status) is logged as a warning once, then at most every
 * {@link #LOG_EVERY} with how many failed so since; the others at debug level. Every failure is
 * counted ({@link EventFailureCount}), refused or failed.
 *
 * <p>Thread-safe.
 */
final class EventFailures {
  static final Duration REFUSED_FIRST = Duration.ofMinutes(5);
  static final Duration REFUSED_MAX = Duration.ofHours(1);
  static final Duration FAILED_FIRST = Duration.ofSeconds(10);
  static final Duration FAILED_MAX = Duration.ofMinutes(5);
  static final Duration LOG_EVERY = Duration.ofMinutes(10);
  private static final int MAX_DETAIL = 300;

  private static final System.Logger LOG = System.getLogger(ServiceEvents.class.getName());

  /** When an Event may be tried again, and the wait after its next failure. */
  private record Held(Instant until, Duration next) {}

  /** When a kind of failure was last logged, and how many failed so since. */
  private record Logged(Instant at, int since) {}

  private final Map<String, Held> held = new HashMap<>();
  private final Map<String, Logged> logged = new TreeMap<>();
  private final EventFailureCount count;

  EventFailures(EventFailureCount count) {
    this.count = requireNonNull(count, "count == null");
  }

  /**
   * Whether the API server refuses {@code status} for good: trying again soon cannot help. A 401
   * is not (a token being rotated), nor a 408 or 429.
   */
  static boolean refusedForGood(int status) {
    return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
  }

  /** Until when the Event {@code key} waits, if it failed and may not be tried yet at now. */
  synchronized Optional<Instant> heldUntil(String key, Instant now) {
    Held wait = held.get(key);
    return wait != null && now.isBefore(wait.until()) ? Optional.of(wait.until())
        : Optional.empty();
  }

  /**
   * The earliest time after {@code now} a held Event may be tried again; empty if none is held
   * past now (one whose time has come was tried by the publication that asks, if it still
   * wants it).
   */
  synchronized Optional<Instant> nextRetry(Instant now) {
    return held.values().stream().map(Held::until).filter(now::isBefore)
        .min(Instant::compareTo);
  }

  /**
   * Holds the Event {@code key} back after the API server answered {@code status} (0: no
   * answer), and logs it as the rate of its kind allows.
   *
   * @param what the Event and its Service, for the log line
   * @param detail what the API server said
   */
  synchronized void failed(String key, int status, String what, String detail, Instant now) {
    requireNonNull(key, "key == null");
    boolean forGood = refusedForGood(status);
    Held before = held.get(key);
    Duration wait = before != null ? before.next() : forGood ? REFUSED_FIRST : FAILED_FIRST;
    Duration max = forGood ? REFUSED_MAX : FAILED_MAX;
    held.put(key, new Held(now.plus(wait), min(wait.multipliedBy(2), max)));
    count.failed(forGood ? EventFailureCount.Kind.REFUSED : EventFailureCount.Kind.FAILED);

    String kind = status == 0 ? "no answer" : "status " + status;
    String line = "cannot publish event " + what + ": " + kind + ": " + detail + " (tried "
        + "again in " + text(wait);
    Logged last = logged.get(kind);
    if (last == null || !now.isBefore(last.at().plus(LOG_EVERY))) {
      LOG.log(Level.WARNING, line + "; " + (forGood ? "refused" : "failed") + " events are "
          + "logged at most every " + text(LOG_EVERY) + " per status" + (last == null
              || last.since() == 0 ? "" : ", " + last.since() + " more with " + kind
              + " since the last such line") + ")");
      logged.put(kind, new Logged(now, 0));
    } else {
      LOG.log(Level.DEBUG, line + ")");
      logged.put(kind, new Logged(last.at(), last.since() + 1));
    }
  }

  /** Forgets the failures of the Event {@code key}: it was published. */
  synchronized void published(String key) {
    held.remove(key);
  }

  /** Forgets the failures of Events not among {@code current}: their rejections went away. */
  synchronized void retainAll(Collection<String> current) {
    held.keySet().retainAll(current);
  }

  /**
   * What the API server said, on one line: a {@code Status} body's message, else the first line
   * of the failure (client-java's message spans lines and carries the response's headers). A
   * call that got no answer is worded by {@code ApiServerFailures} instead.
   */
  static String detail(ApiException e) {
    String body = e.getResponseBody();
    if (body != null && !body.isBlank()) {
      try {
        JsonElement message = JsonParser.parseString(body).getAsJsonObject().get("message");
        if (message != null && message.isJsonPrimitive()) {
          return oneLine(message.getAsString());
        }
      } catch (RuntimeException notAStatus) {
        return oneLine(body);
      }
    }
    return oneLine(e.getMessage() == null ? String.valueOf(e.getCause()) : e.getMessage());
  }

  private static String oneLine(String text) {
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() > MAX_DETAIL ? TextCut.cut(line, MAX_DETAIL) + "..." : line;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** {@code 10s}, {@code 5m}, {@code 1h}: the waits here are whole seconds. */
  private static String text(Duration duration) {
    return duration.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
